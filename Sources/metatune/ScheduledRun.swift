import Foundation
import MetaTune

/// Runs the trials of `tune` or `run` under `--scheduler`, with progress (trials, best value,
/// resource used against the full-budget equivalent) and a closing summary of the resource spent.
struct ScheduledRun {
    let options: SchedulerOptions
    let maxResource: Int
    /// What the resource counts: "epochs" or "steps".
    let unit: String
    let concurrency: Int
    let seed: UInt64
    let quiet: Bool
    let json: Bool
    /// Seconds between heartbeats of this process's running (and paused) trials.
    var heartbeatInterval: TimeInterval = 15

    private var talks: Bool { !quiet && !json }

    /// Runs `trials` new trials (sha, hyperband, bohb: rounded up to whole brackets; pbt: the
    /// population) and returns whether the run was interrupted. Errors, and a run in which no trial
    /// completed, end the process.
    func execute<Objective: PopulationObjective>(study: Study, objective: Objective, trials: Int, stopped: StopFlag) -> Bool {
        let started = (try? study.trials.count) ?? 0
        let usage: SchedulerUsage
        var progress: RunProgress?
        // Paused trials stay running between rungs: keep them from looking orphaned to other hosts.
        let heartbeat = study.keepOwnedTrialsAlive(interval: heartbeatInterval)
        defer { heartbeat.stop() }
        do {
            let (planned, run) = try prepare(objective: objective, trials: trials, stopped: stopped)
            // Under ASHA with a budget the budget, not --trials, decides how many trials start.
            let meter = RunProgress(study: study, total: started + planned, showProgress: talks, json: json,
                                    totalIsCap: options.scheduler == "asha" && options.budget != nil)
            meter.meterResource(firstTrial: started, maxResource: maxResource, unit: unit, budget: options.budget)
            meter.start()
            progress = meter
            usage = try run(study) { meter.finished($0) }
        } catch {
            progress?.end()
            failClearly(error)
        }
        progress?.end()
        let share = usage.fullBudgetEquivalent > 0 ? 100 * Double(usage.resource) / Double(usage.fullBudgetEquivalent) : 0
        say(String(format: "resource: %d %@ for %d trials; at the full %d %@ each they would take %d (%.0f %%)",
                   usage.resource, unit, usage.trialsStarted, maxResource, unit, usage.fullBudgetEquivalent, share))
        if !json && !stopped.isRaised {
            progress?.printSummary()
            printFinalHyperparameters(of: try? study.bestTrial)
        }
        if !stopped.isRaised { progress?.exitUnlessATrialCompleted() }
        return stopped.isRaised
    }

    /// Under PBT the best trial's parameters are where it started; shows where it ended.
    private func printFinalHyperparameters(of trial: FrozenTrial?) {
        guard let trial, case .array(let events)? = trial.userAttributes[PopulationBasedTraining.historyKey],
              let last = events.last, case .object(let params)? = last["params"] else { return }
        let steps = events.compactMap { $0["resource"]?.doubleValue }.map { String(Int($0)) }
        print("its hyperparameters changed during training (copied and perturbed at \(unit) \(steps.joined(separator: ", "))); at the end:")
        let values = params.compactMapValues(ParamValue.init(json:)).compactMap { name, value -> (String, ParamValue)? in
            guard let distribution = trial.distributions[name], let raw = distribution.internalValue(of: value) else { return nil }
            return (name, distribution.externalValue(raw))
        }
        TrialReport.printParams(Dictionary(uniqueKeysWithValues: values))
    }

    /// The number of trials the scheduler will start, and the run itself.
    private func prepare<Objective: PopulationObjective>(objective: Objective, trials: Int, stopped: StopFlag) throws
        -> (Int, (Study, @escaping (FrozenTrial) -> Void) throws -> SchedulerUsage) {
        let stop: @Sendable () -> Bool = { stopped.isRaised }
        switch options.scheduler {
        case "sha", "hyperband", "bohb":
            let plan = try HyperbandPlan(minResource: Double(options.minResource), maxResource: Double(maxResource),
                                         reductionFactor: options.reductionFactor)
            let hyperband = SynchronousHyperband(plan: plan, successiveHalvingOnly: options.scheduler == "sha")
            let chosen = hyperband.bracketsToRun(trials: trials, budget: options.budget, objective: objective)
            if chosen.isEmpty, let budget = options.budget {
                let first = hyperband.cost(of: hyperband.brackets[0], objective: objective)
                throw StudyError.invalidArgument("--budget \(budget) is less than the first bracket's \(first) \(unit)")
            }
            let planned = chosen.reduce(0) { $0 + ($1.rungs.first?.configurations ?? 0) }
            let plannedResource = chosen.reduce(0) { $0 + hyperband.cost(of: $1, objective: objective) }
            let bracketsRun = chosen.count
            let shapes = hyperband.brackets.map { $0.rungs.map { "\($0.configurations)×\(Int($0.resource.rounded()))" }.joined(separator: " → ") }
            say("\(options.scheduler): brackets (trials × \(unit)): \(shapes.joined(separator: "; ")); running \(bracketsRun) bracket\(bracketsRun == 1 ? "" : "s"), \(planned) trials, \(plannedResource) \(unit)")
            return (planned, { study, finished in
                try hyperband.run(study: study, objective: objective, trials: planned, budget: options.budget,
                                  concurrency: concurrency, stop: stop, onTrialFinished: finished)
            })
        case "asha":
            let promotion = try AsynchronousPromotion(minResource: Double(options.minResource), maxResource: Double(maxResource),
                                                      reductionFactor: options.reductionFactor)
            let rungs = (0...promotion.topRung).map { String(Int(promotion.resource(ofRung: $0).rounded())) }
            let budget = options.budget.map { ", within a budget of \($0) \(unit)" } ?? ""
            say("asha: rungs at \(rungs.joined(separator: ", ")) \(unit); \(trials) new trials at most\(budget), \(concurrency) at a time")
            let asha = AsynchronousHyperband(promotion: promotion)
            return (trials, { study, finished in
                try asha.run(study: study, objective: objective, trials: trials, budget: options.budget, concurrency: concurrency,
                             stop: stop, onTrialFinished: finished)
            })
        case "pbt":
            var pbtOptions = PopulationBasedTraining.Options(interval: options.interval(maxResource: maxResource), maxResource: maxResource)
            pbtOptions.seed = seed
            let pbt = try PopulationBasedTraining(options: pbtOptions)
            say("pbt: a population of \(trials), ranked every \(pbtOptions.interval) \(unit) up to \(maxResource); the bottom quarter copies the top quarter and perturbs its mutable parameters")
            return (trials, { study, finished in
                try pbt.run(study: study, objective: objective, population: trials, concurrency: concurrency, stop: stop, onTrialFinished: finished)
            })
        default:
            throw StudyError.invalidArgument("unknown scheduler '\(options.scheduler)'")
        }
    }

    private func say(_ text: String) {
        if talks { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }
}
