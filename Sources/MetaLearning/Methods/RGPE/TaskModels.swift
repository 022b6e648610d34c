import Foundation
import MetaTune
import MetaTuneNumerics

/// One Gaussian process per past task (RGPE's base models), fitted on the task's trials with
/// standardised scores oriented for minimisation, and cached by task name so that many
/// samplers (e.g. every target of a leave-one-out benchmark) share them.
public final class TaskModels: @unchecked Sendable {
    public let features: GPFeatureSpace
    private let lock = NSLock()
    private var models: [String: GaussianProcess] = [:]

    public init(space: SearchSpace) {
        features = GPFeatureSpace(space: Dictionary(uniqueKeysWithValues: space.parameters.filter { $0.condition == nil }
            .map { ($0.name, $0.distribution) }))
    }

    /// The base model of `task` (nil when it has fewer than two usable trials).
    public func model(for task: PastTask) -> GaussianProcess? {
        lock.lock()
        if let model = models[task.name] {
            lock.unlock()
            return model
        }
        lock.unlock()
        var inputs: [[Double]] = [], targets: [Double] = []
        for trial in task.trials {
            guard let x = features.features(of: trial.params) else { continue }
            inputs.append(x)
            targets.append(-trial.score)
        }
        guard inputs.count >= 2 else { return nil }
        let standardized = Statistics.standardized(targets)
        var generator = SeededGenerator(seeds: [stableHash("rgpe-base:" + task.name)])
        let kernel = KernelFit.fit(inputs: inputs, targets: standardized, categorical: features.categoricalMask, using: &generator)
        guard let model = GaussianProcess(inputs: inputs, targets: standardized, kernel: kernel) else { return nil }
        lock.lock()
        models[task.name] = model
        lock.unlock()
        return model
    }
}
