/// What a contract check found wrong: which check, and what happened. The contracts throw it (so
/// they run under XCTest, Swift Testing or a plain program alike) at the first violation.
public struct ContractViolation: Error, CustomStringConvertible {
    /// The implementation under test, as the caller named it.
    public let subject: String
    /// The check that failed.
    public let check: String
    /// What was expected and what happened.
    public let detail: String

    public var description: String { "\(subject): \(check): \(detail)" }
}

/// Throws a `ContractViolation` unless `condition` holds.
func expect(_ condition: Bool, _ subject: String, _ check: String, _ detail: @autoclosure () -> String) throws {
    if !condition { throw ContractViolation(subject: subject, check: check, detail: detail()) }
}
