import Foundation
import MetaTune

/// The compact JSON form of a knowledge base, in which MetaTune ships its own: configurations
/// shared by several tasks (a collected pool) are written once and referenced by index; scores
/// and learning curves are rounded to 5 significant digits.
public enum KnowledgeBaseFile {
    /// The format's version, checked on reading.
    public static let format = "metatune-knowledge-1"

    private struct File: Encodable {
        var format: String
        var pool: [[String: ParamValue]]
        var tasks: [Task]
    }

    private struct Task: Encodable {
        var name: String
        /// Left out for tasks without meta-features.
        var metaFeatures: [String: Double]?
        /// [pool index or −1, score, curve…] per trial; params of trials outside the pool follow in `extra`.
        var trials: [[Double]]
        var extra: [[String: ParamValue]]
        /// How the trials were collected, when `meta collect` did (left out otherwise).
        var collection: PastTask.CollectionSettings?
        /// What the task's study measured, when it recorded it (left out otherwise).
        var objective: ObjectiveSignature?
    }

    /// Writes `knowledge` to `path`.
    public static func write(_ knowledge: KnowledgeBase, to path: String) throws {
        var pool: [[String: ParamValue]] = []  // [:] marks an index not seen yet
        var tasks: [Task] = []
        for task in knowledge.tasks {
            var rows: [[Double]] = []
            var extra: [[String: ParamValue]] = []
            for trial in task.trials {
                var index = -1
                if let configIndex = trial.configIndex {
                    while pool.count <= configIndex { pool.append([:]) }
                    if pool[configIndex].isEmpty { pool[configIndex] = trial.params }
                    if pool[configIndex] == trial.params { index = configIndex }
                }
                if index < 0 { extra.append(trial.params) }
                rows.append([Double(index), rounded(trial.score)] + trial.curve.map(rounded))
            }
            tasks.append(Task(name: task.name, metaFeatures: task.metaFeatures?.values.mapValues(rounded), trials: rows, extra: extra,
                              collection: task.collection, objective: task.objective))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(File(format: format, pool: pool, tasks: tasks)).write(to: URL(fileURLWithPath: path))
    }

    /// Reads a knowledge base written by `write`.
    public static func read(path: String) throws -> KnowledgeBase {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StudyError.invalidArgument("\(path): cannot read the knowledge base (\(error.localizedDescription))")
        }
        return try read(data: data, source: path)
    }

