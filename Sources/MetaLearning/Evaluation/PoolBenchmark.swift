import Foundation
import MetaTune
import MetaTuneNumerics

/// The tabular meta-benchmark of `meta bench`: on each target task, every method picks
/// configurations one at a time from the task's collected pool (a method's suggestion becomes
/// the nearest configuration of the pool not yet picked), and its best score so far is compared
/// with the pool's best.
public struct PoolBenchmark: Sendable {
    /// The trial counts at which normalised regret is reported.
    public static let checkpoints = [1, 3, 5, 10, 20, 30]
    /// "Within 0.5 accuracy points of the pool's best".
    public static let targetGap = 0.005

    public let space: SearchSpace
    public let budget: Int
    public let seeds: Int

    public init(space: SearchSpace, budget: Int = 30, seeds: Int = 5) {
        self.space = space
        self.budget = budget
        self.seeds = seeds
    }

    /// Best score so far after each pick, for every (target, seed), per method.
    public struct Runs: Sendable {
        /// curves[method][run] with runs ordered target-major, then seed.
        public var curves: [String: [[Double]]] = [:]
        /// The targets' pools: best and median score, per run.
        public var poolBest: [Double] = []
        public var poolMedian: [Double] = []
        /// Per target, the Spearman correlation between the learned mapping's predictions and the
        /// pool's scores, before any result of the target (when `mapping` is among the methods).
        public var mappingSpearman: [Double] = []
    }

    /// Runs `methods` on every target; `knowledge(target)` is what
    /// the meta methods may learn from (for leave-one-out: every other task). Targets run on up
    /// to `threads` threads at once; every run is seeded, so the results do not depend on it.
    public func run(methods: [PoolMethod], targets: [PastTask], knowledge: @escaping @Sendable (PastTask) -> KnowledgeBase,
                    threads: Int = 1, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> Runs {
        for target in targets {
            let count = Set(target.trials.map(\.params)).count
            guard count > budget else {
                throw StudyError.invalidArgument("target \(target.name) has \(count) configurations, fewer than the budget \(budget) + 1")
            }
        }
        let taskModels = TaskModels(space: space)
        let total = targets.count * seeds * methods.count
        let state = BenchmarkState(targets: targets.count)
        let queue = DispatchQueue(label: "metatune.meta-bench", attributes: .concurrent)
        let limit = DispatchSemaphore(value: max(threads, 1))
        let group = DispatchGroup()
        for (index, target) in targets.enumerated() {
            limit.wait()
            if state.failure != nil { limit.signal(); break }
            queue.async(group: group) {
                defer { limit.signal() }
                do {
                    let result = try runTarget(target, methods: methods, past: knowledge(target), taskModels: taskModels) {
                        progress(state.advance(), total)
                    }
                    state.store(result, at: index)
                } catch {
                    state.fail(error)
                }
            }
        }
        group.wait()
        if let failure = state.failure { throw failure }
        var runs = Runs()
        for result in state.results.compactMap({ $0 }) {
            runs.poolBest += result.poolBest
            runs.poolMedian += result.poolMedian
            if let correlation = result.spearman { runs.mappingSpearman.append(correlation) }
            for (method, curves) in result.curves { runs.curves[method, default: []] += curves }
        }
        return runs
    }

    /// Every method and seed on one target.
    private func runTarget(_ target: PastTask, methods: [PoolMethod], past: KnowledgeBase, taskModels: TaskModels,
                           finishedOne: () -> Void) throws -> TargetResult {
        let pool = TargetPool(task: target, space: space)
        var result = TargetResult()
        var mapping: PerformanceMapping?
        if methods.contains(.meta(.mapping)) {
            let trained = try PerformanceMapping(knowledge: past, space: space)
            let predictions = trained.predict(metaFeatures: target.metaFeatures, configurations: pool.configurations)
            result.spearman = Statistics.spearman(predictions, pool.scores)
            mapping = trained
        }
        // The same for every seed: worked out once per target.
        var ranking: TransferRanking?
        var autoWeighting: TaskWeighting?
        if methods.contains(where: { [.meta(.auto), .meta(.knn), .meta(.portfolio)].contains($0) }) {
            ranking = TransferRanking(knowledge: past.limited(to: MetaMethod.rankingTaskLimit, near: target.metaFeatures), space: space)
        }
        if methods.contains(.meta(.auto)), let ranking {
            autoWeighting = AutoSelection.choose(ranking: ranking, metaFeaturesAvailable: target.metaFeatures != nil
                                                 && past.tasks.contains { $0.metaFeatures != nil })
        }
        for seed in 0..<seeds {
            result.poolBest.append(pool.best)
            result.poolMedian.append(pool.median)
            for method in methods {
                let sampler = try method.sampler(knowledge: past, target: target, space: space, seed: UInt64(seed),
                                                 mapping: mapping, taskModels: taskModels, ranking: ranking, autoWeighting: autoWeighting)
                result.curves[method.name, default: []].append(pool.pick(with: sampler, budget: budget))
                finishedOne()
            }
        }
        return result
    }
}

/// What one target contributes to `PoolBenchmark.Runs`.
private struct TargetResult: Sendable {
    var poolBest: [Double] = []
    var poolMedian: [Double] = []
    var spearman: Double?
    var curves: [String: [[Double]]] = [:]
}

/// The shared bookkeeping of a parallel benchmark run.
private final class BenchmarkState: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [TargetResult?]
    private var done = 0
    private var firstFailure: Error?

