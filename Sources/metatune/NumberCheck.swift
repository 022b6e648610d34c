import Foundation

/// Range checks of numeric options: each refusal is one sentence naming the option and the value.
/// Numeric options are declared with `parsing: .unconditional`, so that argument-parser reads a
/// value such as `-3` as the option's value rather than as another option's name.
enum NumberCheck {
    /// Refuses a whole number below 1.
    static func positive(_ value: Int, _ option: String) throws {
        guard value >= 1 else { throw UsageError("\(option) must be a positive whole number, got \(value)") }
    }

    /// Refuses a number of seconds that is not positive and finite.
    static func positiveSeconds(_ value: Double, _ option: String) throws {
        guard value > 0, value.isFinite else {
            throw UsageError("\(option) must be a positive number of seconds, got \(String(format: "%g", value))")
        }
    }

    /// Reads a `--seed`: a whole number from 0 to `UInt64.max` (argument-parser prefixes the
    /// refusal with the value and the option).
    static func seed(_ text: String) throws -> UInt64 {
        guard let seed = UInt64(text) else { throw UsageError("a seed is a whole number from 0 to \(UInt64.max)") }
        return seed
    }
}
