import Foundation
/// The samplers available by name (command line, configuration files).
public enum SamplerCatalog {
    /// Every sampler name, in the order `--sampler all` runs them.
    public static let names = ["random", "grid", "tpe", "tpe-independent"]

    /// The sampler called `name`, seeded; `space` is needed by the grid (and helps QMC).
    public static func make(_ name: String, seed: UInt64, space: SearchSpace?) throws -> Sampler {
        switch name {
        case "random":
            return RandomSampler(seed: seed)
        case "grid":
            guard let space else { throw StudyError.invalidArgument("the grid sampler needs a declared search space") }
            return try GridSampler(space: space, seed: seed)
        case "tpe":
            var o = TPESampler.Options()
            let env = ProcessInfo.processInfo.environment
            if let v = env["X_CANDS"] { o.eiCandidates = Int(v)! }
            if let v = env["X_PRIOR"] { o.priorWeight = Double(v)! }
            if let v = env["X_START"] { o.startupTrials = Int(v)! }
            if let v = env["X_GAMMA"] { let g = Double(v)!; o.gamma = { min(Int((g * Double($0)).rounded(.up)), 25) } }
            if env["X_FLAT"] != nil { o.weights = { [Double](repeating: 1, count: $0) } }
            if env["X_ENDS"] != nil { o.considerEndpoints = true }
            return TPESampler(seed: seed, options: o)
        case "tpe-independent":
            var options = TPESampler.Options()
            options.multivariate = false
            return TPESampler(seed: seed, options: options)
        default:
            throw StudyError.invalidArgument("unknown sampler '\(name)' (expected one of: \(names.joined(separator: ", ")))")
        }
    }
}
