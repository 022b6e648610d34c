import XCTest
import MetaTuneNumerics

extension StatisticsTests {
    func testAverageRanksShareTies() {
        XCTAssertEqual(Statistics.averageRanks([3, 1, 2, 1]), [3, 0.5, 2, 0.5])
        XCTAssertEqual(Statistics.averageRanks([]), [])
    }

    func testSpearmanOnKnownCases() {
        XCTAssertEqual(Statistics.spearman([1, 2, 3, 4], [10, 20, 35, 100]), 1, accuracy: 1e-12)
        XCTAssertEqual(Statistics.spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1, accuracy: 1e-12)
        // Ranks (0, 1, 2, 3) against (1, 0, 3, 2): 1 − 6·Σd²/(n(n²−1)) = 1 − 6·4/60 = 0.6.
        XCTAssertEqual(Statistics.spearman([1, 2, 3, 4], [2, 1, 4, 3]), 0.6, accuracy: 1e-12)
        XCTAssertEqual(Statistics.spearman([1, 1, 1], [1, 2, 3]), 0)
    }

    func testStandardizedHasMeanZeroAndUnitDeviation() {
        let z = Statistics.standardized([2, 4, 4, 4, 5, 5, 7, 9])  // mean 5, population sd 2
        XCTAssertEqual(z, [-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2])
        XCTAssertEqual(Statistics.standardized([3, 3]), [0, 0])
    }
}
