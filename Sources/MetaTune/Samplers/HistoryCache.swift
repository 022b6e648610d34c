import Foundation

/// Memoises what samplers derive from finished trials, which never change: the intersection
/// search space and each trial's point in a given joint space. Keeps `ask` fast on long studies
/// (no re-hashing of every trial's parameters on every ask) without giving up the sampler's
/// pure-function contract: the cache only ever returns what would be recomputed.
final class HistoryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var currentKey = ""
    private var intersectionSeen = Set<Int>()
    private var intersection: [String: Distribution]?
    private var pointsBySpace: [[SpaceAxis]: PointTable] = [:]
    /// Whether pruned trials and trials a scheduler paused count towards the intersection search
    /// space too (for samplers that model them, as TPE does), not only complete ones.
    private let intersectionIncludesPartial: Bool

    init(intersectionIncludesPartial: Bool = false) {
        self.intersectionIncludesPartial = intersectionIncludesPartial
    }

    /// The parameters (with identical distributions) shared by every complete trial (and, with
    /// `intersectionIncludesPartial`, every pruned or paused one).
    func intersectionSearchSpace(of history: StudyHistory) -> [String: Distribution] {
        lock.lock()
        defer { lock.unlock() }
        reset(for: history)
        for index in history.trials.indices where !intersectionSeen.contains(index) {
            let state = history.trials[index].state
            guard state == .complete
                || (intersectionIncludesPartial && (state == .pruned || history.trials[index].isPausedByScheduler)) else { continue }
            let trial = history.trials[index]
            intersectionSeen.insert(trial.number)
            if var current = intersection {
                for (name, distribution) in current where trial.distributions[name] != distribution {
                    current[name] = nil
                }
                intersection = current
            } else {
                intersection = trial.distributions
            }
        }
        return intersection ?? [:]
    }

    /// The memo of trial points in the joint space with these axes (in this order).
    func pointTable(spaceKey: [SpaceAxis], history: StudyHistory) -> PointTable {
        lock.lock()
        defer { lock.unlock() }
        reset(for: history)
        if let table = pointsBySpace[spaceKey] { return table }
        let table = PointTable()
        pointsBySpace[spaceKey] = table
        return table
    }

    /// Forgets everything when the history comes from another study (call with the lock held).
    private func reset(for history: StudyHistory) {
        guard history.cacheKey != currentKey else { return }
        currentKey = history.cacheKey
        intersectionSeen = []
        intersection = nil
        pointsBySpace = [:]
    }
}

/// Points of finished trials in one joint space, by trial number (nil: the trial lacks an axis).
final class PointTable: @unchecked Sendable {
    private let lock = NSLock()
    private var points: [[Double]??] = []

    /// The point of trial `number`, computed with `make` (and remembered if the trial has finished).
    func point(number: Int, finished: Bool, make: () -> [Double]?) -> [Double]? {
        guard finished else { return make() }
        lock.lock()
        if number < points.count, let cached = points[number] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let point = make()
        lock.lock()
        while points.count <= number { points.append(nil) }
        points[number] = .some(point)
        lock.unlock()
        return point
    }
}

/// One axis of a joint space, as a cache key.
struct SpaceAxis: Hashable {
    let name: String
    let distribution: Distribution
}
