import ArgumentParser
import Foundation
import MetaTune

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Tune a built-in benchmark problem with TPE, showing live progress and the best result."
    )

    @Option(help: "The benchmark problem to tune.")
    var problem: BenchmarkProblem = .nnHPO

    @Option(parsing: .unconditional, help: "Number of trials.")
    var trials: Int = 200

    @Option(help: "Sampler.")
    var sampler: SamplerKind = .tpe

    @Option(parsing: .unconditional, help: "Random seed.", transform: NumberCheck.seed)
    var seed: UInt64 = 0

    func validate() throws {
        try NumberCheck.positive(trials, "--trials")
    }

    func run() throws {
        do {
            let study = try Study.create(name: "demo", direction: .minimize,
                                         sampler: try sampler.make(seed: seed, space: problem.space))
            print("Tuning \(problem.name) (\(problem.space.parameters.count) parameters, optimum \(problem.optimum)) "
                  + "with \(sampler.rawValue), \(trials) trials")
            fflush(nil)
            let progress = ProgressLine(enabled: true, total: trials, label: "trial")
            let best = BestTracker(direction: .minimize)
            for _ in 0..<trials {
                let trial = try study.ask(space: problem.space)
                let value = problem.evaluate(trial.params)
                try study.tell(trial, value: value)
                progress.update(done: trial.number + 1, best: best.offer(value))
                Thread.sleep(forTimeInterval: 0.01)  // let a person watch the search converge
            }
            progress.finish()
            guard let bestTrial = try study.bestTrial else { throw StudyError.invalidArgument("no trial completed") }
            print("Best value \(bestTrial.value!) (optimum \(problem.optimum)) at trial \(bestTrial.number):")
            for spec in problem.space.parameters {
                print("  \(spec.name) = \(bestTrial.params[spec.name]!)")
            }
        } catch {
            failClearly(error)
        }
    }
}
