/// The pruners available by name (command line), with their default settings.
public enum PrunerCatalog {
    /// Every pruner name.
    public static let names = ["none", "median", "percentile", "patience", "asha"]

    /// The pruner called `name`: `median` (5 startup trials), `percentile` (keep the best 25 %),
    /// `patience` (3 steps without improvement), `asha` (successive halving, minimum resource 1,
    /// reduction factor 3), `none`.
    public static func make(_ name: String) throws -> Pruner {
        switch name {
        case "none": return NopPruner()
        case "median": return try MedianPruner()
        case "percentile": return try PercentilePruner(percentile: 25)
        case "patience": return try PatiencePruner(patience: 3)
        case "asha", "successive-halving": return try SuccessiveHalvingPruner()
        default:
            throw StudyError.invalidArgument("unknown pruner '\(name)' (expected one of: \(names.joined(separator: ", ")))")
        }
    }
}
