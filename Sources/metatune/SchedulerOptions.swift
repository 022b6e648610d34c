import ArgumentParser
import Foundation
import MetaTune

/// `--scheduler`: none, or one of the library's schedulers (`SchedulerKind`).
enum SchedulerSelection: Equatable, ExpressibleByArgument {
    case none
    case scheduler(SchedulerKind)

    init?(argument: String) {
        if argument == Self.noneName { self = .none; return }
        guard let kind = SchedulerKind(rawValue: argument) else { return nil }
        self = .scheduler(kind)
    }

    private static let noneName = "none"
    static var allValueStrings: [String] { [noneName] + SchedulerKind.allCases.map(\.rawValue) }
    var defaultValueDescription: String { kind?.rawValue ?? Self.noneName }
    var kind: SchedulerKind? { if case .scheduler(let kind) = self { return kind } else { return nil } }
}

/// The multi-fidelity and population-based scheduling options `tune` and `run` share; they
/// become the library's `SchedulerSettings`.
struct SchedulerOptions: ParsableArguments {
    @Option(help: "Scheduler: none, sha (successive halving), hyperband, asha (asynchronous successive halving), bohb (Hyperband with BOHB's model, replacing --sampler) or pbt (population-based training of --trials members). Replaces the pruner.")
    var scheduler: SchedulerSelection = .none
    @Option(parsing: .unconditional, help: "The smallest resource a scheduler gives a trial (sha, hyperband, asha, bohb).") var minResource: Int = 1
    @Option(parsing: .unconditional, help: "sha, hyperband, asha and bohb keep 1/η of the trials at each rung and give them η times the resource.")
    var reductionFactor: Double = 3
    @Option(parsing: .unconditional, help: "pbt: resource between two exploit-and-explore steps (default: a tenth of the maximum resource, at least 1).")
    var pbtInterval: Int?
    @Option(parsing: .unconditional, help: "sha, hyperband, asha and bohb: the total resource the run may spend; it stops before going past it (--trials still caps the number of trials; hyperband, asha and bohb may leave --trials out).")
    var budget: Int?

    var kind: SchedulerKind? { scheduler.kind }
    var isEnabled: Bool { kind != nil }

    /// The library's settings for a maximum resource (nil without a scheduler).
    func settings(maxResource: Int, seed: UInt64) -> SchedulerSettings? {
        guard let kind else { return nil }
        var settings = SchedulerSettings(kind: kind, maxResource: maxResource)
        settings.minResource = minResource
        settings.reductionFactor = reductionFactor
        settings.interval = pbtInterval
        settings.budget = budget
        settings.seed = seed
        return settings
    }

    /// Checks the options against the maximum resource (at least 1: the caller checks it);
    /// `maxResourceOption` names the option that sets it.
    func validate(maxResource: Int, maxResourceOption: String) throws {
        do {
            try settings(maxResource: maxResource, seed: 0)?.validate()
        } catch let error as SchedulerSettingsError {
            throw UsageError(message(for: error, maxResourceOption: maxResourceOption))
        }
    }

    /// The number of trials to run: `--trials` when given; left out, as many as `--budget` could
    /// start under hyperband, asha or bohb, so the budget alone decides.
    func trialCount(_ trials: Int?) throws -> Int {
        guard let settings = settings(maxResource: Int.max, seed: 0) else {
            guard let trials else { throw UsageError(message(for: .trialsRequired, maxResourceOption: "")) }
            try NumberCheck.positive(trials, "--trials")
            return trials
        }
        do {
            return try settings.trialCount(trials)
        } catch let error as SchedulerSettingsError {
            throw UsageError(message(for: error, maxResourceOption: ""))
        }
    }

    /// `error`, or when it is a refusal of the scheduler settings, that refusal said in terms of the options.
    func explain(_ error: Error, maxResourceOption: String = "") -> Error {
        guard let refusal = error as? SchedulerSettingsError else { return error }
        return UsageError(message(for: refusal, maxResourceOption: maxResourceOption))
    }

    /// A refusal of the library's, said in terms of this command's options.
    func message(for error: SchedulerSettingsError, maxResourceOption: String) -> String {
        let option = "--scheduler \(kind?.rawValue ?? "")"
        switch error {
        case let .minResourceOutOfRange(minResource, maxResource):
            return "--min-resource must be between 1 and \(maxResourceOption) (\(maxResource)), got \(minResource)"
        case let .reductionFactorTooSmall(factor):
            return "--reduction-factor must be at least 2, got \(String(format: "%g", factor))"
        case let .intervalOutOfRange(interval, maxResource):
            return "--pbt-interval must be between 1 and \(maxResourceOption) (\(maxResource)), got \(interval)"
        case let .budgetNotTaken(kind):
            return "--budget does not apply to \(kind.rawValue): its population trains the full \(maxResourceOption) each"
        case let .budgetBelowMinResource(budget, minResource):
            return "--budget must be at least --min-resource (\(minResource)), got \(budget)"
        case let .trialsNotPositive(trials):
            return "--trials must be a positive whole number, got \(trials)"
        case .trialsRequired:
            let kinds = SchedulerKind.allCases.filter(\.budgetMayDecideTrials).map(\.rawValue)
            return "--trials is required (it may be left out only with --scheduler \(kinds.dropLast().joined(separator: ", ")) or \(kinds.last ?? "") and a --budget)"
        case .populationTooSmall:
            return "\(option) needs a population (--trials) of at least 2"
        case let .budgetBelowCheapestBracket(budget, cheapestBracket, unit):
            return "--budget \(budget) is less than the cheapest bracket's \(cheapestBracket) \(unit)"
        }
    }
}
