import Foundation

/// Where a task's rows come from: a CSV file (classes in a label column, or a numeric regression
/// target), or a data set bundled with MetaTune.
public enum DataSource: Sendable, Equatable {
    /// A CSV file whose class column is `labelColumn`.
    case csv(path: String, labelColumn: String = "label")
    /// A CSV file whose numeric `targetColumn` is to be predicted.
    case regressionCSV(path: String, targetColumn: String)
    case bundled(BundledDataset)

    /// The task's name: the file's name without extension, or the bundled set's.
    public var name: String {
        switch self {
        case .csv(let path, _), .regressionCSV(let path, _): return URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        case .bundled(let bundled): return bundled.rawValue
        }
    }

    /// The file read, if any.
    public var path: String? {
        switch self {
        case .csv(let path, _), .regressionCSV(let path, _): return path
        case .bundled: return nil
        }
    }

    /// The rows; `imageShape` (channels, height, width) makes a CSV's rows images, and must
    /// account for every feature.
    public func load(imageShape: [Int]? = nil) throws -> Dataset {
        var dataset: Dataset
        switch self {
        case .csv(let path, let labelColumn): dataset = try Dataset.loadCSV(path: path, labelColumn: labelColumn)
        case .regressionCSV(let path, let target): dataset = try Dataset.loadRegressionCSV(path: path, targetColumn: target)
        case .bundled(let bundled): dataset = try bundled.load()
        }
        if let imageShape {
            guard imageShape.count == 3, imageShape.allSatisfy({ $0 > 0 }), imageShape.reduce(1, *) == dataset.featureCount else {
                let shape = imageShape.map(String.init).joined(separator: ",")
                throw DatasetError("image shape \(shape) does not describe the \(dataset.featureCount) features of \(self.path ?? name) as channels, height, width")
            }
            dataset.imageShape = imageShape
        }
        return dataset
    }
}
