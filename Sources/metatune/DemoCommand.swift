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
            try study.optimize(trials: trials, onTrialFinished: { trial in
                progress.update(done: trial.number + 1, best: trial.value.flatMap(best.offer))
                Thread.sleep(forTimeInterval: 0.01)  // let a person watch the search converge
            }) { trial in
                problem.evaluate(try trial.suggest(space: problem.space))
            }
            progress.finish()
            guard let bestTrial = try study.bestTrial, let value = bestTrial.value else { throw StudyError.invalidArgument("no trial completed") }
            print("Best value \(value) (optimum \(problem.optimum)) at trial \(bestTrial.number):")
            for spec in problem.space.parameters {
                print("  \(spec.name) = \(bestTrial.params[spec.name].map { "\($0)" } ?? "-")")
            }
        } catch {
            failClearly(error)
        }
    }
}
