/// The samplers MetaTune has, by name (command line, configuration files).
public enum SamplerKind: String, CaseIterable, Sendable {
    case random, grid, qmc, tpe
    /// TPE modelling each parameter on its own.
    case tpeIndependent = "tpe-independent"
    /// Optuna 5's TPE exactly: no narrowing of the below density's kernels.
    case tpeOptuna = "tpe-optuna"
    case gp, cmaes, ga, rf

    /// The sampler, seeded; `space` is needed by the grid (and shapes QMC's and the GP's first points).
    public func make(seed: UInt64, space: SearchSpace?) throws -> Sampler {
        switch self {
        case .random:
            return RandomSampler(seed: seed)
        case .grid:
            guard let space else { throw StudyError.invalidArgument("the grid sampler needs a declared search space") }
            return try GridSampler(space: space, seed: seed)
        case .qmc:
            return QMCSampler(seed: seed, space: space)
        case .tpe:
            return TPESampler(seed: seed)
        case .tpeIndependent:
            var options = TPESampler.Options()
            options.multivariate = false
            return TPESampler(seed: seed, options: options)
        case .tpeOptuna:
            var options = TPESampler.Options()
            options.belowBandwidthShrink = 0
            return TPESampler(seed: seed, options: options)
        case .cmaes:
            return CMAESSampler(seed: seed)
        case .gp:
            return GPSampler(seed: seed, space: space)
        case .ga:
            return GeneticSampler(seed: seed)
        case .rf:
            return RandomForestSampler(seed: seed)
        }
    }
}

/// The samplers by name, for callers that hold a name rather than a `SamplerKind`.
public enum SamplerCatalog {
    /// Every sampler name, in the order `--sampler all` runs them.
    public static let names = SamplerKind.allCases.map(\.rawValue)

    /// The sampler called `name`, seeded; `space` is needed by the grid (and helps QMC).
    public static func make(_ name: String, seed: UInt64, space: SearchSpace?) throws -> Sampler {
        guard let kind = SamplerKind(rawValue: name) else {
            throw StudyError.invalidArgument("unknown sampler '\(name)' (expected one of: \(names.joined(separator: ", ")))")
        }
        return try kind.make(seed: seed, space: space)
    }
}