    init(targets: Int) {
        results = [TargetResult?](repeating: nil, count: targets)
    }

    var failure: Error? {
        lock.lock()
        defer { lock.unlock() }
        return firstFailure
    }

    func advance() -> Int {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        return done
    }

    func store(_ result: TargetResult, at index: Int) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    func fail(_ error: Error) {
        lock.lock()
        if firstFailure == nil { firstFailure = error }
        lock.unlock()
    }
}

/// One target task's pool: its distinct configurations with their scores, encoded for nearest-
/// neighbour matching (unit-cube coordinates; categoricals compared for equality).
struct TargetPool {
    let configurations: [[String: ParamValue]]
    let scores: [Double]
    private let encoded: [[Double]]
    private let categorical: [Bool]
    private let space: SearchSpace

    init(task: PastTask, space: SearchSpace) {
        var seen = Set<[String: ParamValue]>()
        var configurations: [[String: ParamValue]] = [], scores: [Double] = []
        for trial in task.trials where seen.insert(trial.params).inserted {
            configurations.append(trial.params)
            scores.append(trial.score)
        }
        self.configurations = configurations
        self.scores = scores
        self.space = space
        categorical = space.parameters.map(\.distribution.isCategorical)
        encoded = configurations.map { Self.encode($0, space: space) }
    }

    var count: Int { scores.count }
    var best: Double { scores.max()! }
    var median: Double { Statistics.median(scores)! }

    static func encode(_ params: [String: ParamValue], space: SearchSpace) -> [Double] {
        space.parameters.map { spec in
            guard let value = params[spec.name], let raw = spec.distribution.internalValue(of: value) else { return -1 }
            return spec.distribution.isCategorical ? raw : spec.distribution.unit(ofInternal: raw)
        }
    }

    /// The index of the unpicked configuration nearest to `params`.
    func nearest(to params: [String: ParamValue], excluding picked: Set<Int>) -> Int {
        let x = Self.encode(params, space: space)
        var bestIndex = -1, bestDistance = Double.infinity
        for (index, y) in encoded.enumerated() where !picked.contains(index) {
            var distance = 0.0
            for j in 0..<x.count {
                distance += categorical[j] ? (x[j] == y[j] ? 0 : 1) : (x[j] - y[j]) * (x[j] - y[j])
            }
            if distance < bestDistance {
                bestDistance = distance
                bestIndex = index
            }
        }
        return bestIndex
    }

    /// Lets `sampler` pick `budget` configurations; the best score after each pick.
    func pick(with sampler: Sampler, budget: Int) -> [Double] {
        let probe = SamplerProbe(space: space)
        var finished: [(params: [String: ParamValue], score: Double)] = []
        var picked = Set<Int>()
        var curve: [Double] = []
        for _ in 0..<budget {
            let suggestion = probe.suggest(sampler, finished: finished)
            let index = nearest(to: suggestion, excluding: picked)
            picked.insert(index)
            finished.append((configurations[index], scores[index]))
            curve.append(max(curve.last ?? -.infinity, scores[index]))
        }
        return curve
    }
}

/// A method `meta bench` compares: a cold-start sampler or a meta-learning method.
public enum PoolMethod: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Random search, TPE or the GP, learning nothing from past tasks.
    case coldStart(SamplerKind)
    case meta(MetaMethod)

    /// The cold-start samplers compared.
    public static let coldStartSamplers: [SamplerKind] = [.random, .tpe, .gp]

    /// Every method: the cold-start samplers, then every meta-learning method.
    public static var allCases: [PoolMethod] {
        coldStartSamplers.map(PoolMethod.coldStart) + MetaMethod.allCases.filter { $0 != .none }.map(PoolMethod.meta)
    }

    /// The method a name ("tpe", "portfolio") stands for.
    public init?(name: String) {
        guard let method = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = method
    }

    public var name: String {
        switch self {
        case .coldStart(let sampler): return sampler.rawValue
        case .meta(let method): return method.rawValue
        }
    }

    public var description: String { name }

    func sampler(knowledge: KnowledgeBase, target: PastTask, space: SearchSpace, seed: UInt64, mapping: PerformanceMapping?,
                 taskModels: TaskModels, ranking: TransferRanking?, autoWeighting: TaskWeighting?) throws -> Sampler {
        switch self {
        case .coldStart(let sampler): return try sampler.make(seed: seed, space: space)
        case .meta(let method):
            return try method.sampler(knowledge: knowledge, metaFeatures: target.metaFeatures, space: space, seed: seed,
                                      mapping: mapping, taskModels: taskModels, ranking: ranking, autoWeighting: autoWeighting)
        }
    }
}
