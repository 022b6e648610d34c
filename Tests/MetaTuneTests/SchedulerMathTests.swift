import XCTest
@testable import MetaTune

final class SchedulerMathTests: XCTestCase {
    /// Table 1 of Li et al. (2018): R = 81, η = 3.
    func testHyperbandBracketsMatchThePaperTable() throws {
        let plan = try HyperbandPlan(minResource: 1, maxResource: 81, reductionFactor: 3)
        let table = plan.brackets.map { bracket in bracket.rungs.map { [$0.configurations, Int($0.resource)] } }
        XCTAssertEqual(plan.brackets.map(\.index), [4, 3, 2, 1, 0])
        XCTAssertEqual(table, [
            [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]],
            [[34, 3], [11, 9], [3, 27], [1, 81]],
            [[15, 9], [5, 27], [1, 81]],
            [[8, 27], [2, 81]],
            [[5, 81]],
        ])
    }

    func testHyperbandWithAMinimumResourceAndItsBudget() throws {
        // Epochs 3…27, η = 3: R/r_min = 9, so s_max = 2 and B = 3·27.
        let plan = try HyperbandPlan(minResource: 3, maxResource: 27, reductionFactor: 3)
        XCTAssertEqual(plan.brackets.map { $0.rungs.map(\.configurations) }, [[9, 3, 1], [5, 1], [3]])
        XCTAssertEqual(plan.brackets.map { $0.rungs.map(\.resource) }, [[3, 9, 27], [9, 27], [27]])
        // From scratch: 9·3 + 3·9 + 27 + 5·9 + 27 + 3·27 = 234; resuming promoted runs saves the
        // resource they already had: 9·3 + 3·6 + 18 + 5·9 + 18 + 81 = 207.
        XCTAssertEqual(plan.totalResource(resuming: false), 234)
        XCTAssertEqual(plan.totalResource(resuming: true), 207)
        XCTAssertThrowsError(try HyperbandPlan(minResource: 0, maxResource: 27))
        XCTAssertThrowsError(try HyperbandPlan(minResource: 30, maxResource: 27))
        XCTAssertThrowsError(try HyperbandPlan(minResource: 1, maxResource: 27, reductionFactor: 1.5))
    }

    func testAsynchronousRungsAndThePromotionRule() throws {
        let asha = try AsynchronousPromotion(minResource: 1, maxResource: 81, reductionFactor: 3)
        XCTAssertEqual((0...4).map { asha.resource(ofRung: $0) }, [1, 3, 9, 27, 81])
        XCTAssertEqual(asha.topRung, 4)
        let later = try AsynchronousPromotion(minResource: 1, maxResource: 81, reductionFactor: 3, minEarlyStoppingRate: 1)
        XCTAssertEqual(later.resource(ofRung: 0), 3)
        XCTAssertEqual(later.topRung, 3)
        // Nine results: the top ⌊9/3⌋ = 3 may go on.
        let scores = [0.1, 0.9, 0.5, 0.7, 0.3, 0.8, 0.2, 0.4, 0.6]
        let eligible = scores.indices.filter { asha.canPromote($0, scores: scores) }
        XCTAssertEqual(eligible, [1, 3, 5])
        // A tenth, better result pushes the third out of the top ⌊10/3⌋ = 3.
        XCTAssertFalse(asha.canPromote(3, scores: scores + [0.95]))
        XCTAssertTrue(asha.canPromote(9, scores: scores + [0.95]))
        // Fewer results than η: nobody yet.
        XCTAssertFalse(asha.canPromote(0, scores: [0.9, 0.1]))
        // Ties: the earlier result ranks first.
        XCTAssertEqual([0.5, 0.5, 0.5].indices.filter { asha.canPromote($0, scores: [0.5, 0.5, 0.5]) }, [0])
    }
}
