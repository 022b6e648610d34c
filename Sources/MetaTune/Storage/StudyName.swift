import Foundation

/// What a study may be called: one line of printable text, at most `maximumLength` characters.
/// Every storage checks it when creating a study, so a name can always be shown in a table, and
/// nothing derives a path from it without making it safe first (`CheckpointFolder`).
public enum StudyName {
    /// The longest name accepted, in characters.
    public static let maximumLength = 200

    /// Throws `StudyError.invalidArgument` with the reason when `name` cannot name a study.
    public static func validate(_ name: String) throws {
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw StudyError.invalidArgument("a study name cannot be empty or only spaces")
        }
        if name.count > maximumLength {
            throw StudyError.invalidArgument("a study name can have at most \(maximumLength) characters, got \(name.count)")
        }
        if let control = name.unicodeScalars.first(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
                                                            || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            throw StudyError.invalidArgument("a study name cannot hold control characters (found U+\(String(format: "%04X", control.value)))")
        }
    }
}
