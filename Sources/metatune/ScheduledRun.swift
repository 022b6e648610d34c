import Foundation
import MetaTune

/// Runs the trials of `tune` or `run` under `--scheduler`, with progress (trials, best value,
/// resource used against the full-budget equivalent) and a closing summary of the resource spent.
struct ScheduledRun {
    let settings: SchedulerSettings
    /// What the resource counts: "epochs" or "steps".
    let unit: String
    let concurrency: Int
    let quiet: Bool
    let json: Bool
    /// Seconds between heartbeats of this process's running (and paused) trials.
    var heartbeatInterval: TimeInterval = 15

    private var talks: Bool { !quiet && !json }

    /// Runs `trials` new trials (sha, hyperband, bohb: rounded up to whole brackets; pbt: the
    /// population) and returns whether the run was interrupted. Errors, and a run in which no trial
    /// completed, end the process.
    func execute<Objective: PopulationObjective>(study: Study, objective: Objective, trials: Int, stopped: StopFlag,
                                                 options: SchedulerOptions) -> Bool {
        let started = (try? study.trials.count) ?? 0
        let usage: SchedulerUsage
        var progress: RunProgress?
        // Paused trials stay running between rungs: keep them from looking orphaned to other hosts.
        let heartbeat = study.keepOwnedTrialsAlive(interval: heartbeatInterval)
        defer { heartbeat.stop() }
        do {
            let scheduler = try settings.makeScheduler()
            let plan: SchedulerPlan
            do {
                plan = try scheduler.plan(trials: trials, budget: settings.budget, objective: objective, unit: unit)
            } catch let error as SchedulerSettingsError {
                throw StudyError.invalidArgument(options.message(for: error, maxResourceOption: ""))
            }
            say("\(settings.kind.rawValue): \(plan.summary)")
            let meter = RunProgress(study: study, total: started + plan.trials, showProgress: talks, json: json,
                                    totalIsCap: plan.budgetDecidesTrials)
            meter.meterResource(firstTrial: started, maxResource: settings.maxResource, unit: unit, budget: settings.budget)
            meter.start()
            progress = meter
            usage = try scheduler.run(study: study, objective: objective, plan: plan, concurrency: concurrency,
                                      stop: { stopped.isRaised }, onTrialFinished: { meter.finished($0) })
        } catch {
            progress?.end()
            failClearly(error)
        }
        progress?.end()
        let share = usage.fullBudgetEquivalent > 0 ? 100 * Double(usage.resource) / Double(usage.fullBudgetEquivalent) : 0
        say(String(format: "resource: %d %@ for %d trials; at the full %d %@ each they would take %d (%.0f %%)",
                   usage.resource, unit, usage.trialsStarted, settings.maxResource, unit, usage.fullBudgetEquivalent, share))
        if !json && !stopped.isRaised {
            progress?.printSummary()
            printFinalHyperparameters(of: try? study.bestTrial)
        }
        if !stopped.isRaised { progress?.exitUnlessATrialCompleted() }
        return stopped.isRaised
    }

    /// Under PBT the best trial's parameters are where it started; shows where it ended.
    private func printFinalHyperparameters(of trial: FrozenTrial?) {
        guard let trial, let final = PopulationBasedTraining.finalParams(of: trial) else { return }
        let steps = final.changedAt.map(String.init).joined(separator: ", ")
        print("its hyperparameters changed during training (copied and perturbed at \(unit) \(steps)); at the end:")
        TrialReport.printParams(final.params)
    }

    private func say(_ text: String) {
        if talks { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }
}
