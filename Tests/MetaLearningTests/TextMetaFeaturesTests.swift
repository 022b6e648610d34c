import Foundation
import XCTest
@testable import MetaLearning
import MetaTuneText

/// Text meta-features: counted from the words of the texts, and a TF-IDF linear landmarker that
/// tells a task whose classes have their own words from one whose labels are noise.
final class TextMetaFeaturesTests: XCTestCase {
    /// `count` texts per class; with `separable`, each class draws most words from its own list.
    private func texts(count: Int, separable: Bool, seed: UInt64) -> TextDataset {
        let lists = [["market", "shares", "profit", "bank", "growth", "trade"], ["match", "goal", "team", "coach", "league", "cup"],
                     ["film", "actor", "award", "music", "stage", "show"]]
        let common = ["the", "a", "of", "in", "and", "to"]
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var all: [String] = [], labels: [Int] = []
        for label in 0..<3 {
            for _ in 0..<count {
                let source = separable ? lists[label] : lists[next(3)]
                let words = (0..<(6 + next(10))).map { _ in next(3) == 0 ? common[next(common.count)] : source[next(source.count)] }
                all.append(words.joined(separator: " "))
                labels.append(label)
            }
        }
        return TextDataset(texts: all, labels: labels, classNames: ["business", "sport", "culture"])
    }

    func testCountsComeFromTheWordsAndTheVectorKeepsItsLength() throws {
        let data = TextDataset(texts: ["Hello world", "hello, again!", "world cup 2026", "again and again"], labels: [0, 1, 0, 1],
                               classNames: ["x", "y"])
        let features = try MetaFeatures.compute(texts: data)
        XCTAssertEqual(features.values["rows"], 4)
        // hello, world, again, cup, 2026, and: six distinct words.
        XCTAssertEqual(features.values["features"], 6)
        XCTAssertEqual(features.values["log_features"] ?? 0, log(6), accuracy: 1e-12)
        XCTAssertEqual(features.values["classes"], 2)
        XCTAssertEqual(features.values["words_mean"] ?? 0, 10.0 / 4, accuracy: 1e-12)
        XCTAssertEqual(features.values["words_median"], 3)
        XCTAssertEqual(features.vector.count, MetaFeatures.names.count)
        XCTAssertThrowsError(try MetaFeatures.compute(texts: TextDataset(texts: ["a", "b"], labels: [0, 1], classNames: ["x", "y"])))
    }

    func testTheTFIDFLandmarkerSeparatesTopicalFromNoisyLabels() throws {
        let topical = try MetaFeatures.compute(texts: texts(count: 60, separable: true, seed: 1), seed: 3)
        let noisy = try MetaFeatures.compute(texts: texts(count: 60, separable: false, seed: 1), seed: 3)
        let linear = try XCTUnwrap(topical.values["landmark_linear"]), chance = try XCTUnwrap(noisy.values["landmark_linear"])
        XCTAssertGreaterThan(linear, 0.9)
        XCTAssertLessThan(chance, 0.55)
        XCTAssertEqual(topical.values["class_entropy"] ?? 0, 1, accuracy: 1e-12)
        // Seeded: the same texts give the same values.
        XCTAssertEqual(try MetaFeatures.compute(texts: texts(count: 60, separable: true, seed: 1), seed: 3), topical)
    }
}
