/// The data sets that ship inside MetaTune.
public enum BundledDataset: String, CaseIterable, Sendable {
    /// 1,797 8×8 handwritten digits, 10 classes (image shape 1×8×8).
    case digits

    /// The data set.
    public func load() throws -> Dataset {
        switch self {
        case .digits: return try Dataset.digits()
        }
    }
}
