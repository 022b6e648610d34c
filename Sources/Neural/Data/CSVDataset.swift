import CSV
import Foundation

/// Why a data file cannot be used; every message names the file and, where it applies, the row
/// or column.
public struct DatasetError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension Dataset {
    /// Reads a classification CSV: a header row, numeric feature columns, and a class column
    /// (`label` unless named otherwise). Labels are remapped to 0..<classes in sorted order of
    /// their values. Rows with a different number of cells, non-numeric cells, a missing label
    /// column, fewer than two classes or no rows are errors naming the file, row or column.
    public static func loadCSV(path: String, labelColumn: String = "label") throws -> Dataset {
        let table = try readNumericCSV(path: path, targetColumn: labelColumn)
        let rawLabels = table.targets
        let classes = Array(Set(rawLabels)).sorted()
        guard classes.count >= 2 else {
            throw DatasetError("\(path): column '\(labelColumn)' has a single class (\(formatLabel(classes[0]))); classification needs at least two")
        }
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
        return Dataset(features: table.features, labels: rawLabels.map { index[$0]! }, featureCount: table.featureNames.count,
                       classCount: classes.count, featureNames: table.featureNames)
    }

    /// Reads a regression CSV: a header row, numeric feature columns and the numeric `targetColumn`.
    public static func loadRegressionCSV(path: String, targetColumn: String) throws -> Dataset {
        let table = try readNumericCSV(path: path, targetColumn: targetColumn)
        return Dataset(features: table.features, targets: table.targets.map(Float.init), featureCount: table.featureNames.count,
                       featureNames: table.featureNames)
    }

    /// Parses a numeric CSV with a header into features and one target column.
    private static func readNumericCSV(path: String, targetColumn labelColumn: String)
        throws -> (features: [Float], targets: [Double], featureNames: [String]) {
        let data = try contents(of: path)
        guard let text = String(data: data, encoding: .utf8) else { throw DatasetError("\(path): is not UTF-8 text") }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw DatasetError("\(path): the file is empty (expected a header row and data rows)")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true)
        } catch {
            throw DatasetError("\(path): cannot be read as CSV (\(error))")
        }
        guard let header = reader.headerRow, !(header.count == 1 && header[0].isEmpty) else {
            throw DatasetError("\(path): the file is empty (expected a header row and data rows)")
        }
        guard let labelIndex = header.firstIndex(of: labelColumn) else {
            throw DatasetError("\(path): no '\(labelColumn)' column (columns: \(header.prefix(8).joined(separator: ", "))\(header.count > 8 ? ", …" : ""))")
        }
        let featureNames = header.enumerated().filter { $0.offset != labelIndex }.map(\.element)
        guard !featureNames.isEmpty else { throw DatasetError("\(path): no feature columns besides '\(labelColumn)'") }
        var features: [Float] = []
        var rawLabels: [Double] = []
        var line = 1
        while let row = reader.next() {
            line += 1
            if row.count == 1 && row[0].isEmpty { continue }  // blank line
            guard row.count == header.count else {
                throw DatasetError("\(path): row \(line) has \(row.count) cells, the header has \(header.count)")
            }
            for (column, cell) in row.enumerated() {
                guard let value = Double(cell), value.isFinite else {
                    throw DatasetError("\(path): row \(line), column '\(header[column])': '\(cell)' is not a number")
                }
                if column == labelIndex { rawLabels.append(value) } else { features.append(Float(value)) }
            }
        }
        if let error = reader.error { throw DatasetError("\(path): cannot be read as CSV (\(error))") }
        guard !rawLabels.isEmpty else { throw DatasetError("\(path): no data rows") }
        return (features, rawLabels, featureNames)
    }

    /// The 8×8 handwritten digits shipped with MetaTune (1797 rows, 64 pixels 0…16, 10 classes;
    /// UCI "Optical Recognition of Handwritten Digits", CC BY 4.0), pixels scaled to [0, 1], as
    /// 1×8×8 images.
    public static func digits() throws -> Dataset {
        guard let url = Bundle.module.url(forResource: "digits", withExtension: "csv", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "digits", withExtension: "csv") else {
            throw DatasetError("the bundled digits data set is missing from this build")
        }
        var data = try loadCSV(path: url.path)
        data.features = data.features.map { $0 / 16 }
        data.imageShape = [1, 8, 8]
        return data
    }
}

/// A numeric class label as text: whole numbers without ".0" (when they fit an Int), others as
/// they are (a label like 1e111 once trapped converting to Int).
private func formatLabel(_ value: Double) -> String {
    if value.rounded() == value, let whole = Int(exactly: value) { return String(whole) }
    return String(value)
}
