/// The observations of a TPE step, split into the better group ("below") and the rest ("above"),
/// each in trial-number order, as points in the estimators' space.
///
/// Ranking: complete trials by loss; then pruned trials (and trials a scheduler paused between
/// rungs), further-trained first and, at the same step, by their last intermediate value; then
/// (with the constant liar) other running trials, which never join the better group. A trial is used only if it has every axis with the same
/// distribution.
struct TPESplit {
    private(set) var below: [[Double]] = []
    private(set) var above: [[Double]] = []

    var observationCount: Int { below.count + above.count }

    /// Sort key of one usable trial (smaller is better).
    private struct Rank: Comparable {
        let tier: Int
        let key1: Double
        let key2: Double
        let number: Int

        static func < (a: Rank, b: Rank) -> Bool {
            (a.tier, a.key1, a.key2, a.number) < (b.tier, b.key1, b.key2, b.number)
        }
    }

    init(history: StudyHistory, axes: [TPEAxis], excluding current: Int, constantLiar: Bool, gamma: (Int) -> Int,
         cache: HistoryCache) {
        let direction = history.direction
        let spaceKey = axes.map { SpaceAxis(name: $0.name, distribution: $0.distribution) }
        let table = cache.pointTable(spaceKey: spaceKey, history: history)
        var ranks: [Rank] = []
        var points: [[Double]] = []
        ranks.reserveCapacity(history.trials.count)
        points.reserveCapacity(history.trials.count)
        let trials = history.trials
        for index in trials.indices where trials[index].number != current {
            let number = trials[index].number
            let rank: Rank
            // A trial a scheduler paused between rungs ranks as if pruned where it stands (the state
            // is checked first: most trials are finished, and this loop runs on every ask).
            let state = trials[index].state
            switch state == .running && trials[index].isPausedByScheduler ? .pruned : state {
            case .complete:
                rank = Rank(tier: 0, key1: direction.loss(trials[index].value!), key2: 0, number: number)
            case .pruned:
                if let last = trials[index].lastIntermediate {
                    rank = Rank(tier: 1, key1: -Double(last.step),
                                key2: last.value.isNaN ? .infinity : direction.loss(last.value), number: number)
                } else {
                    rank = Rank(tier: 1, key1: .infinity, key2: 0, number: number)
                }
            case .running where constantLiar:
                rank = Rank(tier: 2, key1: 0, key2: 0, number: number)
            default:
                continue
            }
            guard let point = table.point(number: number, finished: trials[index].state.isFinished,
                                          make: { Self.point(of: trials[index], axes: axes) }) else { continue }
            ranks.append(rank)
            points.append(point)
        }
        let finished = ranks.reduce(0) { $0 + ($1.tier < 2 ? 1 : 0) }
        let belowCount = min(gamma(finished), finished)
        // The `belowCount` best ranks (a small selection, not a full sort).
        var best: [Int] = []
        best.reserveCapacity(belowCount + 1)
        if belowCount > 0 {
            for i in ranks.indices {
                if best.count == belowCount, !(ranks[i] < ranks[best[belowCount - 1]]) { continue }
                var position = best.count
                while position > 0 && ranks[i] < ranks[best[position - 1]] { position -= 1 }
                best.insert(i, at: position)
                if best.count > belowCount { best.removeLast() }
            }
        }
        var isBelow = [Bool](repeating: false, count: ranks.count)
        for i in best { isBelow[i] = true }
        // `ranks` and `points` are in trial-number order already.
        for i in points.indices {
            if isBelow[i] { below.append(points[i]) } else { above.append(points[i]) }
        }
    }

    private static func point(of trial: FrozenTrial, axes: [TPEAxis]) -> [Double]? {
        var point = [Double](repeating: 0, count: axes.count)
        for (a, axis) in axes.enumerated() {
            guard trial.distributions[axis.name] == axis.distribution,
                  let raw = trial.internalValue(of: axis.name) else { return nil }
            point[a] = axis.transform(raw)
        }
        return point
    }
}
