import XCTest
@testable import MetaTuneNumerics

final class SobolSequenceTests: XCTestCase {
    // MARK: - Unscrambled values

    /// Hand derivation. Point n is the XOR of the direction numbers v_k selected by the bits of the
    /// Gray code g(n) = n ^ (n >> 1); for n = 0..<8, g = 0, 1, 3, 2, 6, 7, 5, 4.
    /// - Dimension 1 (all m_k = 1): v = 1/2, 1/4, 1/8 = .1, .01, .001 (binary).
    /// - Dimension 2 (polynomial x + 1, m_1 = 1, so m_k = 3 m_(k-1) without carries): m = 1, 3, 5,
    ///   v = .1, .11, .101.
    /// - Dimension 3 (polynomial x^2 + x + 1, m_1 = 1, m_2 = 3; m_3 = 2·m_2 ^ 4·m_1 ^ m_1 = 3):
    ///   v = .1, .11, .011.
    /// E.g. dimension 2, n = 4: g = 6 selects v_2 ^ v_3 = .11 ^ .101 = .011 = 3/8.
    func testFirstEightUnscrambledPointsMatchHandDerivedValues() throws {
        let expected: [[Double]] = [
            [0.000, 0.000, 0.000],
            [0.500, 0.500, 0.500],
            [0.750, 0.250, 0.250],
            [0.250, 0.750, 0.750],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ]
        var sobol = try SobolSequence(dimension: 3, scrambleSeed: nil)
        for (n, point) in expected.enumerated() {
            XCTAssertEqual(sobol.next(), point, "point \(n)")
        }
        for d in 1...3 {
            var lower = try SobolSequence(dimension: d, scrambleSeed: nil)
            for (n, point) in expected.enumerated() {
                XCTAssertEqual(lower.next(), Array(point.prefix(d)), "dimension \(d), point \(n)")
            }
        }
    }

    func testDimensionOneIsTheVanDerCorputSequenceInGrayCodeOrder() {
        XCTAssertEqual(SobolDirectionNumbers.polynomials.count, SobolDirectionNumbers.maxDimension)
        XCTAssertEqual(SobolDirectionNumbers.polynomials[0], 1, "dimension 1 is the identity dimension")
        for k in 0..<32 {
            XCTAssertEqual(SobolSequence.standardDirections[k], UInt32(1) << (31 - k), "m_\(k + 1) must be 1")
        }
        for n in 0..<2048 {
            var gray = n ^ (n >> 1), radicalInverse = 0.0, weight = 0.5
            while gray != 0 {
                if gray & 1 == 1 { radicalInverse += weight }
                gray >>= 1
                weight /= 2
            }
            XCTAssertEqual(SobolSequence.point(index: n, dimension: 1, scrambleSeed: nil), [radicalInverse])
        }
    }

    /// Guards the whole direction-number table: selected coordinates and a hash of the first 4096
    /// unscrambled points in all 256 dimensions, as produced by
    /// `scipy.stats.qmc.Sobol(d=256, scramble=False, bits=32)` (scipy 1.17.1), which uses the
    /// same Joe & Kuo table and Gray-code order.
    func testHigherDimensionsMatchReferenceValues() throws {
        let reference: [(index: Int, dimension: Int, value: Double)] = [
            (1, 256, 0.5), (2, 256, 0.75), (3, 256, 0.25), (5, 4, 0.375),
            (100, 50, 0.6640625), (1000, 100, 0.1865234375), (1023, 200, 0.1865234375),
            (4095, 256, 0.613037109375), (2047, 129, 0.61572265625), (3000, 255, 0.544189453125),
        ]
        for (index, dimension, value) in reference {
            let point = SobolSequence.point(index: index, dimension: 256, scrambleSeed: nil)
            XCTAssertEqual(point[dimension - 1], value, "point \(index), dimension \(dimension)")
        }
        var sobol = try SobolSequence(dimension: 256, scrambleSeed: nil)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for _ in 0..<4096 {
            for x in sobol.next() {
                let digits = UInt64(x * 0x1.0p32) >> 20  // the first 4096 points use 12 bits
                hash = (hash ^ digits) &* 0x100_0000_01B3
            }
        }
        XCTAssertEqual(hash, 0x5707_0D93_65F2_D325)
    }

