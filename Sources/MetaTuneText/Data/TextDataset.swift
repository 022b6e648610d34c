import CSV
import Foundation

/// Labelled texts: one text and one class per example, read from a CSV file with a text column
/// and a label column (any values; classes are numbered in sorted order of their names).
public struct TextDataset: Sendable, Equatable {
    public var texts: [String]
    /// Class index per text (into `classNames`).
    public var labels: [Int]
    public var classNames: [String]

    public init(texts: [String], labels: [Int], classNames: [String]) {
        self.texts = texts
        self.labels = labels
        self.classNames = classNames
    }

    public var count: Int { texts.count }

    /// Reads `path` (a header row, then one example per row; fields may hold quoted newlines).
    /// Without `labelColumn`, the labels are all 0 of one class "".
    public static func load(path: String, textColumn: String = "text", labelColumn: String? = "label") throws -> TextDataset {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else { throw TextDataError("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw TextDataError("\(name) is not UTF-8 text") }
        guard !text.isEmpty else { throw TextDataError("\(name) is empty") }
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: false) } catch {
            throw TextDataError("\(name) is not a readable CSV file: \(error)")
        }
        let header = reader.headerRow ?? []
        guard let textIndex = header.firstIndex(of: textColumn) else {
            throw TextDataError("\(name) has no '\(textColumn)' column (columns: \(header.joined(separator: ", ")))")
        }
        let labelIndex = try labelColumn.map { column -> Int in
            guard let index = header.firstIndex(of: column) else {
                throw TextDataError("\(name) has no '\(column)' column (columns: \(header.joined(separator: ", ")))")
            }
            return index
        }
        var texts: [String] = [], names: [String] = []
        var row = 1
        while let fields = reader.next() {
            row += 1
            guard fields.count == header.count else {
                throw TextDataError("\(name) row \(row) has \(fields.count) fields, the header \(header.count)")
            }
            texts.append(fields[textIndex])
            names.append(labelIndex.map { fields[$0] } ?? "")
        }
        if let error = reader.error { throw TextDataError("\(name) is not a readable CSV file: \(error)") }
        let classNames = Array(Set(names)).sorted()
        let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        return TextDataset(texts: texts, labels: names.map { index[$0] ?? 0 }, classNames: classNames)
    }
}

/// Why a text data set could not be read.
public struct TextDataError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
