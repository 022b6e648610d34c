import Foundation
import MetaTune

/// Which sampler a study asks, from a sampler, a scheduler and a meta-learning method: the policy
/// `tune`, `run` and a Swift program share.
///
/// Without meta-learning it is the sampler, or the scheduler's own (BOHB's model). With a method
/// the first configurations come from past tasks and then a base sampler takes over: the GP
/// without a scheduler; under a scheduler that scheduler's own sampler (the chosen sampler, or
/// BOHB's model), because the GP learns from complete trials only and a scheduler stops most
/// trials early. RGPE models complete trials only, so it cannot steer a scheduler.
public struct SamplerPolicy: Sendable {
    public var sampler: SamplerKind
    public var scheduler: SchedulerSettings?
    public var meta: MetaMethod
    public var seed: UInt64
    /// How this study trains and scores (epochs and metric): collected knowledge whose learning
    /// curves reach that far is scored again so; nil for an external command.
    public var training: PastTask.CollectionSettings?

    public init(sampler: SamplerKind = .tpe, scheduler: SchedulerSettings? = nil, meta: MetaMethod = .none, seed: UInt64 = 0,
                training: PastTask.CollectionSettings? = nil) {
        self.sampler = sampler
        self.scheduler = scheduler
        self.meta = meta
        self.seed = seed
        self.training = training
    }

    /// Why a policy was refused.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// RGPE cannot steer the scheduler.
        case methodCannotSteerScheduler(MetaMethod, SchedulerKind)

        public var description: String {
            switch self {
            case let .methodCannotSteerScheduler(method, scheduler):
                let usable = SamplerPolicy.methodsThatSteerSchedulers.map(\.rawValue)
                return "meta-learning method \(method.rawValue) models complete trials only and cannot steer the \(scheduler.rawValue) scheduler: use \(usable.dropLast().joined(separator: ", ")) or \(usable.last ?? "")"
            }
        }
    }

    /// The meta-learning methods that can steer a scheduler (all but RGPE, which models complete trials only).
    public static var methodsThatSteerSchedulers: [MetaMethod] { MetaMethod.allCases.filter { $0 != .none && $0 != .rgpe } }

    /// Refuses a method that cannot steer the scheduler.
    public func validate() throws {
        if let scheduler, meta != .none, !Self.methodsThatSteerSchedulers.contains(meta) { throw Refusal.methodCannotSteerScheduler(meta, scheduler.kind) }
    }

    /// The chosen sampler and what it learned from.
    public struct Choice {
        public let sampler: Sampler
        /// The past tasks it learns from (rescored for this study's training where their curves allow).
        public let knowledge: KnowledgeBase
        /// How many past tasks were scored again from their learning curves.
        public let rescored: Int
        /// What takes over after the warm start, for people.
        public let handOver: String
    }

    /// The sampler for a study of `space`; `knowledge` (the past tasks) is asked only when
    /// meta-learning needs it.
    public func make(space: SearchSpace, metaFeatures: MetaFeatures?, knowledge: () throws -> KnowledgeBase) throws -> Choice {
        try validate()
        guard meta != .none else {
            let own = try ownSampler(space: space)
            return Choice(sampler: own.sampler, knowledge: KnowledgeBase(tasks: []), rescored: 0, handOver: own.name)
        }
        var past = try knowledge()
        var rescored = 0
        if let training { (past, rescored) = past.rescored(for: training) }
        // Without a scheduler the method hands over to its GP; the chosen sampler is not needed.
        let base = scheduler == nil ? nil : try ownSampler(space: space)
        let chosen = try meta.sampler(knowledge: past, metaFeatures: metaFeatures, space: space, seed: seed, base: base?.sampler)
        let handOver = base.map { "\($0.name) on this task's trials (\(scheduler?.kind.rawValue ?? "") learns from stopped trials too)" }
            ?? "Gaussian-process BO on this task's trials"
        return Choice(sampler: chosen, knowledge: past, rescored: rescored, handOver: handOver)
    }

    /// The sampler without meta-learning, and how people are told of it.
    private func ownSampler(space: SearchSpace) throws -> (sampler: Sampler, name: String) {
        if let own = try scheduler?.ownSampler() { return (own, "BOHB's model") }
        return (try sampler.make(seed: seed, space: space), "the \(sampler.rawValue) sampler")
    }
}
