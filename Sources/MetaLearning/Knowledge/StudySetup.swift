import Foundation
import MetaTune
import MetaTuneTasks

/// Opens the study a tuning run works on, as `metatune tune` and `metatune run` do: the sampler
/// the policy chooses (learning from past tasks when it meta-learns), the study opened or created
/// (safe when several runners start at once), and what the study tunes recorded on it, so that
/// later studies can learn from it.
///
/// ```swift
/// let setup = StudySetup(name: "lr", storage: storage, space: space, task: "cifar10",
///                        objective: ObjectiveSignature(metric: "val_accuracy"), direction: .maximize,
///                        policy: SamplerPolicy(meta: .auto))
/// let opened = try setup.open()
/// print(opened.explanation ?? "no meta-learning")
/// ```
public struct StudySetup {
    public var name: String
    public var storage: Storage
    public var space: SearchSpace
    /// The task the study tunes (recorded; meta-learning never learns from a study of the same task).
    public var task: String
    /// What the objective measures (recorded, so knowledge never mixes objectives).
    public var objective: ObjectiveSignature
    /// For a new study; an existing study must match (nil: whatever it has, minimise when new).
    public var direction: StudyDirection?
    public var policy: SamplerPolicy
    /// The pruner when no scheduler runs the trials (a scheduler replaces it).
    public var pruner: PrunerKind
    /// The built-in model trained, if any (picks the shipped knowledge base; recorded).
    public var model: BuiltinModel?
    /// The task's meta-features, if known (recorded; meta-learning weighs past tasks by them).
    public var metaFeatures: MetaFeatures?
    /// What meta-learning learns from (empty: every study of `storage`, plus for a built-in model
    /// the shipped knowledge base).
    public var knowledge: [KnowledgeSource]
    /// Past tasks or studies meta-learning must not learn from, besides this task and study.
    public var excluded: [String]

    public init(name: String, storage: Storage, space: SearchSpace, task: String, objective: ObjectiveSignature,
                direction: StudyDirection? = nil, policy: SamplerPolicy = SamplerPolicy(), pruner: PrunerKind = .none,
                model: BuiltinModel? = nil, metaFeatures: MetaFeatures? = nil, knowledge: [KnowledgeSource] = [],
                excluded: [String] = []) {
        self.name = name
        self.storage = storage
        self.space = space
        self.task = task
        self.objective = objective
        self.direction = direction
        self.policy = policy
        self.pruner = pruner
        self.model = model
        self.metaFeatures = metaFeatures
        self.knowledge = knowledge
        self.excluded = excluded
    }

    /// The study, opened.
    public struct Opened {
        public let study: Study
        /// The sampler the policy chose and what it learned from.
        public let choice: SamplerPolicy.Choice
        /// With meta-learning: which past tasks it learns from and why, and where the first
        /// trials come from — for people (`MetaChoiceExplanation`).
        public let explanation: String?
    }

    /// What past tasks must share with this study to be learned from.
    public var query: KnowledgeQuery {
        KnowledgeQuery(space: space, objective: objective, excluded: Set([task, name] + excluded))
    }

    /// Chooses the sampler, opens or creates the study and records what it tunes.
    public func open() throws -> Opened {
        let query = self.query
        let choice = try policy.make(space: space, metaFeatures: metaFeatures) {
            try KnowledgeSource.knowledge(from: knowledge, storage: storage, query: query, model: model)
        }
        let study = try Study.open(name: name, direction: direction, storage: storage, sampler: choice.sampler,
                                   pruner: try (policy.scheduler == nil ? pruner : .none).make())
        try TaskAttributes.record(task: task, model: model?.rawValue, metaFeatures: metaFeatures, objective: objective,
                                  studyID: study.id, storage: storage)
        let explanation = policy.meta == .none ? nil
            : MetaChoiceExplanation(method: policy.meta, choice: choice, query: query, hasMetaFeatures: metaFeatures != nil,
                                    training: policy.training).text
        if let explanation {
            let similar = metaFeatures.map { NearestTasks(knowledge: choice.knowledge).nearest(to: $0, k: 10) } ?? []
            let summary = MetaLearningSummary(method: policy.meta.rawValue, pastTasks: choice.knowledge.tasks.count, explanation: explanation,
                                              similarTasks: similar.map { .init(name: $0.task.name, distance: $0.distance) })
            try storage.setStudyAttribute(studyID: study.id, key: MetaLearningSummary.key, value: summary.jsonValue, system: true)
        }
        return Opened(study: study, choice: choice, explanation: explanation)
    }
}
