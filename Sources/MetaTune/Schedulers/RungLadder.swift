import Foundation

/// The rungs of successive halving, shared by the successive-halving pruner, ASHA and every
/// Hyperband bracket: rung k sits at resource r_min·η^(k+s), s the minimum early-stopping rate,
/// capped at the maximum resource when there is one.
public struct RungLadder: Sendable, Equatable {
    public let minResource: Double
    public let reductionFactor: Double
    public let minEarlyStoppingRate: Int
    /// The resource no rung goes past (nil: the ladder is unbounded, as the pruner's is).
    public let maxResource: Double?

    /// Refuses a minimum resource that is not positive, a maximum below it, a reduction factor
    /// below 2 and a negative early-stopping rate; the errors name the values.
    public init(minResource: Double, reductionFactor: Double = 3, minEarlyStoppingRate: Int = 0,
                maxResource: Double? = nil) throws {
        guard minResource > 0, minResource.isFinite else {
            throw StudyError.invalidArgument("the minimum resource must be positive, got \(minResource)")
        }
        if let maxResource, !(maxResource.isFinite && maxResource >= minResource) {
            throw StudyError.invalidArgument("the resource range needs 0 < minimum resource ≤ maximum resource (got \(minResource) and \(maxResource))")
        }
        guard reductionFactor >= 2, reductionFactor.isFinite else {
            throw StudyError.invalidArgument("the reduction factor must be at least 2, got \(reductionFactor)")
        }
        guard minEarlyStoppingRate >= 0 else {
            throw StudyError.invalidArgument("the minimum early-stopping rate must be at least 0, got \(minEarlyStoppingRate)")
        }
        self.minResource = minResource
        self.reductionFactor = reductionFactor
        self.minEarlyStoppingRate = minEarlyStoppingRate
        self.maxResource = maxResource
    }

    /// The resource of rung k (k ≥ 0), capped at the maximum resource; infinity once it
    /// overflows an unbounded ladder.
    public func resource(ofRung k: Int) -> Double {
        let resource = minResource * pow(reductionFactor, Double(k + minEarlyStoppingRate))
        return maxResource.map { min(resource, $0) } ?? resource
    }

    /// The resource of rung k rounded to a whole step (saturating rather than overflowing).
    public func wholeResource(ofRung k: Int) -> Int {
        let resource = self.resource(ofRung: k).rounded()
        return resource < Double(Int.max) ? Int(resource) : Int.max
    }

    /// The highest rung of a bounded ladder: the first whose resource reaches the maximum
    /// (0 when the ladder is unbounded).
    public var topRung: Int {
        guard let maxResource else { return 0 }
        var k = 0
        while resource(ofRung: k) < maxResource { k += 1 }
        return k
    }
}
