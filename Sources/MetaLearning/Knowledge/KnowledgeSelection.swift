import Foundation
import MetaTune

/// What a new study may learn from: past studies whose search spaces share parameters with its
/// own and that measured the same thing.
public struct KnowledgeQuery: Sendable {
    /// The new study's search space.
    public var space: SearchSpace
    /// What the new study measures; nil accepts every past study.
    public var objective: ObjectiveSignature?
    /// Task or study names never to learn from (the new study itself, `--exclude`).
    public var excluded: Set<String>

    public init(space: SearchSpace, objective: ObjectiveSignature? = nil, excluded: Set<String> = []) {
        self.space = space
        self.objective = objective
        self.excluded = excluded
    }

    /// The parameters of the new space that the past task's trials hold values for that the new
    /// space's distribution can take in kind (a number for a float or int parameter, one of the
    /// choices for a categorical one), in the space's order. Numeric bounds may differ: methods
    /// clip a past value into the new bounds.
    public func sharedParameters(of task: PastTask) -> [String] {
        space.parameters.filter { spec in
            task.trials.contains { trial in trial.params[spec.name].map { Self.fits($0, spec.distribution) } ?? false }
        }.map(\.name)
    }

    /// Whether `value` is of the kind `distribution` takes.
    static func fits(_ value: ParamValue, _ distribution: Distribution) -> Bool {
        switch distribution {
        case .float, .int: return value.doubleValue != nil
        case .categorical(let categorical): return categorical.index(of: value) != nil
        }
    }
}

extension KnowledgeBase {
    /// The past tasks a study described by `query` may learn from: not excluded by name, measuring
    /// a comparable objective (when both recorded one), and sharing at least one parameter with
    /// the new space; a task keeps the trials that hold a value for a shared parameter. Every task
    /// left out is named in `leftOut` with the reason (tasks left out by name are not).
    public func selected(for query: KnowledgeQuery) -> KnowledgeBase {
        var kept: [PastTask] = [], reasons = leftOut
        var otherObjective: [String: [String]] = [:]
        var unrelated: [String] = []
        for var task in tasks where !query.excluded.contains(task.name) {
            if let wanted = query.objective, let measured = task.objective, !measured.isComparable(to: wanted) {
                otherObjective[measured.summary, default: []].append(task.name)
                continue
            }
            let shared = query.sharedParameters(of: task)
            task.trials = task.trials.filter { trial in shared.contains { trial.params[$0] != nil } }
            guard !shared.isEmpty, !task.trials.isEmpty else {
                unrelated.append(task.name)
                continue
            }
            kept.append(task)
        }
        for (summary, names) in otherObjective.sorted(by: { $0.key < $1.key }) {
            reasons.append("\(Self.list(names)) measured \(summary), not \(query.objective?.summary ?? "")")
        }
        if !unrelated.isEmpty { reasons.append("\(Self.list(unrelated)) share no parameter with this search space") }
        return KnowledgeBase(tasks: kept, leftOut: reasons)
    }

    /// "3 studies (a, b, c)" or "40 studies (a, b, c, …)".
    static func list(_ names: [String]) -> String {
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
        return "\(names.count) stud\(names.count == 1 ? "y" : "ies") (\(shown))"
    }
}
