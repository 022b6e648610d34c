import Foundation
import MetaTune

/// The compact JSON form of a knowledge base, in which MetaTune ships its own: configurations
/// shared by several tasks (a collected pool) are written once and referenced by index; scores
/// and learning curves are rounded to 5 significant digits.
public enum KnowledgeBaseFile {
    /// The format's version, checked on reading.
    public static let format = "metatune-knowledge-1"

    private struct File: Codable {
        var format: String
        var pool: [[String: ParamValue]]
        var tasks: [Task]
    }

    private struct Task: Codable {
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

    static func read(data: Data, source: String) throws -> KnowledgeBase {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw StudyError.invalidArgument("\(source): not a MetaTune knowledge base (\(error))")
        }
        guard file.format == format else {
            throw StudyError.invalidArgument("\(source): knowledge base format '\(file.format)' is not '\(format)'")
        }
        var tasks: [PastTask] = []
        for task in file.tasks {
            var extra = task.extra.makeIterator()
            var trials: [PastTrial] = []
            for row in task.trials {
                guard row.count >= 2 else { throw StudyError.invalidArgument("\(source): task \(task.name) has a malformed trial") }
                let index = Int(row[0])
                let params: [String: ParamValue]
                if index >= 0 {
                    guard index < file.pool.count else { throw StudyError.invalidArgument("\(source): pool index \(index) out of range") }
                    params = file.pool[index]
                } else {
                    guard let next = extra.next() else { throw StudyError.invalidArgument("\(source): task \(task.name) lacks parameters") }
                    params = next
                }
                trials.append(PastTrial(params: params, score: row[1], configIndex: index >= 0 ? index : nil, curve: Array(row.dropFirst(2))))
            }
            tasks.append(PastTask(name: task.name, metaFeatures: task.metaFeatures.map(MetaFeatures.init(values:)), trials: trials,
                                  collection: task.collection, objective: task.objective))
        }
        return KnowledgeBase(tasks: tasks)
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
