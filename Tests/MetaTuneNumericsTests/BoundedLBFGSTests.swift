import XCTest
import MetaTuneNumerics

final class BoundedLBFGSTests: XCTestCase {
    private func rosenbrock(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let a = 1 - x[0], b = x[1] - x[0] * x[0]
        return (a * a + 100 * b * b, [-2 * a - 400 * x[0] * b, 200 * b])
    }

    func testFindsTheRosenbrockMinimumInsideWideBounds() {
        var options = BoundedLBFGS.Options()
        options.maxIterations = 500
        options.relativeTolerance = 0
        let result = BoundedLBFGS.minimize(start: [-1.2, 1], lower: [-5, -5], upper: [5, 5], options: options,
                                           function: rosenbrock)
        XCTAssertEqual(result.x[0], 1, accuracy: 1e-4)
        XCTAssertEqual(result.x[1], 1, accuracy: 1e-4)
        XCTAssertLessThan(result.value, 1e-8)
    }

    func testStopsOnTheBoundWhenTheMinimumLiesOutside() {
        // (x − 3)² + (y + 1)² on [0, 2] × [0, 2]: the minimum in the box is (2, 0).
        let result = BoundedLBFGS.minimize(start: [0.5, 1.5], lower: [0, 0], upper: [2, 2]) { x in
            (pow(x[0] - 3, 2) + pow(x[1] + 1, 2), [2 * (x[0] - 3), 2 * (x[1] + 1)])
        }
        XCTAssertEqual(result.x[0], 2, accuracy: 1e-9)
        XCTAssertEqual(result.x[1], 0, accuracy: 1e-9)
        XCTAssertEqual(result.value, 2, accuracy: 1e-9)
    }

    func testEqualBoundsHoldACoordinateFixed() {
        let result = BoundedLBFGS.minimize(start: [0.3, 0.7], lower: [0.3, -10], upper: [0.3, 10]) { x in
            (pow(x[0], 2) + pow(x[1] - 4, 2), [2 * x[0], 2 * (x[1] - 4)])
        }
        XCTAssertEqual(result.x[0], 0.3)
        XCTAssertEqual(result.x[1], 4, accuracy: 1e-6)
    }
}
