import Foundation
import MetaTune

/// The compact JSON form of a knowledge base, in which MetaTune ships its own and `meta export`
/// writes. Format `metatune-knowledge-2` is column-wise: each parameter is one typed column per
/// task (`{"float": [...]}`, `int`, `string`, `bool`, or `mixed` for a parameter whose values
/// differ in type; null where a trial lacks the parameter), so reading never guesses a value's
/// type. Configurations shared by several tasks (a collected pool) are written once, in the
/// file's `pool` columns, and referenced by index. Scores and learning curves are rounded to 5
/// significant digits. Files of the earlier row-wise format (`metatune-knowledge-1`) are still
/// read (`KnowledgeBaseFileV1`).
public enum KnowledgeBaseFile {
    /// The format written, checked on reading.
    public static let format = "metatune-knowledge-2"

    /// A knowledge-base file as written.
    private struct File: Codable {
        var format: String
        /// The pool's configurations (all columns have the same length).
        var pool: [String: ParamColumn]
        var tasks: [Task]
    }

    private struct Task: Codable {
        var name: String
        /// Left out for tasks without meta-features.
        var metaFeatures: [String: Double]?
        /// How the trials were collected, when `meta collect` did (left out otherwise).
        var collection: PastTask.CollectionSettings?
        /// What the task's study measured, when it recorded it (left out otherwise).
        var objective: ObjectiveSignature?
        /// One per trial.
        var scores: [Double]
        /// Per trial its pool index, or −1 when its parameters are the task's own (left out when
        /// no trial is in the pool).
        var poolIndex: [Int]?
        /// The parameters of the trials outside the pool, in order.
        var params: [String: ParamColumn]
        /// Per trial its learning curve (left out when no trial has one).
        var curves: [[Double]]?
    }

    /// Writes `knowledge` to `path`.
    public static func write(_ knowledge: KnowledgeBase, to path: String) throws {
        var pool: [[String: ParamValue]] = []  // [:] marks an index not seen yet
        var tasks: [Task] = []
        for task in knowledge.tasks {
            var indices: [Int] = []
            var own: [[String: ParamValue]] = []
            for trial in task.trials {
                var index = -1
                if let configIndex = trial.configIndex {
                    while pool.count <= configIndex { pool.append([:]) }
                    if pool[configIndex].isEmpty { pool[configIndex] = trial.params }
                    if pool[configIndex] == trial.params { index = configIndex }
                }
                if index < 0 { own.append(trial.params) }
                indices.append(index)
            }
            let curves = task.trials.map { $0.curve.map(rounded) }
            tasks.append(Task(name: task.name, metaFeatures: task.metaFeatures?.values.mapValues(rounded), collection: task.collection,
                              objective: task.objective, scores: task.trials.map { rounded($0.score) },
                              poolIndex: indices.contains { $0 >= 0 } ? indices : nil, params: ParamColumn.columns(of: own),
                              curves: curves.contains { !$0.isEmpty } ? curves : nil))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try encoder.encode(File(format: format, pool: ParamColumn.columns(of: pool), tasks: tasks)).write(to: URL(fileURLWithPath: path))
        } catch {
            throw StudyError.invalidArgument("\(path): cannot write the knowledge base (\(error.localizedDescription))")
        }
    }

    /// Reads a knowledge base written by `write` (either format).
    public static func read(path: String) throws -> KnowledgeBase {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StudyError.invalidArgument("\(path): cannot read the knowledge base (\(error.localizedDescription))")
        }
        return try read(data: data, source: path)
    }

    /// Parses a file of either format: the current one with `Codable`, typed throughout.
    static func read(data: Data, source: String) throws -> KnowledgeBase {
        func malformed(_ what: String) -> StudyError { .invalidArgument("\(source): not a MetaTune knowledge base (\(what))") }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            let version = (try? JSONDecoder().decode(Header.self, from: data))?.format
            if version == KnowledgeBaseFileV1.format { return try KnowledgeBaseFileV1.read(data: data, source: source) }
            if let version, version != format {
                throw StudyError.invalidArgument("\(source): knowledge base format '\(version)' is neither '\(format)' nor '\(KnowledgeBaseFileV1.format)'")
            }
            throw malformed(describe(error))
        }
        guard file.format == format else {
            throw StudyError.invalidArgument("\(source): knowledge base format '\(file.format)' is not '\(format)'")
        }
        let pool = try ParamColumn.rows(of: file.pool).mapError { malformed("pool: \($0)") }.get()
        var tasks: [PastTask] = []
        for task in file.tasks {
            let own = try ParamColumn.rows(of: task.params).mapError { malformed("task \(task.name): \($0)") }.get()
            let indices = task.poolIndex ?? Array(repeating: -1, count: task.scores.count)
            guard indices.count == task.scores.count, task.curves.map({ $0.count == task.scores.count }) ?? true,
                  task.params.isEmpty || indices.filter({ $0 < 0 }).count == own.count else {  // no columns: no parameters
                throw malformed("task \(task.name): its scores, pool indices, curves and parameters do not line up")
            }
            var next = own.makeIterator()
            var trials: [PastTrial] = []
            trials.reserveCapacity(indices.count)
            for (row, index) in indices.enumerated() {
                let params: [String: ParamValue]
                if index >= 0 {
                    guard index < pool.count else { throw malformed("task \(task.name): pool index \(index) out of range") }
                    params = pool[index]
                } else {
                    params = next.next() ?? [:]
                }
                trials.append(PastTrial(params: params, score: task.scores[row], configIndex: index >= 0 ? index : nil,
                                        curve: task.curves?[row] ?? []))
            }
            tasks.append(PastTask(name: task.name, metaFeatures: task.metaFeatures.map(MetaFeatures.init(values:)), trials: trials,
                                  collection: task.collection, objective: task.objective))
        }
        return KnowledgeBase(tasks: tasks)
    }

    /// The format field alone, to tell formats apart.
    private struct Header: Decodable {
        var format: String
    }

    /// A decoding error in one line: what was wrong, and where.
    private static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return error.localizedDescription }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return keys.isEmpty ? context.debugDescription : "at \(keys): \(context.debugDescription)"
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): return path(context)
        case .keyNotFound(let key, let context): return "no '\(key.stringValue)' \(path(context))"
        @unknown default: return "\(error)"
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
