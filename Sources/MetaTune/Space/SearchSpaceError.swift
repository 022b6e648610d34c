/// Why a search space, a distribution or a suggestion is invalid. Every message names the parameter.
public enum SearchSpaceError: Error, Equatable, CustomStringConvertible {
    case emptyRange(name: String, low: String, high: String)
    case rangeTooWide(name: String, low: String, high: String)
    case nonFiniteBound(name: String)
    case logWithNonPositiveLow(name: String, low: String)
    case nonPositiveStep(name: String, step: String)
    case logWithStep(name: String)
    case stepDoesNotDivideRange(name: String, step: String, low: String, high: String)
    case emptyChoices(name: String)
    case duplicateChoice(name: String, choice: String)
    case duplicateName(name: String)
    case redefined(name: String, old: String, new: String)
    case unknownParent(name: String, parent: String)
    case parentDeclaredLater(name: String, parent: String)
    case parentNotCategorical(name: String, parent: String)
    case conditionValueNotAChoice(name: String, parent: String, value: String)
    case emptyCondition(name: String)
    case valueNotInDistribution(name: String, value: String, distribution: String)
    case invalidName(name: String)

    /// The parameter the error is about.
    public var parameter: String {
        switch self {
        case let .emptyRange(name, _, _), let .rangeTooWide(name, _, _), let .nonFiniteBound(name),
             let .logWithNonPositiveLow(name, _), let .nonPositiveStep(name, _), let .logWithStep(name),
             let .stepDoesNotDivideRange(name, _, _, _), let .emptyChoices(name), let .duplicateChoice(name, _),
             let .duplicateName(name), let .redefined(name, _, _), let .unknownParent(name, _), let .parentDeclaredLater(name, _),
             let .parentNotCategorical(name, _), let .conditionValueNotAChoice(name, _, _), let .emptyCondition(name),
             let .valueNotInDistribution(name, _, _), let .invalidName(name):
            return name
        }
    }

    /// True for the errors of a parameter's condition (`when`).
    public var isAboutCondition: Bool {
        switch self {
        case .unknownParent, .parentDeclaredLater, .parentNotCategorical, .conditionValueNotAChoice, .emptyCondition: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case let .emptyRange(name, low, high):
            return "parameter '\(name)': low (\(low)) must not be greater than high (\(high))"
        case let .rangeTooWide(name, low, high):
            return "parameter '\(name)': the range [\(low), \(high)] is too wide to sample (its width is not a finite number)"
        case let .nonFiniteBound(name):
            return "parameter '\(name)': bounds must be finite numbers"
        case let .logWithNonPositiveLow(name, low):
            return "parameter '\(name)': a log scale needs low > 0, got low = \(low)"
        case let .nonPositiveStep(name, step):
            return "parameter '\(name)': step must be positive, got \(step)"
        case let .logWithStep(name):
            return "parameter '\(name)': a log scale cannot be combined with a step"
        case let .stepDoesNotDivideRange(name, step, low, high):
            return "parameter '\(name)': step \(step) does not divide the range [\(low), \(high)]"
        case let .emptyChoices(name):
            return "parameter '\(name)': a categorical parameter needs at least one choice"
        case let .duplicateChoice(name, choice):
            return "parameter '\(name)': choice '\(choice)' appears more than once"
        case let .duplicateName(name):
            return "parameter '\(name)' is defined more than once"
        case let .redefined(name, old, new):
            return "parameter '\(name)' was already defined as \(old) and cannot be redefined as \(new)"
        case let .unknownParent(name, parent):
            return "parameter '\(name)': its condition names an unknown parent '\(parent)'"
        case let .parentDeclaredLater(name, parent):
            return "parameter '\(name)': its condition's parent '\(parent)' must be declared before it"
        case let .parentNotCategorical(name, parent):
            return "parameter '\(name)': its condition's parent '\(parent)' must be a categorical parameter"
        case let .conditionValueNotAChoice(name, parent, value):
            return "parameter '\(name)': its condition value '\(value)' is not a choice of '\(parent)'"
        case let .emptyCondition(name):
            return "parameter '\(name)': a condition needs at least one parent value"
        case let .valueNotInDistribution(name, value, distribution):
            return "parameter '\(name)': value \(value) is not in \(distribution)"
        case let .invalidName(name):
            return "parameter name '\(name)' is invalid: use letters, digits, '_', '-' or '.'"
        }
    }
}
