import XCTest
import TestSupport
@testable import Neural

final class DatasetTests: XCTestCase {
    private var temporary: TemporaryDirectory!

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory("metatune-data")
    }

    override func tearDownWithError() throws {
        temporary = nil
    }

    private func load(_ text: String, label: String = "label") throws -> Dataset {
        try temporary.write("d.csv", text)
        return try Dataset.loadCSV(path: temporary.path("d.csv"), labelColumn: label)
    }

    private func assertError(_ text: String, label: String = "label", mentions words: [String],
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(text, label: label), file: file, line: line) { error in
            for word in words { XCTAssertTrue("\(error)".contains(word), "'\(error)' lacks '\(word)'", file: file, line: line) }
        }
    }

    func testLoadsFeaturesAndRemapsLabels() throws {
        let data = try load("a,label,b\n1,7,2\n3,5,4\n5,7,6\n")
        XCTAssertEqual(data.featureNames, ["a", "b"])
        XCTAssertEqual(data.features, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(data.labels, [1, 0, 1], "labels 5 and 7 become 0 and 1")
        XCTAssertEqual(data.classCount, 2)
        XCTAssertEqual(try load("x,y\n1,0\n2,1\n", label: "y").labels, [0, 1])
    }

    func testBadFilesAreClearErrorsNamingRowOrColumn() {
        assertError("a,label\n1,0\n2\n", mentions: ["row 3", "1 cells", "header has 2"])
        assertError("a,label\n1,0\nx,1\n", mentions: ["row 3", "column 'a'", "'x' is not a number"])
        assertError("a,b\n1,0\n", mentions: ["no 'label' column"])
        assertError("a,label\n1,3\n2,3\n", mentions: ["single class"])
        assertError("", mentions: ["empty"])
        assertError("a,label\n", mentions: ["no data rows"])
        XCTAssertThrowsError(try Dataset.loadCSV(path: temporary.path("missing.csv"))) { error in
            XCTAssertTrue("\(error)".contains("no such file"))
        }
    }

    /// Found by fuzz-csv (Fuzz/crashers/fuzz-csv/huge-label.csv): a numeric label too large for
    /// an Int trapped while naming the classes.
    func testAHugeNumericLabelIsAClassLikeAnyOther() throws {
        let data = try load("y,aj,label\n01,.513,1e111\n2,3,4\n")
        XCTAssertEqual(data.classCount, 2)
        XCTAssertEqual(data.labels.count, 2)
    }

    func testBundledDigits() throws {
        let digits = try Dataset.digits()
        XCTAssertEqual(digits.count, 1797)
        XCTAssertEqual(digits.featureCount, 64)
        XCTAssertEqual(digits.classCount, 10)
        XCTAssertEqual(digits.imageShape, [1, 8, 8])
        XCTAssertTrue(digits.features.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    func testStratifiedSplitKeepsClassSharesAndIsSeeded() throws {
        let digits = try Dataset.digits()
        let (train, validation) = digits.stratifiedSplit(validationFraction: 0.2, seed: 3)
        XCTAssertEqual(train.count + validation.count, digits.count)
        for label in 0..<10 {
            let share = Double(validation.labels.filter { $0 == label }.count) / Double(digits.labels.filter { $0 == label }.count)
            XCTAssertEqual(share, 0.2, accuracy: 0.01)
        }
        XCTAssertEqual(digits.stratifiedSplit(validationFraction: 0.2, seed: 3).validation.labels, validation.labels)
        XCTAssertNotEqual(digits.stratifiedSplit(validationFraction: 0.2, seed: 4).validation.features, validation.features)
    }

    func testStandardizerUsesTrainingStatisticsOnly() {
        let train = Dataset(features: [1, 10, 3, 10], labels: [0, 1], featureCount: 2, classCount: 2)
        let other = Dataset(features: [2, 5], labels: [0], featureCount: 2, classCount: 2)
        let standardizer = Standardizer(fitting: train)
        XCTAssertEqual(standardizer.apply(train).features, [-1, 0, 1, 0])
        XCTAssertEqual(standardizer.apply(other).features, [0, -5], "the constant feature keeps scale 1")
    }

    func testIDXFiles() throws {
        // Two 2×3 images and their labels, in MNIST's format.
        var images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3]
        images += [0, 255, 51, 102, 0, 0, 255, 255, 255, 0, 0, 0]
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 3, 1]
        try Data(images).write(to: temporary.url.appendingPathComponent("images.idx"))
        try Data(labels).write(to: temporary.url.appendingPathComponent("labels.idx"))
        let data = try Dataset.loadIDX(images: temporary.path("images.idx"), labels: temporary.path("labels.idx"))
        XCTAssertEqual(data.imageShape, [1, 2, 3])
        XCTAssertEqual(data.labels, [3, 1])
        XCTAssertEqual(data.classCount, 4)
        XCTAssertEqual(data.features[1], 1)
        XCTAssertEqual(data.features[2], 0.2, accuracy: 1e-6)
        try Data(images.dropLast()).write(to: temporary.url.appendingPathComponent("short.idx"))
        XCTAssertThrowsError(try Dataset.loadIDX(images: temporary.path("short.idx"), labels: temporary.path("labels.idx"))) { error in
            XCTAssertTrue("\(error)".contains("data bytes"), "\(error)")
        }
        XCTAssertThrowsError(try Dataset.loadIDX(images: temporary.path("labels.idx"), labels: temporary.path("labels.idx")))
        // An empty file (fuzz-idx found FileManager leaking its buffer here) and a missing one.
        try Data().write(to: temporary.url.appendingPathComponent("empty.idx"))
        XCTAssertThrowsError(try Dataset.loadIDX(images: temporary.path("images.idx"), labels: temporary.path("empty.idx"))) { error in
            XCTAssertTrue("\(error)".contains("empty.idx: not an IDX file"), "\(error)")
        }
        XCTAssertThrowsError(try Dataset.loadIDX(images: temporary.path("none.idx"), labels: temporary.path("labels.idx"))) { error in
            XCTAssertTrue("\(error)".contains("none.idx: no such file"), "\(error)")
        }
        // Sizes whose product overflows an Int (fuzz-idx, Fuzz/crashers/fuzz-idx/huge-sizes.bin).
        try Data([0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0]).write(to: temporary.url.appendingPathComponent("huge.idx"))
        XCTAssertThrowsError(try Dataset.loadIDX(images: temporary.path("huge.idx"), labels: temporary.path("labels.idx"))) { error in
            XCTAssertTrue("\(error)".contains("too large"), "\(error)")
        }
    }

    func testRegressionCSVKeepsRealTargets() throws {
        try temporary.write("r.csv", "a,price,b\n1,2.5,2\n3,-1.25,4\n")
        let data = try Dataset.loadRegressionCSV(path: temporary.path("r.csv"), targetColumn: "price")
        XCTAssertTrue(data.isRegression)
        XCTAssertEqual(data.targets, [2.5, -1.25])
        XCTAssertEqual(data.features, [1, 2, 3, 4])
        XCTAssertThrowsError(try Dataset.loadRegressionCSV(path: temporary.path("r.csv"), targetColumn: "cost")) { error in
            XCTAssertTrue("\(error)".contains("no 'cost' column"), "\(error)")
        }
    }
}
