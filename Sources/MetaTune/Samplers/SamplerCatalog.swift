/// The samplers available by name (command line, configuration files).
public enum SamplerCatalog {
    /// Every sampler name, in the order `--sampler all` runs them.
    public static let names = ["random", "grid", "qmc", "tpe", "tpe-independent", "tpe-optuna", "gp", "cmaes", "ga", "rf"]

    /// The sampler called `name`, seeded; `space` is needed by the grid (and helps QMC).
    public static func make(_ name: String, seed: UInt64, space: SearchSpace?) throws -> Sampler {
        switch name {
        case "random":
            return RandomSampler(seed: seed)
        case "grid":
            guard let space else { throw StudyError.invalidArgument("the grid sampler needs a declared search space") }
            return try GridSampler(space: space, seed: seed)
        case "qmc", "sobol":
            return QMCSampler(seed: seed, space: space)
        case "tpe":
            return TPESampler(seed: seed)
        case "tpe-independent":
            var options = TPESampler.Options()
            options.multivariate = false
            return TPESampler(seed: seed, options: options)
        case "tpe-optuna":
            // Optuna 5's TPE exactly: no narrowing of the below density's kernels.
            var options = TPESampler.Options()
            options.belowBandwidthShrink = 0
            return TPESampler(seed: seed, options: options)
        case "cmaes":
            return CMAESSampler(seed: seed)
        case "gp":
            return GPSampler(seed: seed, space: space)
        case "ga":
            return GeneticSampler(seed: seed)
        case "rf":
            return RandomForestSampler(seed: seed)
        default:
            throw StudyError.invalidArgument("unknown sampler '\(name)' (expected one of: \(names.joined(separator: ", ")))")
        }
    }
}
