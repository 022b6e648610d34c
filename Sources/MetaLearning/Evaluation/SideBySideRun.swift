import Foundation
import MetaTune

/// Tunes one objective with several samplers side by side, trial by trial (each sampler its own
/// in-memory study), keeping each one's best value so far: what `meta compare` shows for a
/// cold-start GP against a meta-learning method.
public struct SideBySideRun {
    /// The best value so far of each sampler after each round (a round is one trial of each).
    public private(set) var bests: [[Double]]
    public let names: [String]
    /// Rounds run so far.
    public private(set) var rounds = 0
    private let studies: [Study]
    private let space: SearchSpace
    private let direction: StudyDirection

    /// `samplers`: a name and a sampler each.
    public init(samplers: [(name: String, sampler: Sampler)], space: SearchSpace, direction: StudyDirection) throws {
        names = samplers.map(\.name)
        studies = try samplers.map { try Study.create(name: $0.name, direction: direction, sampler: $0.sampler) }
        bests = Array(repeating: [], count: samplers.count)
        self.space = space
        self.direction = direction
    }

    /// Runs one round: a trial of each sampler's study. A trial whose objective throws or returns
    /// a value that is not finite is failed with the reason and leaves that sampler's best as it was.
    /// Returns each sampler's best so far (nil before its first complete trial).
    @discardableResult
    public mutating func round(_ objective: (Trial) throws -> Double) throws -> [Double?] {
        for (index, study) in studies.enumerated() {
            let trial = try study.ask(space: space)
            do {
                _ = try study.tell(trial, value: try objective(trial))
            } catch let error as StorageError {
                throw error
            } catch {
                try study.tell(trial, state: .failed, reason: "\(error)")
            }
            if let value = try study.bestValue { bests[index].append(value) }
        }
        rounds += 1
        return bests.map(\.last)
    }

    /// For each sampler, the first round (1-based) at which its best came within `gap` of the best
    /// final value of all samplers (nil: never).
    public func roundsToTarget(gap: Double) -> [Int?] {
        let finals = bests.compactMap(\.last)
        guard let overall = direction == .maximize ? finals.max() : finals.min() else { return bests.map { _ in nil } }
        let target = direction == .maximize ? overall - gap : overall + gap
        return bests.map { curve in
            let skipped = rounds - curve.count  // rounds before the first complete trial
            return curve.firstIndex { direction == .maximize ? $0 >= target : $0 <= target }.map { $0 + 1 + skipped }
        }
    }
}
