import XCTest
@testable import MetaTuneNumerics

final class SeededGeneratorTests: XCTestCase {
    func testSameSeedSameStreamAndDifferentSeedsDiffer() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let first = (0..<10).map { _ in a.next() }
        XCTAssertEqual(first, (0..<10).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<10).map { _ in c.next() })
        var d = SeededGenerator(seeds: [1, 2]), e = SeededGenerator(seeds: [2, 1])
        XCTAssertNotEqual(d.next(), e.next(), "seed words are order-sensitive")
    }

    func testUniformAndNormalMoments() {
        var g = SeededGenerator(seed: 7)
        let n = 100_000
        let u = (0..<n).map { _ in g.nextUniform() }
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(u.reduce(0, +) / Double(n), 0.5, accuracy: 0.005)
        let z = (0..<n).map { _ in g.nextStandardNormal() }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(variance, 1, accuracy: 0.02)
    }

    func testIndexIsInRangeAndCoversIt() {
        var g = SeededGenerator(seed: 1)
        var seen = Set<Int>()
        for _ in 0..<1000 {
            let i = g.nextIndex(below: 7)
            XCTAssertTrue((0..<7).contains(i))
            seen.insert(i)
        }
        XCTAssertEqual(seen.count, 7)
    }

    func testStableHashIsFixed() {
        XCTAssertEqual(stableHash(""), 0xCBF2_9CE4_8422_2325)
        XCTAssertEqual(stableHash("a"), 0xAF63_DC4C_8601_EC8C)
        XCTAssertNotEqual(stableHash("lr"), stableHash("rl"))
    }
}

final class StatisticsTests: XCTestCase {
    func testMedianAndPercentile() {
        XCTAssertEqual(Statistics.median([3, 1, 2]), 2)
        XCTAssertEqual(Statistics.median([4, 1, 3, 2]), 2.5)
        XCTAssertNil(Statistics.median([]))
        XCTAssertEqual(Statistics.percentile([1, 2, 3, 4, 5], 25), 2)
        XCTAssertEqual(Statistics.percentile([1, 2, 3, 4], 25), 1.75)
        XCTAssertEqual(Statistics.percentile([1, 2, 3, 4], 100), 4)
        XCTAssertEqual(Statistics.percentile([1, 2, 3, 4], 0), 1)
    }

    func testNormalFunctions() {
        XCTAssertEqual(Normal.cdf(0), 0.5, accuracy: 1e-15)
        XCTAssertEqual(Normal.cdf(1.959963984540054), 0.975, accuracy: 1e-12)
        for p in [1e-10, 0.001, 0.02, 0.3, 0.5, 0.9, 0.999, 1 - 1e-9] {
            XCTAssertEqual(Normal.cdf(Normal.quantile(p)), p, accuracy: 1e-12 * max(1, p / 1e-3))
        }
        XCTAssertEqual(Normal.logCDF(-1), log(Normal.cdf(-1)), accuracy: 1e-12)
        XCTAssertEqual(Normal.logCDF(-10), log(7.61985302416047e-24), accuracy: 1e-8)
        XCTAssertEqual(Normal.logCDF(-40), -804.6084420137538, accuracy: 1e-6)
    }
}
