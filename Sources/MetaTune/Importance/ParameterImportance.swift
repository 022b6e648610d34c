import Foundation

/// How parameter importance is measured.
public enum ImportanceMethod: String, CaseIterable, Sendable, Codable {
    /// PED-ANOVA (Watanabe et al., IJCAI 2023): how differently a parameter is distributed among
    /// the best trials than among all of them (the Pearson divergence of two density estimates).
    /// Fast — linear in the trials — and the default.
    case pedANOVA = "ped-anova"
    /// fANOVA (Hutter et al., ICML 2014): the share of the variance of a random forest's
    /// prediction over the search space that each parameter explains on its own.
    case fanova
}

/// One parameter's importance.
public struct ParameterImportanceEntry: Sendable, Hashable, Codable {
    /// The parameter's name.
    public let name: String
    /// Its share of the total importance: the entries of one evaluation sum to 1 (or are all 0
    /// when no parameter matters).
    public let importance: Double
    /// How many trials the parameter was measured on (a conditional parameter has fewer).
    public let trials: Int
}

/// The importances of a study's parameters, most important first.
public struct ParameterImportances: Sendable, Hashable, Codable {
    /// The method that measured them.
    public let method: ImportanceMethod
    /// How many complete trials the evaluation read.
    public let trialsUsed: Int
    /// One entry per parameter, most important first (ties by name).
    public let entries: [ParameterImportanceEntry]

    /// The importance of `name`, if it was measured.
    public func importance(of name: String) -> Double? {
        entries.first { $0.name == name }?.importance
    }
}

/// Why importance cannot be measured.
public enum ImportanceError: Error, Equatable, CustomStringConvertible {
    /// Fewer complete trials with a value than the method needs.
    case notEnoughTrials(found: Int, needed: Int)
    /// The complete trials have no parameter in common with the request.
    case noParameters

    public var description: String {
        switch self {
        case .notEnoughTrials(let found, let needed):
            "parameter importance needs at least \(needed) complete trials with a value; the study has \(found)"
        case .noParameters:
            "the complete trials have no parameter to measure"
        }
    }
}

/// Measures how much each parameter of a study matters to its objective.
///
/// ```swift
/// let importances = try ParameterImportanceEvaluator().evaluate(study.trials, direction: study.direction)
/// for entry in importances.entries { print(entry.name, entry.importance) }
/// ```
///
/// Only complete trials with a finite value are read. A parameter is measured on the trials that
/// have it, drawn from the distribution the latest of them used; its importance is a share of
/// the total, so the entries sum to 1.
public struct ParameterImportanceEvaluator: Sendable {
    /// The method.
    public var method: ImportanceMethod
    /// PED-ANOVA's settings.
    public var pedANOVA: PEDANOVA.Options
    /// fANOVA's settings.
    public var fanova: FANOVA.Options

    /// An evaluator with `method` (PED-ANOVA by default) and its default settings.
    public init(method: ImportanceMethod = .pedANOVA, pedANOVA: PEDANOVA.Options = .init(), fanova: FANOVA.Options = .init()) {
        self.method = method
        self.pedANOVA = pedANOVA
        self.fanova = fanova
    }

    /// The importances of `parameters` (every parameter of the complete trials when nil) for a
    /// study that minimises or maximises its value.
    public func evaluate(_ trials: [FrozenTrial], direction: StudyDirection, parameters: [String]? = nil) throws -> ParameterImportances {
        let columns = try ImportanceColumns(trials: trials, direction: direction, parameters: parameters,
                                            minimumTrials: method == .pedANOVA ? 2 : 3)
        let raw: [Double]
        switch method {
        case .pedANOVA: raw = PEDANOVA(options: pedANOVA).divergences(columns)
        case .fanova: raw = FANOVA(options: fanova).varianceShares(columns)
        }
        let total = raw.reduce(0, +)
        let entries = zip(columns.parameters, raw).map { parameter, value in
            ParameterImportanceEntry(name: parameter.name, importance: total > 0 ? value / total : 0,
                                     trials: parameter.rows.count)
        }.sorted { ($0.importance, $1.name) > ($1.importance, $0.name) }
        return ParameterImportances(method: method, trialsUsed: columns.losses.count, entries: entries)
    }
}
