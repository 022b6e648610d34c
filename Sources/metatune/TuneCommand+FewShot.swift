import Foundation
import MetaLearning
import MetaTune
import Neural

/// `metatune tune --model fewshot`: MetaTune's samplers tune a few-shot learner's own
/// hyperparameters on meta-validation episodes (`FewShotTuning`); afterwards the best trial's
/// settings and the defaults are both scored on meta-test episodes.
extension TuneCommand {
    func validateFewShot() throws {
        guard let benchmark, FewShotBenchmarks.names.contains(benchmark) else {
            throw UsageError("--model fewshot needs --benchmark \(FewShotBenchmarks.names.joined(separator: " or "))")
        }
        guard let method = FewShotMethod(rawValue: method), method != .scratch else {
            throw UsageError("--method must be one of: \(FewShotMethod.allCases.filter { $0 != .scratch }.map(\.rawValue).joined(separator: ", "))")
        }
        if data != nil || dataset != nil { throw UsageError("--model fewshot draws its tasks from --benchmark, not --data or --dataset") }
        if schedule.kind != nil || meta != .none || testFraction != 0 {
            throw UsageError("--model fewshot takes no --scheduler, --meta or --test-fraction")
        }
        try NumberCheck.positive(threads, "--threads")
        try NumberCheck.positive(shots, "--shots")
        try NumberCheck.positive(ways, "--ways")
        try NumberCheck.positive(concurrency, "--concurrency")
        guard trials != nil else { throw UsageError("--model fewshot needs --trials") }
    }

    func runFewShot() throws {
        Engine.threads = threads
        let tuning: FewShotTuning, study: Study, searchSpace: SearchSpace, startsFromDefaults: Bool
        do {
            guard let method = FewShotMethod(rawValue: method), let name = benchmark else { throw UsageError("--method and --benchmark are needed") }
            let benchmark = try FewShotBenchmarks.make(name, ways: ways, fashionDirectory: fashionDir)
            var base = FewShotSettings.defaults(method: method, benchmark: name, shots: shots, seed: seed)
            if let iterations { base.iterations = iterations }
            try base.validate()
            tuning = try FewShotTuning(method: method, benchmark: benchmark, base: base)
            searchSpace = try space.map { try SearchSpaceFile.load(path: $0) } ?? tuning.defaultSpace()
            study = try Study.create(name: self.study ?? "tune-fewshot-\(name)-\(method.rawValue)", direction: tuning.direction,
                                     sampler: try sampler.make(seed: seed, space: searchSpace), storage: try storage.open(), loadIfExists: true)
            let defaults = tuning.defaultParams(in: searchSpace)
            startsFromDefaults = try study.trials.isEmpty && !defaults.isEmpty
            if startsFromDefaults { try study.enqueue(defaults) }
        } catch {
            failClearly(error)
        }
        let count = trials ?? 0
        if !quiet && !json {
            let metric = tuning.direction == .minimize ? "MSE" : "accuracy"
            FileHandle.standardError.write(Data("Tuning \(tuning.method.rawValue) on \(tuning.benchmark.name) (\(shots)-shot): \(count) trials of \(tuning.base.iterations) meta-iterations, each scored by the meta-validation \(metric) of \(tuning.episodes) tasks after \(tuning.scoredSteps) steps\(startsFromDefaults ? "; the first runs the protocol's defaults" : "") (study '\(study.name)')\n".utf8))
        }
        let reporter = RunReporter(study: study, quiet: quiet, json: json)
        let runner = StudyRunner(study: study, concurrency: concurrency, observer: reporter)
        InterruptHandler.install { [stop = runner.stop] in stop.raise() }
        let outcome: StudyRunOutcome
        do {
            // A new study's --trials include the defaults' trial.
            outcome = try runner.run(startsFromDefaults ? .studyTotal(count) : .new(count)) { trial in try tuning.evaluate(trial, space: searchSpace) }
        } catch {
            reporter.endProgress()
            failClearly(error)
        }
        reporter.finish(outcome)
        reportMetaTest(study: study, tuning: tuning)
    }

    /// The best trial's settings against the defaults, both meta-trained again and scored on
    /// meta-test episodes (never seen while tuning).
    private func reportMetaTest(study: Study, tuning: FewShotTuning) {
        do {
            guard let best = try study.bestParams else { return }
            if !quiet && !json { FileHandle.standardError.write(Data("Scoring the best settings and the defaults on meta-test tasks…\n".utf8)) }
            let tuned = try tuning.score(tuning.settings(best), split: .test)
            let defaults = try tuning.score(tuning.base, split: .test)
            let metric = tuning.direction == .minimize ? "mse" : "accuracy"
            if json {
                var object = OrderedJSONObject()
                object.add("metric", metric)
                object.add("steps", tuning.scoredSteps)
                object.add("episodes", tuning.episodes)
                object.add("tuned", tuned)
                object.add("default", defaults)
                var line = OrderedJSONObject()
                line.addRaw("meta_test", object.text)
                print(line.text)
            } else {
                print("meta-test \(metric) after \(tuning.scoredSteps) steps (\(tuning.episodes) tasks): tuned \(tuned), default settings \(defaults)")
            }
        } catch {
            failClearly(error)
        }
    }
}
