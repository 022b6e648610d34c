import ArgumentParser
import Foundation
import MetaLearning
import MetaTune
import MetaTuneStorages
import MetaTuneExternal
import MetaTuneSQLite
import Neural

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Tune an external command: each trial runs it with the suggested parameters.",
        discussion: """
        Every {name} inside an argument becomes that parameter's value and {trial_number} the trial's number;
        parameters are also set as METATUNE_PARAM_<NAME> and the number as METATUNE_TRIAL. The command runs
        directly, never through a shell. It reports its value on standard output as a line {"value": x} or as a
        last bare number; lines {"step": k, "value": v} are its learning curve, used for pruning.
        --trials is the study's total: runners started on the same study (here or on other machines) stop once
        it holds that many trials, and running the same command again resumes.
        Example: metatune run --study lr --space space.yaml --trials 30 -- python3 train.py --lr {lr}

        With --scheduler (sha, hyperband, asha, bohb, pbt) the resource is the command's reported steps: {resource}
        is the number of steps to train up to (steps 0 … resource−1), and --trials is the number of new trials this
        runner starts (pbt: the population). Give {checkpoint} (a path to save the run's state to) and {restore}
        (the state to resume from, empty on a fresh start) so that promoted trials resume and pbt can copy a
        better trial; pbt perturbs the float parameters. Example:
        metatune run --study s --space space.yaml --trials 27 --scheduler asha --max-resource 27 -- \
            python3 train.py --lr {lr} --epochs {resource} --save {checkpoint} --load {restore}
        """
    )

    @Option(help: "The study's name (created if it does not exist).") var study: String
    @Option(help: "The search space, a YAML or JSON file.") var space: String
    @Option(parsing: .unconditional, help: "Total number of trials the study should hold; under a scheduler, the new trials to run (with --scheduler hyperband, asha or bohb and --budget it may be left out: the budget decides).")
    var trials: Int?

    /// `--trials`, or what `--budget` decides when it is left out.
    private var trialCount: Int { get throws { try schedule.trialCount(trials) } }
    @Option(help: "minimize or maximize (for a new study; must match an existing one).") var direction: StudyDirection?
    @Option(help: "Sampler.") var sampler: SamplerKind = .tpe
    @Option(help: "Pruner.") var pruner: PrunerKind = .none
    @OptionGroup var storage: StorageOption
    @Option(parsing: .unconditional, help: "Random seed of the sampler.", transform: NumberCheck.seed) var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Trials to run at once in this process.") var concurrency: Int = 1
    @OptionGroup var schedule: SchedulerOptions
    @Option(parsing: .unconditional, help: "With --scheduler: the most steps a trial trains for (the maximum resource).") var maxResource: Int?
    @Option(help: "With --scheduler: the folder checkpoints go to, each study's in its own study-ID-NAME inside (default: beside the SQLite storage, STORAGE.checkpoints/study-ID-NAME, removed with the study). Runners on several hosts need one they all share.") var checkpointDir: String?
    @Option(name: .customLong("trial-timeout"), parsing: .unconditional, help: "Seconds a trial may run before it is stopped and failed.")
    var trialTimeout: Double?
    @Option(name: .customLong("heartbeat-grace"), parsing: .unconditional, help: "Seconds without a heartbeat after which another host's running trial counts as dead.")
    var heartbeatGrace: Double = 60
    @Flag(name: .customLong("retry-failed"), help: "Enqueue the parameters of trials whose worker died again.")
    var retryFailed = false
    @Flag(help: "Print one JSON line per finished trial on standard output.") var json = false
    @Flag(help: "No progress output (the result is still printed).") var quiet = false
    @Option(help: "Meta-learning from past tasks (then GP; under a scheduler, the scheduler's sampler).")
    var meta: MetaMethod = .none
    @Option(help: "What --meta learns from (repeatable): a storage URL, a knowledge-base .json file or 'builtin' (default: every study of --storage).")
    var knowledge: [String] = []
    @Option(help: "A past task or study --meta must not learn from (repeatable).") var exclude: [String] = []
    @Option(help: "What the command's value measures, recorded on the study so that knowledge never mixes objectives (default: value).")
    var metric: String = "value"
    @Option(help: "The task's name, recorded on the study for later meta-learning (default: the study's name); --meta never learns from studies of the same task.")
    var task: String?
    @Option(help: "The command's training data (CSV with a 'label' column), for the task's meta-features: recorded for future tasks, and --meta weighs past tasks by them too.")
    var taskData: String?
    @Argument(parsing: .postTerminator, help: "The command to run, after '--'.") var command: [String] = []

    func validate() throws {
        try NumberCheck.positive(concurrency, "--concurrency")
        if let trialTimeout { try NumberCheck.positiveSeconds(trialTimeout, "--trial-timeout") }
        try NumberCheck.positiveSeconds(heartbeatGrace, "--heartbeat-grace")
        if let maxResource { try NumberCheck.positive(maxResource, "--max-resource") }
        guard !command.isEmpty else { throw UsageError("no command given: put the objective's command after '--'") }
        if let kind = schedule.kind {
            guard let maxResource else { throw UsageError("--scheduler \(kind.rawValue) needs --max-resource (the most steps a trial trains for)") }
            try schedule.validate(maxResource: maxResource, maxResourceOption: "--max-resource")
            try MetaSetup.validate(policy)
        } else {
            if maxResource != nil { throw UsageError("--max-resource needs --scheduler: without one there is no resource to cap") }
            try schedule.validate(maxResource: 1, maxResourceOption: "--max-resource")
        }
        _ = try trialCount
    }

    /// The sampler policy: `--sampler`, `--scheduler` and `--meta`.
    private var policy: SamplerPolicy {
        SamplerPolicy(sampler: sampler, scheduler: schedule.settings(maxResource: maxResource ?? 1, seed: seed), meta: meta, seed: seed)
    }

    func run() throws {
        let stop = StopFlag()
        let settings = schedule.settings(maxResource: maxResource ?? 1, seed: seed)
        let total = try trialCount
        let study: Study
        let command: CommandRunSetup
        let storageURL: StorageURL
        do {
            storageURL = try storage.url
            let space = try SearchSpaceFile.load(path: self.space)
            command = try CommandRunSetup(arguments: self.command, space: space, scheduled: settings != nil, timeout: trialTimeout, stop: stop)
            let metaFeatures = try taskData.map { try MetaFeatures.compute(try Dataset.loadCSV(path: $0), seed: seed) }
            let setup = StudySetup(name: self.study, storage: try storageURL.open(), space: space, task: task ?? self.study,
                                   objective: ObjectiveSignature(metric: metric), direction: direction, policy: policy,
                                   pruner: pruner, metaFeatures: metaFeatures, knowledge: try knowledge.map(KnowledgeSource.init),
                                   excluded: exclude)
            let opened = try setup.open()
            if let explanation = opened.explanation { note(explanation) }
            study = opened.study
        } catch {
            failClearly(explain(error))
        }
        InterruptHandler.install { stop.raise() }
        let reporter = RunReporter(study: study, quiet: quiet, json: json, scheduler: settings.map { ($0, "steps") })
        let runner = StudyRunner(study: study, concurrency: concurrency,
                                 recovery: OrphanRecovery(heartbeatGrace: heartbeatGrace, retry: retryFailed), stop: stop, observer: reporter)
        let outcome: StudyRunOutcome
        do {
            if let settings {
                let resumable = try command.resumable(study: study, storage: storageURL,
                                                      checkpointFolder: checkpointDir, scheduler: settings.kind)
                if !resumable.resumes { note("note: the command has no {checkpoint} and {restore}: promoted trials train again from the start") }
                outcome = try runner.run(scheduler: settings, trials: total, unit: "steps", objective: resumable)
            } else {
                let objective = command.objective
                let space = command.space
                // --trials is the study's total: runners sharing the study share it.
                outcome = try runner.run(.studyTotal(total)) { trial in
                    _ = try trial.suggest(space: space)
                    return try objective.evaluate(trial)
                }
            }
        } catch {
            reporter.endProgress()
            failClearly(explain(error))
        }
        reporter.finish(outcome, interruption: settings == nil
            ? "interrupted: the running trials were stopped and marked failed; run the same command again to resume"
            : "interrupted: paused trials were recorded as pruned, running ones as failed")
    }

    /// `error`, or a refusal of the library's said in terms of this command's options.
    private func explain(_ error: Error) -> Error {
        switch error {
        case CommandRunSetup.Refusal.placeholderNeedsScheduler(let name):
            return UsageError("the placeholder {\(name)} needs --scheduler: without one it would be empty")
        case CommandRunSetup.Refusal.noDefaultCheckpointFolder(let url):
            return UsageError("with --storage \(url), name the folder for the checkpoints with --checkpoint-dir")
        case CommandRunSetup.Refusal.populationNeedsCheckpoints:
            return UsageError("--scheduler pbt needs {checkpoint} and {restore} in the command, to copy a better trial's state")
        default:
            return schedule.explain(error, maxResourceOption: "--max-resource")
        }
    }

    private func note(_ text: String) {
        if !quiet { FileHandle.standardError.write(Data("\(text)\n".utf8)) }
    }
}

/// Ctrl-C (SIGINT) and SIGTERM: the first stops the run cleanly, a second exits at once.
enum InterruptHandler {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install(_ onInterrupt: @escaping @Sendable () -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            let count = Counter()
            source.setEventHandler {
                if count.increment() > 1 { Foundation.exit(130) }
                FileHandle.standardError.write(Data("\nstopping: the running trials are being stopped and marked failed (press Ctrl-C again to quit at once)\n".utf8))
                onInterrupt()
            }
            source.resume()
            sources.append(source)
        }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() -> Int { lock.withLock { value += 1; return value } }
    }
}
