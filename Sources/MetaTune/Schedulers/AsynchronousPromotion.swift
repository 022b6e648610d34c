import Foundation

/// The promotion rule of asynchronous successive halving (ASHA; Li, Jamieson, Rostamizadeh et al.
/// 2020): rung k holds the configurations that reached resource r_min·η^(k+s), s the minimum
/// early-stopping rate; a configuration of rung k may go on to rung k + 1 as soon as it ranks in
/// the top ⌊|rung k|/η⌋ of its rung and has not been promoted yet. No rung waits to fill, so
/// workers never idle; decisions only get better as rungs grow.
public struct AsynchronousPromotion: Sendable, Equatable {
    public let minResource: Double
    public let maxResource: Double
    public let reductionFactor: Double
    /// s: rungs start at r_min·η^s.
    public let minEarlyStoppingRate: Int

    /// The rungs (shared with the successive-halving pruner and Hyperband), capped at the maximum.
    public let ladder: RungLadder

    public init(minResource: Double, maxResource: Double, reductionFactor: Double = 3, minEarlyStoppingRate: Int = 0) throws {
        ladder = try RungLadder(minResource: minResource, reductionFactor: reductionFactor,
                                minEarlyStoppingRate: minEarlyStoppingRate, maxResource: maxResource)
        self.minResource = minResource
        self.maxResource = maxResource
        self.reductionFactor = reductionFactor
        self.minEarlyStoppingRate = minEarlyStoppingRate
    }

    /// The resource of rung k, capped at the maximum resource.
    public func resource(ofRung k: Int) -> Double { ladder.resource(ofRung: k) }

    /// The highest rung: the first whose resource reaches the maximum.
    public var topRung: Int { ladder.topRung }

    /// Whether the configuration `candidate` (an index into `scores`, which hold every result of
    /// rung k, larger is better) ranks in the top ⌊n/η⌋ of its rung. Whether it was promoted
    /// already is the caller's to know (`AsynchronousHyperband` asks only about paused trials).
    public func canPromote(_ candidate: Int, scores: [Double]) -> Bool {
        guard scores.indices.contains(candidate) else { return false }
        let slots = Int((Double(scores.count) / reductionFactor + 1e-9).rounded(.down))
        guard slots > 0 else { return false }
        // Ties rank by index (earlier first), so the order is total.
        let rank = scores.indices.filter { scores[$0] > scores[candidate] || (scores[$0] == scores[candidate] && $0 < candidate) }.count
        return rank < slots
    }
}
