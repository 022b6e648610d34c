import Foundation
import MetaTune

/// Progress of `metatune run`: a live line (trial i/N of the study, best so far, elapsed, ETA;
/// under a scheduler also the resource used against the full-budget equivalent), or with
/// `--json` one JSON line per finished trial.
final class RunProgress: @unchecked Sendable {
    private let study: Study
    private let total: Int
    private let json: Bool
    private let line: ProgressLine
    private let best: BestTracker
    private let lock = NSLock()
    private var resourceMeter: ResourceMeter?
    /// The states of the trials this run finished.
    private var finishedHere: [TrialState] = []

    init(study: Study, total: Int, showProgress: Bool, json: Bool, totalIsCap: Bool = false) {
        self.study = study
        self.total = total
        self.json = json
        line = ProgressLine(enabled: showProgress, total: total, label: "trial", showsTotal: !totalIsCap)
        best = BestTracker(direction: study.direction)
    }

    /// Under a scheduler: count the resource (one unit per learning-curve step) of the trials
    /// numbered from `firstTrial` on against `maxResource` per trial.
    func meterResource(firstTrial: Int, maxResource: Int, unit: String, budget: Int? = nil) {
        lock.withLock { resourceMeter = ResourceMeter(firstTrial: firstTrial, maxResource: maxResource, unit: unit, budget: budget) }
    }

    func start() {
        guard let history = try? study.history() else { return }
        lock.withLock {
            for trial in history.trials where trial.state == .complete { _ = best.offer(trial.value!) }
            line.update(done: history.trials.filter { $0.state.isFinished }.count, best: best.best)
        }
    }

    func finished(_ trial: FrozenTrial) {
        let trials = (try? study.history().trials) ?? []
        let done = trials.filter { $0.state.isFinished }.count
        lock.withLock {
            finishedHere.append(trial.state)
            if trial.state == .complete { _ = best.offer(trial.value!) }
            if json {
                print(TrialReport.json(trial))
                fflush(nil)
            }
            let resource = resourceMeter?.measure(trials)
            line.update(done: done, best: best.best, detail: resource?.detail, fraction: resource?.shareOfBudget)
        }
    }

    func end() {
        line.finish()
    }

    func printSummary() {
        guard let history = try? study.history() else { return }
        print("study '\(study.name)': \(history.trials.count) trials (\(Self.counts(history.trials.map(\.state))))")
        if let bestTrial = history.bestTrial {
            print("best value \(bestTrial.value!) at trial \(bestTrial.number):")
            TrialReport.printParams(bestTrial.params)
        }
    }

    /// Exits with status 1 and one line on standard error when the run has no result: none of
    /// the trials it finished completed (unless they were pruned while the study holds complete
    /// trials of other runners) or, having had nothing left to run, the study holds no complete
    /// trial either.
    func exitUnlessATrialCompleted() {
        let states = lock.withLock { finishedHere }
        guard !states.contains(.complete) else { return }
        let trials = (try? study.history().trials) ?? []
        let studyCompleted = trials.contains { $0.state == .complete }
        // Trials that a pruner or a scheduler stopped early are a normal outcome when other
        // runners of the same study brought trials to completion.
        if !states.isEmpty && !(studyCompleted && states.contains(.pruned)) {
            fail("this run finished \(states.count) trial\(states.count == 1 ? "" : "s") (\(Self.counts(states)))")
        }
        guard !studyCompleted else { return }
        fail("study '\(study.name)' holds \(trials.count) trial\(trials.count == 1 ? "" : "s") (\(Self.counts(trials.map(\.state))))")
    }

    private func fail(_ detail: String) -> Never {
        FileHandle.standardError.write(Data("error: no trial completed: \(detail)\n".utf8))
        Foundation.exit(1)
    }

    /// "3 complete, 1 failed": how many trials are in each state, in the states' order.
    private static func counts(_ states: [TrialState]) -> String {
        TrialState.allCases.compactMap { state -> String? in
            let count = states.filter { $0 == state }.count
            return count > 0 ? "\(count) \(state.rawValue)" : nil
        }.joined(separator: ", ")
    }
}

/// The resource a scheduled run has used so far: one unit per learning-curve step of its trials,
/// against the maximum resource for every trial it started (and the run's budget, if any).
struct ResourceMeter {
    let firstTrial: Int
    let maxResource: Int
    let unit: String
    let budget: Int?

    /// The progress detail ("epochs 46/180 at full budget") and how much of the budget is used
    /// (nil without one: what the ETA goes by under a budget).
    func measure(_ trials: [FrozenTrial]) -> (detail: String, shareOfBudget: Double?) {
        let mine = trials.filter { $0.number >= firstTrial }
        let used = mine.reduce(0) { $0 + $1.intermediateValues.count }
        let detail = "\(unit) \(used)/\(mine.count * maxResource) at full budget" + (budget.map { " (budget \($0))" } ?? "")
        return (detail, budget.flatMap { $0 > 0 ? min(1, Double(used) / Double($0)) : nil })
    }
}
