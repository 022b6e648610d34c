import ArgumentParser
import Foundation
import MetaTune

/// The multi-fidelity and population-based scheduling options `tune` and `run` share.
struct SchedulerOptions: ParsableArguments {
    static let names = ["none", "sha", "hyperband", "asha", "bohb", "pbt"]

    @Option(help: "Scheduler: none, sha (successive halving), hyperband, asha (asynchronous successive halving), bohb (Hyperband with BOHB's model, replacing --sampler) or pbt (population-based training of --trials members). Replaces the pruner.")
    var scheduler: String = "none"
    @Option(parsing: .unconditional, help: "The smallest resource a scheduler gives a trial (sha, hyperband, asha, bohb).") var minResource: Int = 1
    @Option(parsing: .unconditional, help: "sha, hyperband, asha and bohb keep 1/η of the trials at each rung and give them η times the resource.")
    var reductionFactor: Double = 3
    @Option(parsing: .unconditional, help: "pbt: resource between two exploit-and-explore steps (default: a tenth of the maximum resource, at least 1).")
    var pbtInterval: Int?
    @Option(parsing: .unconditional, help: "sha, hyperband, asha and bohb: the total resource the run may spend; it stops before going past it (--trials still caps the number of trials; hyperband, asha and bohb may leave --trials out).")
    var budget: Int?

    var isEnabled: Bool { scheduler != "none" }

    /// Checks the options against the maximum resource (at least 1: the caller checks it);
    /// `maxResourceOption` names the option that sets it.
    func validate(maxResource: Int, maxResourceOption: String) throws {
        guard Self.names.contains(scheduler) else {
            throw UsageError("unknown scheduler '\(scheduler)' (expected one of: \(Self.names.joined(separator: ", ")))")
        }
        guard isEnabled else { return }
        guard minResource >= 1, minResource <= maxResource else {
            throw UsageError("--min-resource must be between 1 and \(maxResourceOption) (\(maxResource)), got \(minResource)")
        }
        guard reductionFactor >= 2, reductionFactor.isFinite else {
            throw UsageError("--reduction-factor must be at least 2, got \(String(format: "%g", reductionFactor))")
        }
        if let pbtInterval, pbtInterval < 1 || pbtInterval > maxResource {
            throw UsageError("--pbt-interval must be between 1 and \(maxResourceOption) (\(maxResource)), got \(pbtInterval)")
        }
        if let budget {
            if scheduler == "pbt" { throw UsageError("--budget does not apply to pbt: its population trains the full \(maxResourceOption) each") }
            guard budget >= minResource else { throw UsageError("--budget must be at least --min-resource (\(minResource)), got \(budget)") }
        }
    }

    /// The number of trials to run: `trials` (`--trials`) when given; left out, as many as a
    /// `--budget` could start under hyperband, asha or bohb (every trial costs at least
    /// `--min-resource`), so the budget alone decides. Refuses a missing `--trials` elsewhere.
    func trialCount(_ trials: Int?) throws -> Int {
        if let trials {
            try NumberCheck.positive(trials, "--trials")
            return trials
        }
        guard ["hyperband", "asha", "bohb"].contains(scheduler), let budget else {
            throw UsageError("--trials is required (it may be left out only with --scheduler hyperband, asha or bohb and a --budget)")
        }
        return max(1, budget / minResource)
    }

    /// Refuses a meta-learning method (`--meta`) that cannot steer the scheduler.
    func validate(meta: String) throws {
        if isEnabled && meta == "rgpe" {
            throw UsageError("--meta rgpe models complete trials only and cannot steer --scheduler \(scheduler): use knn, portfolio, mapping or auto")
        }
    }

    /// The resources of the Hyperband rungs, for BOHB's sampler.
    func rungResources(maxResource: Int) throws -> [Int] {
        try HyperbandPlan(minResource: Double(minResource), maxResource: Double(maxResource), reductionFactor: reductionFactor)
            .brackets.flatMap { $0.rungs.map { Int($0.resource.rounded()) } }
    }

    /// The exploit-and-explore interval of PBT.
    func interval(maxResource: Int) -> Int { pbtInterval ?? max(1, maxResource / 10) }
}
