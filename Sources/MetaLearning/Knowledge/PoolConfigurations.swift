import Foundation
import MetaTune
import MetaTuneNumerics

/// The configurations `meta collect` evaluates on every task: the same seeded random draws from
/// the search space for every task, so that the collected results form a full tasks ×
/// configurations table (as in HPO-B).
public enum PoolConfigurations {
    /// Configuration `index` of the pool with this seed: every active parameter drawn uniformly
    /// (log-uniformly for log parameters); conditional parameters only when their condition holds.
    public static func configuration(_ index: Int, space: SearchSpace, seed: UInt64) -> [String: ParamValue] {
        var values: [String: ParamValue] = [:]
        for spec in space.parameters where space.isActive(spec, given: values) {
            var generator = SeededGenerator(seeds: [seed, UInt64(index), stableHash("pool:" + spec.name)])
            values[spec.name] = spec.distribution.externalValue(spec.distribution.internalValue(fromUnit: generator.nextUniform()))
        }
        return values
    }

    /// Configurations 0..<count.
    public static func configurations(count: Int, space: SearchSpace, seed: UInt64) -> [[String: ParamValue]] {
        (0..<count).map { configuration($0, space: space, seed: seed) }
    }
}