    // MARK: - Net structure

    /// Each 1-D projection of the first 2^k points has one point in each [j/2^k, (j+1)/2^k).
    func testOneDimensionalStratificationHoldsScrambledAndUnscrambled() throws {
        for seed in [nil, 1, 20_240_601] as [UInt64?] {
            var sobol = try SobolSequence(dimension: 256, scrambleSeed: seed)
            let points = (0..<256).map { _ in sobol.next() }
            for j in 0..<256 {
                for k in 1...8 {
                    let cells = Set(points.prefix(1 << k).map { Int($0[j] * Double(1 << k)) })
                    XCTAssertEqual(cells.count, 1 << k, "seed \(String(describing: seed)), dimension \(j + 1), k = \(k)")
                }
            }
        }
    }

    /// The first two dimensions form a (0, 2)-sequence: for every k and every split k = a + b, the
    /// first 2^k points fall one in each 2^-a × 2^-b box. Scrambling must keep this.
    func testFirstTwoDimensionsKeepTheTwoDimensionalNetPropertyWhenScrambled() throws {
        for seed in [nil, 3, 99] as [UInt64?] {
            var sobol = try SobolSequence(dimension: 2, scrambleSeed: seed)
            let points = (0..<1024).map { _ in sobol.next() }
            for k in 1...10 {
                for a in 0...k {
                    let b = k - a
                    let boxes = Set(points.prefix(1 << k).map {
                        Int($0[0] * Double(1 << a)) << 16 | Int($0[1] * Double(1 << b))
                    })
                    XCTAssertEqual(boxes.count, 1 << k, "seed \(String(describing: seed)), k = \(k), a = \(a)")
                }
            }
        }
    }

    // MARK: - Seeds

    func testSameSeedGivesSamePointsAndDifferentSeedsDiffer() throws {
        func first(_ count: Int, seed: UInt64?) throws -> [[Double]] {
            var sobol = try SobolSequence(dimension: 5, scrambleSeed: seed)
            return (0..<count).map { _ in sobol.next() }
        }
        XCTAssertEqual(try first(64, seed: 42), try first(64, seed: 42))
        XCTAssertNotEqual(try first(64, seed: 42), try first(64, seed: 43))
        XCTAssertNotEqual(try first(64, seed: 0), try first(64, seed: nil), "seed 0 still scrambles")
        let scrambled = try first(64, seed: 7)
        XCTAssertTrue(scrambled.allSatisfy { $0.allSatisfy { $0 >= 0 && $0 < 1 } })
        XCTAssertNotEqual(scrambled[0], [0, 0, 0, 0, 0], "the digital shift moves the first point off the origin")
        // Points of different seeds differ coordinate-wise, not just somewhere.
        let other = try first(64, seed: 8)
        let equalCoordinates = zip(scrambled.joined(), other.joined()).filter { $0 == $1 }.count
        XCTAssertLessThan(equalCoordinates, 3)
    }

    func testLowerDimensionsDoNotDependOnTheTotalDimension() {
        for index in [0, 1, 77, 1000] {
            let wide = SobolSequence.point(index: index, dimension: 40, scrambleSeed: 11)
            let narrow = SobolSequence.point(index: index, dimension: 3, scrambleSeed: 11)
            XCTAssertEqual(Array(wide.prefix(3)), narrow)
        }
    }

    // MARK: - Random access

