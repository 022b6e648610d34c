import Foundation
import XCTest
import TestSupport
import MetaTune
@testable import MetaTuneExternal

/// External objectives with real child processes (/bin/sh and python3).
final class CommandObjectiveTests: XCTestCase {
    private var temporary: TemporaryDirectory!
    private var directory: URL { temporary.url }

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory("metatune-ext")
    }

    override func tearDownWithError() throws {
        temporary = nil
    }

    /// Runs one trial of `arguments` (with parameter `x` in 0...1) and returns the stored trial.
    private func runTrial(_ arguments: [String], params: [String: Distribution] = [:], pruner: Pruner = NopPruner(),
                          timeout: TimeInterval? = nil, stop: StopFlag = StopFlag(),
                          history: Int = 0) throws -> FrozenTrial {
        let study = try Study.create(name: "t", sampler: RandomSampler(seed: 1), pruner: pruner)
        for _ in 0..<history {  // earlier complete trials, e.g. for a pruner's statistics
            let trial = try study.ask()
            try trial.report(0.1, step: 0)
            try study.tell(trial, value: 0.1)
        }
        let template = try CommandTemplate(arguments: arguments, parameterNames: Set(params.keys))
        let objective = CommandObjective(template: template, timeout: timeout, terminationGrace: 1, stop: stop)
        try study.optimize(trials: 1) { trial in
            for (name, distribution) in params.sorted(by: { $0.key < $1.key }) { _ = try trial.suggest(name, distribution) }
            return try objective.evaluate(trial)
        }
        return try study.trials.last!
    }

    func testBareNumberAndJSONValuesAreRead() throws {
        XCTAssertEqual(try runTrial(["/bin/sh", "-c", "echo starting; echo 1.5"]).value, 1.5)
        let json = try runTrial(["/bin/sh", "-c", "echo '{\"value\": 2.5}'; echo 7"])
        XCTAssertEqual(json.value, 2.5, "a {\"value\": x} line wins over bare numbers")
        XCTAssertEqual(try runTrial(["/bin/sh", "-c", "echo 3; echo 4; echo done"]).value, 4, "the last bare number")
    }

    func testIntermediateValuesAreStoredAsTheLearningCurve() throws {
        let trial = try runTrial(["/bin/sh", "-c", "for s in 0 1 2; do echo \"{\\\"step\\\": $s, \\\"value\\\": 0.$s}\"; done; echo 0.9"])
        XCTAssertEqual(trial.state, .complete)
        XCTAssertEqual(trial.intermediateValues, [0: 0.0, 1: 0.1, 2: 0.2])
        XCTAssertEqual(trial.value, 0.9)
    }

    func testPruningTerminatesTheProcessAndItsChildren() throws {
        let pidFile = directory.appendingPathComponent("pid").path
        let started = Date()
        let trial = try runTrial(["/bin/sh", "-c", "sleep 60 & echo $! > \(pidFile); echo '{\"step\": 0, \"value\": 5}'; wait"],
                                 pruner: try ThresholdPruner(upper: 1))
        XCTAssertEqual(trial.state, .pruned)
        XCTAssertEqual(trial.failReason, "pruned at step 0")
        XCTAssertEqual(trial.intermediateValues, [0: 5])
        XCTAssertLessThan(Date().timeIntervalSince(started), 20, "the process did not run its 60 s")
        let child = Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))!
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertFalse(isRunning(child), "the command's own child was terminated too")
    }

    /// Whether a process exists and is not a zombie waiting to be reaped.
    private func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    func testCrashFailsTheTrialWithExitStatusAndStandardError() throws {
        let trial = try runTrial(["/bin/sh", "-c", "echo 0.5; echo 'Traceback: it broke' >&2; exit 3"])
        XCTAssertEqual(trial.state, .failed)
        let reason = try XCTUnwrap(trial.failReason)
        XCTAssertTrue(reason.contains("exit status 3"), reason)
        XCTAssertTrue(reason.contains("Traceback: it broke"), reason)
        XCTAssertEqual(trial.systemAttributes["exit_status"], .string("exit status 3"))
        XCTAssertEqual(trial.systemAttributes["stderr_tail"], .string("Traceback: it broke"))
    }

    func testOnlyTheLastTwoKilobytesOfStandardErrorAreKept() throws {
        let trial = try runTrial(["/bin/sh", "-c", "i=0; while [ $i -lt 500 ]; do echo \"line $i of noise\" >&2; i=$((i+1)); done; exit 1"])
        guard case .string(let tail)? = trial.systemAttributes["stderr_tail"] else { return XCTFail("no stderr tail") }
        XCTAssertLessThanOrEqual(tail.utf8.count, CommandObjective.standardErrorTailBytes)
        XCTAssertTrue(tail.hasSuffix("line 499 of noise"), tail)
    }

    func testTimeoutFailsTheTrial() throws {
        let started = Date()
        let trial = try runTrial(["/bin/sh", "-c", "echo '{\"step\": 0, \"value\": 1}'; sleep 30; echo 1"], timeout: 0.5)
        XCTAssertEqual(trial.state, .failed)
        XCTAssertTrue(trial.failReason?.contains("timed out after 0.5 s") ?? false, trial.failReason ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testGarbageOutputAndNonFiniteValuesFailTheTrial() throws {
        let garbage = try runTrial(["/bin/sh", "-c", "echo hello; echo 'loss: low'"])
        XCTAssertEqual(garbage.state, .failed)
        XCTAssertTrue(garbage.failReason?.contains("printed no value") ?? false, garbage.failReason ?? "")
        let nan = try runTrial(["/bin/sh", "-c", "echo '{\"value\": NaN}'"])
        XCTAssertEqual(nan.state, .failed)
        XCTAssertTrue(nan.failReason?.contains("non-finite") ?? false, nan.failReason ?? "")
    }

    func testValuesReachTheProgramIntactAsSingleArguments() throws {
        let output = directory.appendingPathComponent("argv.json").path
        let nasty = ["with space", "it's \"quoted\"", "$(touch \(directory.path)/pwned)", "a; rm -rf /", "`id`", "*"]
        let distribution = Distribution.categorical(try CategoricalDistribution(choices: nasty.map(ParamValue.string)))
        let script = "import json,sys,os; json.dump({'argv': sys.argv[1:], 'env': os.environ.get('METATUNE_PARAM_S')}, open(sys.argv[1], 'w'))"
        for _ in 0..<8 {
            let trial = try runTrial(["python3", "-c", script + "; print(1)", output, "{s}", "pre-{s}-post"], params: ["s": distribution])
            XCTAssertEqual(trial.state, .complete, trial.failReason ?? "")
            let chosen = try XCTUnwrap(trial.params["s"]?.stringValue)
            let seen = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as! [String: Any]
            XCTAssertEqual(seen["argv"] as? [String], [output, chosen, "pre-\(chosen)-post"])
            XCTAssertEqual(seen["env"] as? String, chosen)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("pwned").path))
    }

    func testStopFlagInterruptsARunningCommand() throws {
        let stop = StopFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { stop.raise() }
        let started = Date()
        let trial = try runTrial(["/bin/sh", "-c", "sleep 30; echo 1"], stop: stop)
        XCTAssertEqual(trial.state, .failed)
        XCTAssertTrue(trial.failReason?.hasPrefix("interrupted") ?? false, trial.failReason ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }
}
