import XCTest
import MetaTuneNumerics
@testable import Neural

/// Row-sparse gradients of embedding tables: only looked-up rows carry gradient, the buffer is
/// kept between steps, and optimizers update the touched rows only (lazy moments).
final class SparseGradientTests: XCTestCase {
    private func table(seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor(shape: [6, 2], data: (0..<12).map { _ in Float(generator.nextUniform() * 2 - 1) }, requiresGrad: true)
    }

    /// Σ of the bag means times fixed weights, with bags over `ids` as `starts` say.
    private func loss(_ table: Tensor, _ ids: [Int], _ starts: [Int]) -> Tensor {
        let means = table.bagMeans(ids: ids, starts: starts)
        return means.multiplied(byConstant: (0..<means.count).map { Float($0) - 1.5 }).sum()
    }

    func testOnlyLookedUpRowsCarryGradientAndTheBufferIsKept() {
        let t = table(seed: 1)
        loss(t, [4, 1, 4], [0, 2]).backward()
        XCTAssertEqual(t.gradientRanges(), [2..<4, 8..<10])
        for row in [0, 2, 3, 5] { XCTAssertEqual(t.grad[(row * 2)..<(row * 2 + 2)], [0, 0]) }
        XCTAssertNotEqual(t.grad[8], 0)
        t.zeroGrad()
        XCTAssertEqual(t.grad, [Float](repeating: 0, count: 12), "rows zeroed, buffer kept")
        XCTAssertEqual(t.gradientRanges(), [])
        // Consecutive rows merge into one range; a dense operation makes the gradient dense.
        loss(t, [2, 3], [0]).backward()
        XCTAssertEqual(t.gradientRanges(), [4..<8])
        (t * t).sum().backward()
        XCTAssertEqual(t.gradientRanges(), [0..<12])
        t.zeroGrad()
        XCTAssertEqual(t.grad, [])
    }

    /// Lazy Adam: a row's moments advance only in steps that touch it. Against dense Adam on the
    /// same gradients: equal after the first step; after a second step that skips row 4, dense
    /// Adam still moves row 4 (its momentum), the sparse one leaves it; rows touched both times agree.
    func testAdamUpdatesOnlyTheTouchedRows() {
        let sparse = table(seed: 2), dense = table(seed: 2)
        let (sparseAdam, denseAdam) = (Adam(parameters: [sparse], learningRate: 0.1), Adam(parameters: [dense], learningRate: 0.1))
        let steps: [([Int], [Int])] = [([4, 1, 4], [0, 2]), ([1, 0], [0])]
        var afterFirst: [Float] = []
        for (ids, starts) in steps {
            for (t, optimizer) in [(sparse, sparseAdam), (dense, denseAdam)] {
                optimizer.zeroGrad()
                loss(t, ids, starts).backward()
            }
            dense.gradientRows = nil  // the same values, seen as a dense gradient
            sparseAdam.step()
            denseAdam.step()
            if afterFirst.isEmpty {
                XCTAssertEqual(sparse.data, dense.data)
                afterFirst = sparse.data
            }
        }
        XCTAssertEqual(sparse.data[8..<10], afterFirst[8..<10], "row 4, untouched in step 2, stays")
        XCTAssertNotEqual(dense.data[8..<10], afterFirst[8..<10], "dense Adam moves it by momentum")
        XCTAssertEqual(sparse.data[2..<4], dense.data[2..<4], "row 1, touched in both steps")
        XCTAssertEqual(sparse.data[10..<12], table(seed: 2).data[10..<12], "row 5, never touched")
    }

    func testClippingSeesTheSameNormAsADenseGradient() {
        let t = table(seed: 3)
        loss(t, [5, 0, 5, 2], [0, 1]).backward()
        let norm = t.grad.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let optimizer = SGD(parameters: [t], learningRate: 0.1)
        XCTAssertEqual(optimizer.clipGradients(maxNorm: norm / 2), norm, accuracy: 1e-5)
        XCTAssertEqual(t.grad.reduce(0) { $0 + $1 * $1 }.squareRoot(), norm / 2, accuracy: 1e-5)
    }
}
