import XCTest
import Neural
import MetaTuneNumerics
@testable import MetaLearning

final class MetaFeaturesTests: XCTestCase {
    /// Eight rows, two features, classes 3:1. Feature a = [1, 2, 3, 10] twice: mean 4, population
    /// variance 12.5; central moments m3 = (−27 − 8 − 1 + 216)/4 = 45 and m4 = (81 + 16 + 1 + 1296)/4
    /// = 348.5, so skewness 45/12.5^1.5 and excess kurtosis 348.5/12.5² − 3. Feature b = 2a is
    /// perfectly correlated with a, so the first principal component holds all the variance.
    func testHandCheckedValues() throws {
        let a: [Float] = [1, 2, 3, 10, 1, 2, 3, 10]
        var features: [Float] = []
        for x in a { features += [x, 2 * x] }
        let dataset = Dataset(features: features, labels: [0, 0, 0, 1, 0, 0, 0, 1], featureCount: 2, classCount: 2)
        let meta = try MetaFeatures.compute(dataset)
        let v = meta.values
        XCTAssertEqual(v["rows"], 8)
        XCTAssertEqual(v["features"], 2)
        XCTAssertEqual(v["classes"], 2)
        XCTAssertEqual(v["log_rows"]!, log(8), accuracy: 1e-12)
        XCTAssertEqual(v["features_per_row"]!, 0.25, accuracy: 1e-12)
        // Entropy of (3/4, 1/4) over log 2.
        XCTAssertEqual(v["class_entropy"]!, -(0.75 * log(0.75) + 0.25 * log(0.25)) / log(2), accuracy: 1e-12)
        XCTAssertEqual(v["majority_rate"]!, 0.75, accuracy: 1e-12)
        XCTAssertEqual(v["minority_rate"]!, 0.25, accuracy: 1e-12)
        XCTAssertEqual(v["imbalance_ratio"]!, 1.0 / 3, accuracy: 1e-12)
        let skewness = 45 / pow(12.5, 1.5), kurtosis = 348.5 / (12.5 * 12.5) - 3
        XCTAssertEqual(v["skewness_mean"]!, skewness, accuracy: 1e-9)
        XCTAssertEqual(v["skewness_max"]!, skewness, accuracy: 1e-9)
        XCTAssertEqual(v["kurtosis_min"]!, kurtosis, accuracy: 1e-9)
        XCTAssertEqual(v["pca_first_fraction"]!, 1, accuracy: 1e-9)
        XCTAssertEqual(v["pca_fraction_for_95"]!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(v["pca_spectrum_entropy"]!, 0, accuracy: 1e-6)
        XCTAssertEqual(meta.vector.count, MetaFeatures.names.count)
    }

    /// Independent features have a flat spectrum; a class given by the sign of feature 0 is found
    /// perfectly by the stump and nearly so by the linear model and 1-NN, and labels that ignore
    /// the features leave every landmarker near chance.
    func testSpectrumAndLandmarkersSeparateEasyFromHopelessTasks() throws {
        var generator = SplitMix64(state: 9)
        func normal() -> Float { Float((-2 * log(1 - generator.nextU53())).squareRoot() * cos(2 * Double.pi * generator.nextU53())) }
        let n = 1200, p = 4
        let features = (0..<(n * p)).map { _ in normal() }
        let easy = (0..<n).map { features[$0 * p] > 0 ? 1 : 0 }
        let hopeless = (0..<n).map { _ in Int(generator.next() % 2) }
        let easyMeta = try MetaFeatures.compute(Dataset(features: features, labels: easy, featureCount: p, classCount: 2)).values
        XCTAssertEqual(easyMeta["landmark_stump"]!, 1, accuracy: 0.01)
        XCTAssertGreaterThan(easyMeta["landmark_linear"]!, 0.9)
        XCTAssertGreaterThan(easyMeta["landmark_1nn"]!, 0.85)
        XCTAssertLessThan(easyMeta["pca_first_fraction"]!, 0.35)
        XCTAssertEqual(easyMeta["pca_fraction_for_95"]!, 1)
        XCTAssertGreaterThan(easyMeta["pca_spectrum_entropy"]!, 0.98)
        let hopelessMeta = try MetaFeatures.compute(Dataset(features: features, labels: hopeless, featureCount: p, classCount: 2)).values
        for name in ["landmark_1nn", "landmark_linear", "landmark_stump"] {
            XCTAssertEqual(hopelessMeta[name]!, 0.5, accuracy: 0.08, name)
        }
    }

    func testSameSeedSameLandmarkersAndRegressionIsRefused() throws {
        let dataset = try Dataset.digits()
        XCTAssertEqual(try MetaFeatures.compute(dataset, seed: 3), try MetaFeatures.compute(dataset, seed: 3))
        let regression = Dataset(features: [1, 2, 3, 4], targets: [0.5, 1, 1.5, 2], featureCount: 1)
        XCTAssertThrowsError(try MetaFeatures.compute(regression))
    }
}
