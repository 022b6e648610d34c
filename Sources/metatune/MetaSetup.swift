import MetaLearning

/// Checks, for `tune` and `run`, the meta-learning method against the scheduler.
enum MetaSetup {
    /// Checks `policy` (a method that cannot steer the scheduler), said in terms of the options.
    static func validate(_ policy: SamplerPolicy) throws {
        do {
            try policy.validate()
        } catch SamplerPolicy.Refusal.methodCannotSteerScheduler(let method, let scheduler) {
            let usable = SamplerPolicy.methodsThatSteerSchedulers.map(\.rawValue)
            throw UsageError("--meta \(method.rawValue) models complete trials only and cannot steer --scheduler \(scheduler.rawValue): use \(usable.dropLast().joined(separator: ", ")) or \(usable.last ?? "")")
        }
    }
}
