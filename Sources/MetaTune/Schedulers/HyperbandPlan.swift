import Foundation

/// The brackets of Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar 2018): each bracket
/// is one run of successive halving that starts `n` configurations at resource `r` and keeps the
/// best 1/η at every rung, η times the resource each time, up to the maximum resource R.
///
/// With resources measured from `minResource` up to `maxResource`, s_max = ⌊log_η(R/r_min)⌋ and
/// B = (s_max + 1)·R; bracket s (s = s_max … 0) starts n = ⌈(B/R)·η^s/(s + 1)⌉ configurations at
/// r = R·η^(−s), and its rung i holds ⌊n·η^(−i)⌋ configurations at resource r·η^i.
public struct HyperbandPlan: Sendable, Equatable {
    /// One rung of a bracket: how many configurations run, and to what resource.
    public struct Rung: Sendable, Equatable {
        public let configurations: Int
        public let resource: Double
    }

    /// One successive-halving bracket.
    public struct Bracket: Sendable, Equatable {
        /// s: the number of halvings.
        public let index: Int
        public let rungs: [Rung]
    }

    public let minResource: Double
    public let maxResource: Double
    public let reductionFactor: Double
    /// Brackets from the most aggressive (s = s_max) to plain full-budget evaluation (s = 0).
    public let brackets: [Bracket]

    public init(minResource: Double, maxResource: Double, reductionFactor: Double = 3) throws {
        _ = try RungLadder(minResource: minResource, reductionFactor: reductionFactor, maxResource: maxResource)
        self.minResource = minResource
        self.maxResource = maxResource
        self.reductionFactor = reductionFactor
        let eta = reductionFactor
        // ⌊log_η(R/r_min)⌋, nudged so that exact powers are not lost to rounding.
        let sMax = Int((log(maxResource / minResource) / log(eta) + 1e-9).rounded(.down))
        let budget = Double(sMax + 1) * maxResource
        brackets = try (0...sMax).reversed().map { s in
            let n = Int((budget / maxResource * pow(eta, Double(s)) / Double(s + 1) - 1e-9).rounded(.up))
            // The bracket's rungs: a ladder from r = R·η^(−s), so that its top rung is R.
            let ladder = try RungLadder(minResource: maxResource * pow(eta, -Double(s)), reductionFactor: eta)
            let rungs = (0...s).map { i in
                Rung(configurations: Int((Double(n) * pow(eta, -Double(i)) + 1e-9).rounded(.down)), resource: ladder.resource(ofRung: i))
            }
            return Bracket(index: s, rungs: rungs)
        }
    }

    /// The total resource one pass over every bracket spends (each rung's configurations × its
    /// resource, counting a promoted configuration's earlier resource once when it resumes).
    public func totalResource(resuming: Bool) -> Double {
        brackets.reduce(0) { total, bracket in
            var previous = 0.0
            return total + bracket.rungs.reduce(0) { sum, rung in
                defer { previous = rung.resource }
                return sum + Double(rung.configurations) * (resuming ? rung.resource - previous : rung.resource)
            }
        }
    }
}
