import Foundation
import MetaTune
import MetaTuneStorages
import MetaTuneTasks
import Neural

// A tour of MetaTune as a Swift library. Each step checks what it shows and the program exits
// with status 1 at the first thing that is not as documented, so `make test` runs it as a test.
//
//   swift run --package-path examples/swift-library LibraryTour

/// The Branin function: three global minima of 0.397887 on x1 ∈ [-5, 10], x2 ∈ [0, 15].
func branin(_ x1: Double, _ x2: Double) -> Double {
    let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
    return pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * cos(x1) + 10
}

/// Suggests Branin's two inputs and returns its value.
func braninObjective(_ trial: Trial) throws -> Double {
    branin(try trial.suggestFloat("x1", in: -5...10), try trial.suggestFloat("x2", in: 0...15))
}

struct TourFailure: Error, CustomStringConvertible {
    let description: String
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    guard condition else { throw TourFailure(description: message()) }
}

/// 1. Branin with TPE, one trial at a time: the objective may capture and change a `var`.
func minimiseBranin() throws {
    var evaluations = 0
    let study = try Study.create(name: "branin", direction: .minimize, sampler: TPESampler(seed: 1))
    try study.optimize(trials: 40) { trial in
        evaluations += 1
        return try braninObjective(trial)
    }
    let bestValue = try study.bestValue ?? .infinity
    let bestParams = try study.bestParams ?? [:]
    try check(evaluations == 40, "the objective ran \(evaluations) times, not 40")
    try check(bestValue < 2, "TPE's best Branin value after 40 trials is \(bestValue)")
    let x1 = bestParams["x1"]?.doubleValue ?? .nan, x2 = bestParams["x2"]?.doubleValue ?? .nan
    try check(branin(x1, x2) == bestValue, "bestParams \(bestParams) do not give bestValue \(bestValue)")
    print("1. TPE on Branin: best \(bestValue) at x1 = \(x1), x2 = \(x2) after \(evaluations) evaluations")
}

/// 2. The same with an `async` objective (here it only sleeps; yours might await a server).
func minimiseBraninAsynchronously() async throws {
    let study = try Study.create(name: "branin-async", direction: .minimize, sampler: GPSampler(seed: 2))
    try await study.optimize(trials: 15) { trial in
        try await Task.sleep(nanoseconds: 1_000_000)
        return try braninObjective(trial)
    }
    let best = try study.bestTrials(3)
    try check(best.count == 3 && best[0].value! <= best[2].value!, "bestTrials(3) is not the three best, best first")
    print("2. GP on Branin with an async objective: best three \(best.map { $0.value! })")
}

/// 3. Typed categorical choices, exact step floats, and the trials as a table.
func typedSuggestions() throws {
    var seen = Set<Int>()
    let study = try Study.create(name: "typed", direction: .minimize, sampler: RandomSampler(seed: 3))
    try study.optimize(trials: 12) { trial in
        let n: Int = try trial.suggestCategorical("n", [1, 2, 3])
        let rate = try trial.suggestFloat("rate", in: 0...1, step: 0.1)
        seen.insert(n)
        try check((rate * 10).rounded() / 10 == rate, "the step float \(rate) is not a multiple of 0.1")
        return Double(n) + rate
    }
    try check(!seen.isEmpty && seen.isSubset(of: [1, 2, 3]), "suggestCategorical returned \(seen)")
    let table = try study.trialsTable()
    try check(table.rows.count == 12, "the trials table has \(table.rows.count) rows")
    print("3. suggestCategorical(\"n\", [1, 2, 3]) gave the Ints \(seen.sorted()); best \(try study.bestParams ?? [:])")
    print(table.csv().split(separator: "\n").prefix(3).joined(separator: "\n"))
}

/// 4. A study in an SQLite file that outlives its process: a worker process is killed with
/// SIGKILL in the middle of a trial, and `optimize` in this process fails the orphan and goes on.
func resumeAfterSIGKILL() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("metatune-library-tour-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("studies.sqlite").path

    let worker = Process()
    worker.executableURL = Bundle.main.executableURL
    worker.arguments = ["worker", file]
    try worker.run()
    let storage = try StorageURL.open("sqlite:" + file)
    let deadline = Date().addingTimeInterval(120)
    var stuck = false
    while !stuck && Date() < deadline && worker.isRunning {
        Thread.sleep(forTimeInterval: 0.05)
        let study = try? Study.load(name: "resumable", storage: storage)
        stuck = (try? study?.trials.contains { $0.number == 3 && $0.state == .running }) == true
    }
    try check(stuck, "the worker never reached trial 3")
    kill(worker.processIdentifier, SIGKILL)
    worker.waitUntilExit()

    let study = try Study.open(name: "resumable", storage: storage, sampler: TPESampler(seed: 8))
    try check(try study.trials[3].state == .running, "trial 3 should still say running before the resume")
    try study.optimize(trials: 5, braninObjective)
    let trials = try study.trials
    try check(trials[3].state == .failed && trials[3].failReason == Study.heartbeatLostReason,
              "the killed worker's trial is \(trials[3].state) (\(trials[3].failReason ?? "no reason"))")
    try check(trials.filter { $0.state == .complete }.count == 8, "3 trials before the kill and 5 after should be complete")
    print("4. SIGKILLed worker: trial 3 \(trials[3].state) (\(trials[3].failReason!)); resumed to \(trials.count) trials, best \(try study.bestValue!)")
}

/// The worker of step 4: runs the stored study and hangs in trial 3 until it is killed.
func runWorker(file: String) throws -> Never {
    let storage = try StorageURL.open("sqlite:" + file)
    let study = try Study.open(name: "resumable", direction: .minimize, storage: storage, sampler: TPESampler(seed: 7))
    try study.optimize(trials: 100) { trial in
        let value = try braninObjective(trial)
        while trial.number == 3 { Thread.sleep(forTimeInterval: 1) }
        return value
    }
    exit(0)
}

/// 5. MetaTune's own engine: the built-in MLP on the bundled digits, through `MetaTuneTasks`.
func tuneTheBuiltinMLP() throws {
    let task = try BuiltinTask(name: "digits", data: Dataset.digits(), model: .mlp, epochs: 3)
    let space = try SearchSpaceFile.parse("""
    learning_rate: {type: float, low: 1.0e-3, high: 3.0e-2, log: true}
    width:         {type: int, low: 16, high: 64, log: true}
    depth:         {type: int, low: 1, high: 1}
    optimizer:     {type: categorical, choices: [adam]}
    """, file: "tour space")
    let study = try Study.create(name: "digits-mlp", direction: task.metric.direction, sampler: TPESampler(seed: 4))
    try study.optimize(trials: 3) { trial in try task.evaluate(trial, space: space) }
    let accuracy = try study.bestValue ?? 0
    try check(accuracy > 0.8, "the MLP's best validation accuracy is \(accuracy)")
    print("5. The built-in MLP on digits: best validation accuracy \(accuracy) with \(try study.bestParams ?? [:])")
}

do {
    if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "worker" {
        try runWorker(file: CommandLine.arguments[2])
    }
    try minimiseBranin()
    try await minimiseBraninAsynchronously()
    try typedSuggestions()
    try resumeAfterSIGKILL()
    try tuneTheBuiltinMLP()
    print("library tour: all checks passed")
} catch {
    FileHandle.standardError.write(Data("library tour: \(error)\n".utf8))
    exit(1)
}
