import Foundation
import MetaTuneNumerics

/// A complete trial as CMA-ES replays it: its number, its point in the unit cube and its loss.
struct CMAObservation {
    let index: Int
    let number: Int
    let point: [Double]
    let loss: Double
}

/// The memoised replay of one study's CMA-ES run in one joint space: the startup trials and, per
/// generation, its members and the run after it. A new history reuses the longest prefix of
/// generations whose members are unchanged, so each ask only replays new generations (and a
/// trial finishing out of number order only invalidates the generations after it).
final class CMAReplay: @unchecked Sendable {
    private let lock = NSLock()
    private var startup: [Int]?
    private var initial: CMARun?
    private var generations: [(members: [Int], after: CMARun)] = []

    /// The run after every complete generation of `observations` (in number order), the first
    /// `startupCount` of which only seed the run; `tell` updates a run with one generation.
    func run(observations: [CMAObservation], startupCount: Int, makeInitial: ([CMAObservation]) -> CMARun,
             tell: (inout CMARun, ArraySlice<CMAObservation>) -> Void) -> CMARun {
        lock.lock()
        defer { lock.unlock() }
        let startupNumbers = observations.prefix(startupCount).map(\.number)
        if startup != startupNumbers || initial == nil {
            startup = startupNumbers
            initial = makeInitial(Array(observations.prefix(startupCount)))
            generations = []
        }
        var run = initial!
        var position = startupCount
        var generation = 0
        while position + run.state.lambda <= observations.count {
            let members = observations[position..<(position + run.state.lambda)]
            let numbers = members.map(\.number)
            if generation < generations.count, generations[generation].members == numbers {
                run = generations[generation].after
            } else {
                generations.removeSubrange(generation...)
                tell(&run, members)
                generations.append((numbers, run))
            }
            position += numbers.count
            generation += 1
        }
        return run
    }
}

/// The replays of one `Study` object's histories, by joint space; forgotten when the history comes
/// from another study.
final class CMAReplayCache: @unchecked Sendable {
    private let lock = NSLock()
    private var currentKey = ""
    private var replays: [[SpaceAxis]: CMAReplay] = [:]

    func replay(for axes: [SpaceAxis], history: StudyHistory) -> CMAReplay {
        lock.lock()
        defer { lock.unlock() }
        if history.cacheKey != currentKey {
            currentKey = history.cacheKey
            replays = [:]
        }
        if let replay = replays[axes] { return replay }
        let replay = CMAReplay()
        replays[axes] = replay
        return replay
    }
}
