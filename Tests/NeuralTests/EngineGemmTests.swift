import XCTest
import MetaTuneNumerics
@testable import Neural

/// The thread-split GEMM against a naive triple loop, for every transpose combination and both
/// split directions (wide and tall results).
final class EngineGemmTests: XCTestCase {
    override func tearDown() {
        Engine.threads = 1
    }

    func testSplitGemmMatchesANaiveProduct() {
        var generator = SeededGenerator(seed: 8)
        for (m, n, k) in [(7, 300, 40), (300, 9, 40), (64, 64, 64)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = (0..<(m * k)).map { _ in Float(generator.nextUniform() - 0.5) }
                    let b = (0..<(k * n)).map { _ in Float(generator.nextUniform() - 0.5) }
                    let c0 = (0..<(m * n)).map { _ in Float(generator.nextUniform()) }
                    var expected = c0
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum: Float = 0
                            for p in 0..<k {
                                let x = transposeA ? a[p * m + i] : a[i * k + p]
                                let y = transposeB ? b[j * k + p] : b[p * n + j]
                                sum += x * y
                            }
                            expected[i * n + j] = 2 * sum + 0.5 * c0[i * n + j]
                        }
                    }
                    for threads in [1, 2, 3] {
                        Engine.threads = threads
                        var c = c0
                        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
                            Engine.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 2,
                                        a: a.baseAddress!, b: b.baseAddress!, beta: 0.5, c: c.baseAddress!)
                        } } }
                        for index in 0..<(m * n) {
                            XCTAssertEqual(c[index], expected[index], accuracy: 1e-4,
                                           "m \(m) n \(n) k \(k) tA \(transposeA) tB \(transposeB) threads \(threads)")
                        }
                    }
                }
            }
        }
    }
}

/// Independent pieces of engine work side by side: results in index order, ops inside single-threaded, errors rethrown.
final class EngineSideBySideTests: XCTestCase {
    override func tearDown() {
        Engine.threads = 1
    }

    private struct Piece: Error, Equatable { let index: Int }

    func testPiecesRunSideBySideAndComeBackInOrder() throws {
        Engine.threads = 2
        let products = try Engine.sideBySide(7) { index -> [Float] in
            XCTAssertEqual(Engine.opThreads, 1, "ops inside a piece spread over threads the pieces already use")
            let a = Tensor(shape: [2, 2], data: [Float(index), 1, 0, 1])
            return a.matmul(Tensor(shape: [2, 1], data: [1, 1])).data
        }
        XCTAssertEqual(products, (0..<7).map { [Float($0) + 1, 1] })
        XCTAssertEqual(Engine.opThreads, 2, "the budget returns once the pieces end")
        XCTAssertThrowsError(try Engine.sideBySide(5) { index -> Int in
            if index == 3 || index == 4 { throw Piece(index: index) }
            return index
        }) { XCTAssertEqual($0 as? Piece, Piece(index: 3)) }
        XCTAssertEqual(Engine.opThreads, 2)
    }
}
