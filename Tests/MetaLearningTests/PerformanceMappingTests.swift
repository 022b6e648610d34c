import XCTest
import MetaTune
import MetaTuneTasks
import MetaTuneNumerics
@testable import MetaLearning

final class PerformanceMappingTests: XCTestCase {
    /// Synthetic past tasks: a configuration scores well when its learning rate is near a task's
    /// preferred one, which grows with the task's (log) number of rows, and adam beats sgd.
    private func syntheticKnowledge(tasks: Int, configs: Int) -> (KnowledgeBase, [[String: ParamValue]]) {
        let space = BuiltinModel.mlp.defaultSpace
        let pool = PoolConfigurations.configurations(count: configs, space: space, seed: 1)
        var past: [PastTask] = []
        for t in 0..<tasks {
            let logRows = 5 + 5 * Double(t) / Double(max(tasks - 1, 1))
            var values = Dictionary(uniqueKeysWithValues: MetaFeatures.names.map { ($0, 0.0) })
            values["log_rows"] = logRows
            values["rows"] = exp(logRows)
            let preferred = -4 + (logRows - 5) * 0.5  // log10 learning rate
            let trials = pool.enumerated().map { index, params -> PastTrial in
                let lr = log10(params["learning_rate"]!.doubleValue!)
                let optimizerBonus = params["optimizer"] == "sgd" ? -0.3 : 0
                return PastTrial(params: params, score: 0.9 - 0.1 * pow(lr - preferred, 2) + optimizerBonus, configIndex: index)
            }
            past.append(PastTask(name: "task\(t)", metaFeatures: MetaFeatures(values: values), trials: trials))
        }
        return (KnowledgeBase(tasks: past), pool)
    }

    func testTrainingLossFallsAndHeldOutTasksAreRankedWell() throws {
        let (knowledge, pool) = syntheticKnowledge(tasks: 9, configs: 80)
        let heldOut = knowledge.tasks[4]
        let mapping = try PerformanceMapping(knowledge: knowledge.excluding(heldOut.name), space: BuiltinModel.mlp.defaultSpace,
                                             ensembleSize: 1)
        XCTAssertLessThan(mapping.trainingLosses.last!, 0.5 * mapping.trainingLosses.first!, "\(mapping.trainingLosses)")
        let predictions = mapping.predict(metaFeatures: heldOut.metaFeatures, configurations: pool)
        let correlation = Statistics.spearman(predictions, heldOut.trials.map(\.score))
        XCTAssertGreaterThan(correlation, 0.8)
        // The favourites are good configurations of the held-out task.
        let favourites = mapping.favourites(for: heldOut.metaFeatures, knowledge: knowledge.excluding(heldOut.name), count: 3, seed: 0)
        let scores = heldOut.trials.map(\.score).sorted()
        for favourite in favourites {
            if let trial = heldOut.trials.first(where: { $0.params == favourite.params }) {
                XCTAssertGreaterThan(trial.score, scores[scores.count * 3 / 4], favourite.origin)
            }
        }
    }
}
