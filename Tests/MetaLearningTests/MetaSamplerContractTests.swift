import XCTest
import MetaTune
import MetaTuneTesting
@testable import MetaLearning

/// The sampler contract (`MetaTuneTesting.SamplerContract`) for every meta-learning sampler, with
/// knowledge of three past tasks over the contract's conditional space — with and without
/// meta-features.
final class MetaSamplerContractTests: XCTestCase {
    private func features(_ rows: Double) -> MetaFeatures {
        var values = Dictionary(uniqueKeysWithValues: MetaFeatures.names.map { ($0, 0.0) })
        values["log_rows"] = rows
        return MetaFeatures(values: values)
    }

    /// Three past tasks that tried the same 12 configurations (a pool), scored by shifted
    /// versions of the contract's objective (higher is better).
    private func knowledge(withMetaFeatures: Bool) throws -> KnowledgeBase {
        let space = try SamplerContract.space
        let study = try Study.create(name: "pool", sampler: RandomSampler(seed: 11))
        let pool = try (0..<12).map { _ in try study.ask(space: space).params }
        return KnowledgeBase(tasks: (0..<3).map { task in
            PastTask(name: "past-\(task)", metaFeatures: withMetaFeatures ? features(Double(5 + task)) : nil,
                     trials: pool.enumerated().map { index, params in
                         PastTrial(params: params, score: -SamplerContract.objective(params) - Double(task) * 0.1 * Double(index % 3),
                                   configIndex: index)
                     })
        })
    }

    func testEveryMetaLearningMethodKeepsTheContract() throws {
        let space = try SamplerContract.space
        for withMetaFeatures in [false, true] {
            let past = try knowledge(withMetaFeatures: withMetaFeatures)
            let metaFeatures = withMetaFeatures ? features(5.5) : nil
            // Trained once (the contract builds each sampler seven times); the seed still drives the GP.
            let mapping = try PerformanceMapping(knowledge: past, space: space, seed: 0)
            let taskModels = TaskModels(space: space)
            for method in MetaMethod.allCases where method != .none {
                let name = "\(method.rawValue)\(withMetaFeatures ? " with meta-features" : "")"
                try SamplerContract.verify(name, trials: 20) { seed in
                    try method.sampler(knowledge: past, metaFeatures: metaFeatures, space: space, seed: seed,
                                       mapping: mapping, taskModels: taskModels)
                }
            }
        }
    }

    func testAWarmStartHandingOverToTheSchedulersSamplerKeepsTheContract() throws {
        let space = try SamplerContract.space
        let past = try knowledge(withMetaFeatures: false)
        try SamplerContract.verify("portfolio → bohb", trials: 20) { seed in
            try MetaMethod.portfolio.sampler(knowledge: past, metaFeatures: nil, space: space, seed: seed,
                                             base: BudgetModelSampler(resources: [1, 3, 9], seed: seed))
        }
    }
}
