import Foundation
import MetaTune
import PropertyBased
import Testing

/// Random distributions, extreme and constant ranges included: floats (linear over up to
/// ±1e300, log over 1e-300…1e300, stepped, constant), ints (small, huge, log, stepped, constant)
/// and categoricals of 1 to 12 choices of mixed types.
enum RandomDistributions {
    static let any = zip(Gen.int(in: 0...11), Gen.double(in: 0...1).array(of: 3), Gen.int(in: -1_000_000...1_000_000).array(of: 2))
        .map { value -> Distribution in
            let (kind, u, n) = value
            let low = min(n[0], n[1]), high = max(n[0], n[1])
            switch kind {
            case 0: return float(low: -1e300 * u[0], high: 1e300 * u[1])
            case 1: return float(low: pow(10, -300 * u[0]), high: pow(10, 300 * u[1]), log: true)
            case 2: return float(low: u[0], high: u[0])
            case 3: return float(low: -u[0], high: u[1] + 1e-9)
            case 4: return float(low: 0, high: Double(Int(u[0] * 20) + 1) * 0.25, step: 0.25)
            case 5: return int(low: low, high: high)
            case 6: return int(low: 1, high: abs(high) + 1, log: true)
            case 7: return int(low: low, high: low)
            case 8: return int(low: -(Int.max / 4), high: Int.max / 4)
            case 9: return int(low: low, high: low + 3 * (abs(high) % 50 + 1), step: 3)
            default: return categorical(count: 1 + abs(n[0]) % 12)
            }
        }

    private static func float(low: Double, high: Double, log: Bool = false, step: Double? = nil) -> Distribution {
        (try? FloatDistribution(low: low, high: high, log: log, step: step)).map(Distribution.float) ?? invalid("float[\(low), \(high)]")
    }

    private static func int(low: Int, high: Int, log: Bool = false, step: Int = 1) -> Distribution {
        (try? IntDistribution(low: low, high: high, log: log, step: step)).map(Distribution.int) ?? invalid("int[\(low), \(high)]")
    }

    private static func categorical(count: Int) -> Distribution {
        let choices: [ParamValue] = (0..<count).map { index in
            switch index % 4 {
            case 0: return .string("s\(index)")
            case 1: return .int(index * 1000)
            case 2: return .float(Double(index) + 0.5)
            default: return index < 8 ? .bool(index == 3) : .string("t\(index)")
            }
        }
        return (try? CategoricalDistribution(choices: choices)).map(Distribution.categorical) ?? invalid("categorical of \(count)")
    }

    /// A generator case that built no valid distribution is a bug of the generator: the test fails.
    private static func invalid(_ what: String) -> Distribution {
        Issue.record("the generator built an invalid distribution: \(what)")
        return .categorical(CategoricalDistribution.single)
    }
}

extension CategoricalDistribution {
    /// A one-choice categorical, the generators' fallback.
    static let single = (try? CategoricalDistribution(choices: ["only"]))!
}

/// Every distribution round-trips between its internal and external representation, and maps
/// into the unit interval.
@Test func everyDistributionRoundTripsInternalAndExternalValues() async {
    await propertyCheck(count: 1000, input: RandomDistributions.any, Gen.double(in: 0...1)) { distribution, u in
        let raw = distribution.internalValue(fromUnit: u)
        #expect(raw.isFinite, "\(distribution.summary) at \(u)")
        let value = distribution.externalValue(raw)
        let back = distribution.internalValue(of: value)
        #expect(back != nil, "\(value) is not in \(distribution.summary)")
        if let back { #expect(distribution.externalValue(back) == value, "\(distribution.summary): \(value)") }
        let unit = distribution.unit(ofInternal: raw)
        #expect(unit >= 0 && unit <= 1, "\(distribution.summary): unit \(unit)")
        if let single = distribution.singleValue { #expect(value.sameChoice(as: single), "\(distribution.summary)") }
    }
}
