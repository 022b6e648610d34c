import Foundation
import MetaTune

/// What `tune` and `run` print about a `StudyRunner` run: under a scheduler its plan; a live
/// progress line (trial i/N of the study, best so far, elapsed, ETA; under a scheduler also the
/// resource used against the full-budget equivalent) or, with `--json`, one JSON line per finished
/// trial; the trials dead workers left running; and at the end the resource spent, the study's
/// summary and best trial — or the reason the run has no result.
final class RunReporter: StudyRunObserver, @unchecked Sendable {
    private let study: Study
    private let json: Bool
    private let showProgress: Bool
    private let quiet: Bool
    /// Under a scheduler: its settings and what the resource counts ("epochs", "steps").
    private let scheduler: (settings: SchedulerSettings, unit: String)?
    private let lock = NSLock()
    private var line: ProgressLine?
    private var best: BestTracker
    private var resourceMeter: ResourceMeter?
    /// Trials of the study finished so far, and how many the run will have at the end.
    private var finished = 0, expectedTotal = 0

    init(study: Study, quiet: Bool, json: Bool, scheduler: (settings: SchedulerSettings, unit: String)? = nil) {
        self.study = study
        self.json = json
        self.quiet = quiet
        self.showProgress = !quiet && !json
        self.scheduler = scheduler
        best = BestTracker(direction: study.direction)
    }

    func orphanFailed(_ trial: FrozenTrial) {
        note("trial \(trial.number) was left running by a dead worker: marked failed (\(Study.heartbeatLostReason))")
    }

    func runWillStart(_ start: StudyRunStart) {
        if let scheduler, let plan = start.plan { say("\(scheduler.settings.kind.rawValue): \(plan.summary)") }
        let history = (try? study.history().trials) ?? []
        lock.withLock {
            if let scheduler {
                resourceMeter = ResourceMeter(firstTrial: start.trialsBefore, maxResource: scheduler.settings.maxResource,
                                              unit: scheduler.unit, budget: scheduler.settings.budget)
            }
            let line = ProgressLine(enabled: showProgress, total: start.expectedTotal, label: "trial", showsTotal: !start.isCap)
            for trial in history where trial.state == .complete { _ = best.offer(trial.value ?? .nan) }
            finished = history.filter { $0.state.isFinished }.count
            expectedTotal = start.expectedTotal
            line.update(done: finished, best: best.best)
            self.line = line
        }
    }

    func trialFinished(_ trial: FrozenTrial) {
        let trials = (try? study.history().trials) ?? []
        let done = trials.filter { $0.state.isFinished }.count
        lock.withLock {
            finished = done
            if trial.state == .complete { _ = best.offer(trial.value ?? .nan) }
            if json {
                print(TrialReport.json(trial))
                fflush(nil)
            }
            let resource = resourceMeter?.measure(trials)
            line?.update(done: done, best: best.best, detail: resource?.detail, fraction: resource?.shareOfBudget)
        }
    }

    /// A trial finished an epoch: the progress line says so (a long trial otherwise shows nothing
    /// until it ends), and the ETA counts the epochs done.
    func epochFinished(trial: Int, epoch: Int, of epochs: Int, value: Double) {
        lock.withLock {
            guard resourceMeter == nil else { return }
            let share = expectedTotal > 0 ? (Double(finished) + Double(epoch) / Double(max(epochs, 1))) / Double(expectedTotal) : nil
            line?.update(done: finished, best: best.best, detail: "trial \(trial) epoch \(epoch)/\(epochs) \(String(format: "%.4g", value))",
                         fraction: share)
        }
    }

    /// Ends the progress line (also when the run threw).
    func endProgress() {
        lock.withLock { line?.finish() }
    }

    /// Prints the end of a run: the resource spent under a scheduler, then unless interrupted the
    /// study's summary and best trial. Exits 130 when interrupted (saying so with `interruption`)
    /// and 1 when the run has no result.
    func finish(_ outcome: StudyRunOutcome, interruption: String? = nil) {
        endProgress()
        if let scheduler, let usage = outcome.usage {
            let share = usage.fullBudgetEquivalent > 0 ? 100 * Double(usage.resource) / Double(usage.fullBudgetEquivalent) : 0
            let unit = scheduler.unit
            say(String(format: "resource: %d %@ for %d trials; at the full %d %@ each they would take %d (%.0f %%)",
                       usage.resource, unit, usage.trialsStarted, scheduler.settings.maxResource, unit, usage.fullBudgetEquivalent, share))
        }
        if outcome.interrupted {
            if let interruption { note(interruption) }
            Foundation.exit(130)
        }
        if !json { printSummary() }
        do {
            if let missing = try outcome.missingResult(in: study) {
                FileHandle.standardError.write(Data("error: no trial completed: \(missing)\n".utf8))
                Foundation.exit(1)
            }
        } catch {
            failClearly(error)
        }
    }

    private func printSummary() {
        guard let history = try? study.history() else { return }
        print("study '\(study.name)': \(history.trials.count) trials (\(TrialState.tally(history.trials.map(\.state))))")
        guard let bestTrial = history.bestTrial, let value = bestTrial.value else { return }
        print("best value \(value) at trial \(bestTrial.number):")
        TrialReport.printParams(bestTrial.params)
        // Under PBT the best trial's parameters are where it started; shows where it ended.
        if let final = PopulationBasedTraining.finalParams(of: bestTrial), let unit = scheduler?.unit {
            let steps = final.changedAt.map(String.init).joined(separator: ", ")
            print("its hyperparameters changed during training (copied and perturbed at \(unit) \(steps)); at the end:")
            TrialReport.printParams(final.params)
        }
    }

    /// A line on standard error unless quiet or printing JSON.
    private func say(_ text: String) {
        if showProgress { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    /// A line on standard error unless quiet.
    private func note(_ text: String) {
        if !quiet { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }
}
