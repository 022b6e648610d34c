import Foundation

/// What a meta-learning study learns from, recorded on the study (system attribute
/// `metatune.meta_learning`) when it is opened, so that reports can show it: the method, the
/// explanation printed at the start, and the past tasks nearest to the new one by meta-features.
public struct MetaLearningSummary: Sendable, Hashable {
    /// A past task and how far its meta-features are from the new task's.
    public struct SimilarTask: Sendable, Hashable {
        /// The past task's name.
        public let name: String
        /// The distance between standardised meta-feature vectors (0: identical).
        public let distance: Double
        /// 1 / (1 + distance): 1 for an identical task, towards 0 for distant ones.
        public var similarity: Double { 1 / (1 + max(distance, 0)) }

        public init(name: String, distance: Double) {
            self.name = name
            self.distance = distance
        }
    }

    /// The system attribute that holds the summary.
    public static let key = "metatune.meta_learning"

    /// The meta-learning method (`--meta`).
    public let method: String
    /// How many past tasks it learns from.
    public let pastTasks: Int
    /// The explanation for people (`MetaChoiceExplanation`).
    public let explanation: String
    /// The nearest past tasks, nearest first (empty when the new task has no meta-features).
    public let similarTasks: [SimilarTask]

    public init(method: String, pastTasks: Int, explanation: String, similarTasks: [SimilarTask]) {
        self.method = method
        self.pastTasks = pastTasks
        self.explanation = explanation
        self.similarTasks = similarTasks
    }

    /// The summary as stored.
    public var jsonValue: JSONValue {
        .object(["method": .string(method), "past_tasks": .number(Double(pastTasks)), "explanation": .string(explanation),
                 "similar_tasks": .array(similarTasks.map { .object(["name": .string($0.name), "distance": .number($0.distance)]) })])
    }

    /// The summary a study recorded, if any.
    public init?(study record: StudyRecord) {
        guard case .object(let object)? = record.systemAttributes[Self.key], case .string(let method)? = object["method"] else { return nil }
        self.method = method
        if case .number(let count)? = object["past_tasks"], count.isFinite, count >= 0, count < 1e9 { pastTasks = Int(count) } else { pastTasks = 0 }
        if case .string(let text)? = object["explanation"] { explanation = text } else { explanation = "" }
        var tasks: [SimilarTask] = []
        if case .array(let entries)? = object["similar_tasks"] {
            for case .object(let entry) in entries {
                guard case .string(let name)? = entry["name"], case .number(let distance)? = entry["distance"], distance.isFinite else { continue }
                tasks.append(SimilarTask(name: name, distance: distance))
            }
        }
        similarTasks = tasks
    }
}
