/// The observations of a TPE step, split into the better group ("below") and the rest ("above"),
/// each in trial-number order, as points in the estimators' space.
///
/// Ranking: complete trials by loss; then pruned trials, further-trained first and, at the same
/// step, by their last intermediate value; then (with the constant liar) running trials.
/// A trial is used only if it has every axis with the same distribution.
struct TPESplit {
    private(set) var below: [[Double]] = []
    private(set) var above: [[Double]] = []

    var observationCount: Int { below.count + above.count }

    init(history: StudyHistory, axes: [TPEAxis], excluding current: Int, constantLiar: Bool, gamma: (Int) -> Int) {
        struct Ranked {
            let number: Int
            let tier: Int
            let key1: Double
            let key2: Double
            let point: [Double]
        }
        var ranked: [Ranked] = []
        ranked.reserveCapacity(history.trials.count)
        let direction = history.direction
        for trial in history.trials where trial.number != current {
            let tier: Int
            var key1 = 0.0, key2 = 0.0
            switch trial.state {
            case .complete:
                tier = 0
                key1 = direction.loss(trial.value!)
            case .pruned:
                tier = 1
                if let last = trial.lastIntermediate {
                    key1 = -Double(last.step)
                    key2 = last.value.isNaN ? .infinity : direction.loss(last.value)
                } else {
                    key1 = .infinity
                }
            case .running where constantLiar:
                tier = 2
            default:
                continue
            }
            guard let point = Self.point(of: trial, axes: axes) else { continue }
            ranked.append(Ranked(number: trial.number, tier: tier, key1: key1, key2: key2, point: point))
        }
        // Running trials never join the better group, so gamma counts finished trials only.
        let finished = ranked.filter { $0.tier < 2 }.count
        let belowCount = min(gamma(finished), finished)
        ranked.sort { ($0.tier, $0.key1, $0.key2, $0.number) < ($1.tier, $1.key1, $1.key2, $1.number) }
        let belowGroup = ranked[..<belowCount].sorted { $0.number < $1.number }
        let aboveGroup = ranked[belowCount...].sorted { $0.number < $1.number }
        below = belowGroup.map(\.point)
        above = aboveGroup.map(\.point)
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
