import Foundation
import MetaTuneNumerics

/// Suggests parameter values. A sampler is a pure function of (study history, trial, seed): the
/// same inputs give the same suggestion in any process, so it works unchanged on any storage and
/// across distributed workers.
///
/// A sampler may sample several parameters jointly ("relative" sampling, e.g. multivariate TPE):
/// at the start of each trial it names a search space (`relativeSearchSpace`) and samples it at
/// once (`sampleRelative`); every parameter outside that space is then drawn on its own
/// (`sampleIndependent`) when the objective asks for it.
public protocol Sampler: Sendable {
    /// The parameters to sample jointly for `trial`, keyed by name. Default: none.
    func relativeSearchSpace(history: StudyHistory, trial: FrozenTrial) -> [String: Distribution]
    /// Joint values for (a subset of) `space`. Default: none.
    func sampleRelative(history: StudyHistory, trial: FrozenTrial, space: [String: Distribution]) -> [String: ParamValue]
    /// A value for one parameter.
    func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue
    /// Where `trial`'s configuration comes from, in words that start with a one-word kind and a
    /// colon or space (e.g. "knn: #1 of similar task wine"), or nil when the sampler's own model
    /// chose it. `Study.ask` stores it as the trial's system attribute `origin`, which reports
    /// show. Default: nil.
    func origin(of trial: FrozenTrial, history: StudyHistory) -> String?
}

extension Sampler {
    public func origin(of trial: FrozenTrial, history: StudyHistory) -> String? { nil }

    public func relativeSearchSpace(history: StudyHistory, trial: FrozenTrial) -> [String: Distribution] { [:] }

    public func sampleRelative(history: StudyHistory, trial: FrozenTrial, space: [String: Distribution]) -> [String: ParamValue] {
        [:]
    }
}

/// The random stream for one decision of one trial: a pure function of the sampler's seed, the
/// trial number and a label (e.g. the parameter name), so suggestions never depend on the order
/// in which workers happened to ask.
func decisionGenerator(seed: UInt64, trial: Int, label: String) -> SeededGenerator {
    SeededGenerator(seeds: [seed, UInt64(bitPattern: Int64(trial)), stableHash(label)])
}
