/// The pruners available by name (command line), with their default settings.
public enum PrunerKind: String, CaseIterable, Sendable {
    case none, median, percentile, patience
    /// Asynchronous successive halving as a pruner (for the scheduler of that name, see `SchedulerKind.asha`).
    case successiveHalving = "successive-halving"

    /// The pruner: `median` (5 startup trials), `percentile` (keep the best 25 %), `patience`
    /// (3 steps without improvement), `successive-halving` (minimum resource 1, reduction factor 3),
    /// `none`.
    public func make() throws -> Pruner {
        switch self {
        case .none: return NopPruner()
        case .median: return try MedianPruner()
        case .percentile: return try PercentilePruner(percentile: 25)
        case .patience: return try PatiencePruner(patience: 3)
        case .successiveHalving: return try SuccessiveHalvingPruner()
        }
    }
}
