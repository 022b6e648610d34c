import Foundation
import MetaTune
import MetaTuneNumerics

/// Transfer Bayesian optimisation with a ranking-weighted Gaussian-process ensemble (RGPE,
/// Feurer, Letham & Bakshy 2018): one GP per past task plus a GP on the new task's own trials,
/// combined as μ = Σ wᵢμᵢ and σ² = Σ wᵢ²σᵢ² with weights from how well each model ranks the new
/// task's observations (`RankingWeights`). The next configuration maximises log expected
/// improvement of the ensemble over scrambled Sobol candidates, the past tasks' configurations
/// and perturbations of the best trials so far. Before any observation all past tasks weigh the
/// same, so the first suggestion is the configuration that does best on average.
public struct RGPESampler: Sampler {
    public let seed: UInt64
    private let knowledge: KnowledgeBase
    private let models: TaskModels
    private let space: SearchSpace
    private let candidates: [[Double]]
    private let fallback: RandomSampler

    /// `models` may be shared between samplers (it caches the past tasks' GPs).
    public init(knowledge: KnowledgeBase, space: SearchSpace, seed: UInt64 = 0, models: TaskModels? = nil) {
        self.seed = seed
        self.knowledge = knowledge
        self.space = space
        let models = models ?? TaskModels(space: space)
        self.models = models
        var seen = Set<[Double]>()
        var candidates: [[Double]] = []
        for task in knowledge.tasks {
            for trial in task.trials {
                if let x = models.features.features(of: trial.params), seen.insert(x).inserted { candidates.append(x) }
            }
        }
        self.candidates = candidates
        fallback = RandomSampler(seed: seed)
    }

    public func relativeSearchSpace(history: StudyHistory, trial: FrozenTrial) -> [String: Distribution] {
        Dictionary(uniqueKeysWithValues: models.features.axes.map { ($0.name, $0.distribution) })
    }

    public func sampleRelative(history: StudyHistory, trial: FrozenTrial, space relative: [String: Distribution]) -> [String: ParamValue] {
        let features = models.features
        guard relative.count == features.dimension else { return [:] }
        var inputs: [[Double]] = [], targets: [Double] = []
        let sign = history.direction == .maximize ? -1.0 : 1.0
        for past in history.trials where past.state == .complete && past.number != trial.number {
            guard let value = past.value, value.isFinite, let x = features.features(of: past) else { continue }
            inputs.append(x)
            targets.append(sign * value)
        }
        let standardized = Statistics.standardized(targets)
        var generator = SeededGenerator(seeds: [seed, UInt64(trial.number), stableHash("rgpe")])
        let base = knowledge.tasks.compactMap { models.model(for: $0) }
        guard !base.isEmpty else { return [:] }
        // The target model and its leave-one-out predictions.
        var target: GaussianProcess?
        var leaveOneOut: [Double] = []
        if inputs.count >= 3 {
            let kernel = KernelFit.fit(inputs: inputs, targets: standardized, categorical: features.categoricalMask, using: &generator)
            target = GaussianProcess(inputs: inputs, targets: standardized, kernel: kernel)
            for j in inputs.indices {
                var others = inputs, values = standardized
                others.remove(at: j)
                values.remove(at: j)
                leaveOneOut.append(GaussianProcess(inputs: others, targets: values, kernel: kernel)?.predict([inputs[j]]).mean[0] ?? 0)
            }
        }
        var predictions = base.map { $0.predict(inputs).mean }
        if target != nil { predictions.append(leaveOneOut) }
        var weights = inputs.count >= 2
            ? RankingWeights.weights(predictions: predictions, targets: standardized, using: &generator)
            : [Double](repeating: 1 / Double(base.count), count: base.count)
        if target == nil && weights.count > base.count { weights.removeLast() }
        let ensemble = zip(base.map(Optional.some) + [target], weights).compactMap { model, weight in
            weight > 0 ? model.map { ($0, weight) } : nil
        }
        // Candidates: past configurations, a Sobol design, and perturbations of the best trials.
        var pool = candidates
        if var sobol = try? SobolSequence(dimension: features.dimension, scrambleSeed: seed &+ UInt64(trial.number)) {
            for _ in 0..<256 { pool.append(features.point(fromUnit: sobol.next())) }
        }
        for index in standardized.indices.sorted(by: { standardized[$0] < standardized[$1] }).prefix(3) {
            for k in 0..<32 {
                var x = inputs[index]
                for j in 0..<x.count where !features.categoricalMask[j] {
                    x[j] += [0.1, 0.03, 0.01][k % 3] * generator.nextStandardNormal()
                }
                pool.append(features.snapped(x))
            }
        }
        let evaluated = Set(inputs)
        pool.removeAll { evaluated.contains($0) }
        guard !pool.isEmpty else { return [:] }
        var mean = [Double](repeating: 0, count: pool.count), variance = [Double](repeating: 0, count: pool.count)
        for (model, weight) in ensemble {
            let p = model.predict(pool)
            for c in pool.indices {
                mean[c] += weight * p.mean[c]
                variance[c] += weight * weight * p.variance[c]
            }
        }
        let incumbent = standardized.min() ?? (mean.min() ?? 0)
        var bestIndex = 0, bestScore = -Double.infinity
        for c in pool.indices {
            let score = Acquisition.logExpectedImprovement.evaluate(mean: mean[c], sd: max(variance[c], 1e-12).squareRoot(),
                                                                    best: incumbent).value
            if score > bestScore {
                bestScore = score
                bestIndex = c
            }
        }
        return features.values(of: pool[bestIndex])
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        fallback.sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
    }
}
