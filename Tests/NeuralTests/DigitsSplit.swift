@testable import Neural

extension Dataset {
    /// The bundled digits split 80/20 (stratified, seed 0) and standardised with the training
    /// part's statistics: the data most engine tests train on.
    static func standardizedDigitsSplit() throws -> (Dataset, Dataset) {
        let split = try Dataset.digits().stratifiedSplit(validationFraction: 0.2, seed: 0)
        let standardizer = Standardizer(fitting: split.train)
        return (standardizer.apply(split.train), standardizer.apply(split.validation))
    }
}