    /// Parses with `JSONSerialization` rather than `Codable`: a knowledge base of 1,000 studies ×
    /// 100 trials reads in a fraction of the time (decoding each parameter value by trying its
    /// possible types threw and caught an error per value).
    static func read(data: Data, source: String) throws -> KnowledgeBase {
        func malformed(_ what: String) -> StudyError { .invalidArgument("\(source): not a MetaTune knowledge base (\(what))") }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw malformed("\(error.localizedDescription)")
        }
        guard let file = root as? [String: Any] else { throw malformed("not a JSON object") }
        guard let version = file["format"] as? String else { throw malformed("no format") }
        guard version == format else {
            throw StudyError.invalidArgument("\(source): knowledge base format '\(version)' is not '\(format)'")
        }
        guard let poolObjects = file["pool"] as? [Any], let taskObjects = file["tasks"] as? [Any] else { throw malformed("no pool or tasks") }
        let pool = try poolObjects.map { try params($0, source: source) }
        var tasks: [PastTask] = []
        for case let task as [String: Any] in taskObjects {
            guard let name = task["name"] as? String, let rows = task["trials"] as? [[Any]] else { throw malformed("a task without name or trials") }
            var extra = try ((task["extra"] as? [Any]) ?? []).map { try params($0, source: source) }.makeIterator()
            var trials: [PastTrial] = []
            for row in rows {
                let numbers = row.compactMap { ($0 as? NSNumber)?.doubleValue }
                guard numbers.count == row.count, numbers.count >= 2, numbers[0].isFinite, abs(numbers[0]) < 1e9 else {
                    throw StudyError.invalidArgument("\(source): task \(name) has a malformed trial")
                }
                let index = Int(numbers[0])
                let trialParams: [String: ParamValue]
                if index >= 0 {
                    guard index < pool.count else { throw StudyError.invalidArgument("\(source): pool index \(index) out of range") }
                    trialParams = pool[index]
                } else {
                    guard let next = extra.next() else { throw StudyError.invalidArgument("\(source): task \(name) lacks parameters") }
                    trialParams = next
                }
                trials.append(PastTrial(params: trialParams, score: numbers[1], configIndex: index >= 0 ? index : nil,
                                        curve: Array(numbers.dropFirst(2))))
            }
            let metaFeatures = (task["metaFeatures"] as? [String: Any]).map { object in
                MetaFeatures(values: object.compactMapValues { ($0 as? NSNumber)?.doubleValue })
            }
            tasks.append(PastTask(name: name, metaFeatures: metaFeatures, trials: trials,
                                  collection: try decoded(PastTask.CollectionSettings.self, task["collection"], source: source),
                                  objective: try decoded(ObjectiveSignature.self, task["objective"], source: source)))
        }
        return KnowledgeBase(tasks: tasks)
    }

    /// One configuration: a JSON object of numbers, strings and booleans.
    private static func params(_ object: Any, source: String) throws -> [String: ParamValue] {
        guard let dictionary = object as? [String: Any] else {
            throw StudyError.invalidArgument("\(source): not a MetaTune knowledge base (a configuration is not an object)")
        }
        var values: [String: ParamValue] = [:]
        for (name, value) in dictionary {
            if let text = value as? String {
                values[name] = .string(text)
            } else if let number = value as? NSNumber {
                switch UInt8(bitPattern: number.objCType.pointee) {
                case UInt8(ascii: "c"), UInt8(ascii: "B"): values[name] = .bool(number.boolValue)
                case UInt8(ascii: "d"), UInt8(ascii: "f"): values[name] = .float(number.doubleValue)
                default: values[name] = .int(number.intValue)
                }
            } else {
                throw StudyError.invalidArgument("\(source): not a MetaTune knowledge base (parameter '\(name)' is not a number, string or boolean)")
            }
        }
        return values
    }

    /// A small optional part of a task, decoded with `Codable` from its parsed JSON.
    private static func decoded<T: Decodable>(_ type: T.Type, _ object: Any?, source: String) throws -> T? {
        guard let object, !(object is NSNull) else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: try JSONSerialization.data(withJSONObject: object))
        } catch {
            throw StudyError.invalidArgument("\(source): not a MetaTune knowledge base (\(error))")
        }
    }

    /// The knowledge base shipped with MetaTune for `model` (built by `meta collect` with its
    /// default settings over the 40 tasks of MetaTune's task pool, then `meta export`; every task
    /// records how it was collected, and so what it measured).
    public static func builtin(model: String = "mlp") throws -> KnowledgeBase {
        guard let url = Bundle.module.url(forResource: "knowledge-\(model)", withExtension: "json", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "knowledge-\(model)", withExtension: "json") else {
            throw StudyError.invalidArgument("no knowledge base for model '\(model)' is shipped with MetaTune")
        }
        var knowledge = try read(data: try Data(contentsOf: url), source: "built-in knowledge base")
        for index in knowledge.tasks.indices where knowledge.tasks[index].objective == nil {
            if let collection = knowledge.tasks[index].collection {
                knowledge.tasks[index].objective = ObjectiveSignature(metric: collection.metric, model: model, epochs: collection.epochs)
            }
        }
        return knowledge
    }

    private static func rounded(_ value: Double) -> Double {
        guard value.isFinite, value != 0 else { return value }
        let magnitude = pow(10, 4 - floor(log10(abs(value))))
        return (value * magnitude).rounded() / magnitude
    }
}