    func testPointAgreesWithSequentialNext() throws {
        for (dimension, seed, count) in [(1, nil, 300), (17, nil, 300), (17, 5, 300), (256, 123, 40)] as [(Int, UInt64?, Int)] {
            var sobol = try SobolSequence(dimension: dimension, scrambleSeed: seed)
            for n in 0..<count {
                XCTAssertEqual(sobol.index, n)
                XCTAssertEqual(SobolSequence.point(index: n, dimension: dimension, scrambleSeed: seed), sobol.next(),
                               "dimension \(dimension), seed \(String(describing: seed)), index \(n)")
            }
        }
    }

    func testSkipAgreesWithNext() throws {
        var reference = try SobolSequence(dimension: 6, scrambleSeed: 2025)
        let points = (0..<600).map { _ in reference.next() }
        for start in [0, 1, 2, 7, 64, 255, 256, 511] {
            var sobol = try SobolSequence(dimension: 6, scrambleSeed: 2025)
            sobol.skip(start)
            XCTAssertEqual(sobol.index, start)
            for n in start..<(start + 40) {
                XCTAssertEqual(sobol.next(), points[n], "after skip(\(start)), index \(n)")
            }
        }
        // Skips in between draws and skip(0).
        var sobol = try SobolSequence(dimension: 6, scrambleSeed: 2025)
        _ = sobol.next()
        sobol.skip(0)
        XCTAssertEqual(sobol.next(), points[1])
        sobol.skip(10)
        XCTAssertEqual(sobol.next(), points[12])
        sobol.skip(100)
        XCTAssertEqual(sobol.next(), points[113])
        // Far into the sequence (needs bits beyond the 12th direction number) and the last point.
        for index in [(1 << 31) + 12_345, SobolSequence.capacity - 1] {
            var far = try SobolSequence(dimension: 4, scrambleSeed: 9)
            far.skip(index)
            let point = far.next()
            XCTAssertEqual(point, SobolSequence.point(index: index, dimension: 4, scrambleSeed: 9))
            XCTAssertTrue(point.allSatisfy { $0 >= 0 && $0 < 1 })
        }
    }

    // MARK: - Errors

    func testUnsupportedDimensionsThrow() {
        for dimension in [0, 257, -1] {
            XCTAssertThrowsError(try SobolSequence(dimension: dimension, scrambleSeed: nil)) { error in
                XCTAssertEqual(error as? SobolSequenceError, .unsupportedDimension(dimension))
                XCTAssertTrue("\(error)".contains("between 1 and 256"), "\(error)")
            }
        }
        XCTAssertNoThrow(try SobolSequence(dimension: 1, scrambleSeed: 1))
        XCTAssertNoThrow(try SobolSequence(dimension: 256, scrambleSeed: 1))
    }

    // MARK: - Uniformity

    /// Largest error of the fraction of points in [0, a) × [0, b) against a·b over a (non-dyadic)
    /// 50 × 50 grid of corners: a proxy for the star discrepancy.
    private func boxDiscrepancy(_ points: [[Double]]) -> Double {
        let grid = 50
        var worst = 0.0
        for i in 1...grid {
            let a = Double(i) / Double(grid)
            let left = points.filter { $0[0] < a }
            for j in 1...grid {
                let b = Double(j) / Double(grid)
                let count = left.reduce(0) { $0 + ($1[1] < b ? 1 : 0) }
                worst = max(worst, abs(Double(count) / Double(points.count) - a * b))
            }
        }
        return worst
    }

    func testScrambledSobolIsFarMoreUniformThanRandomPoints() throws {
        var sobol = try SobolSequence(dimension: 2, scrambleSeed: 31_337)
        let quasi = (0..<1024).map { _ in sobol.next() }
        var generator = SeededGenerator(seed: 31_337)
        let random = (0..<1024).map { _ in [generator.nextUniform(), generator.nextUniform()] }
        let quasiError = boxDiscrepancy(quasi), randomError = boxDiscrepancy(random)
        // Typical values: about 0.003 for the Sobol points, 0.03–0.06 for random ones.
        XCTAssertLessThan(quasiError, 0.01)
        XCTAssertLessThan(quasiError * 4, randomError, "Sobol \(quasiError) vs random \(randomError)")
    }
}
