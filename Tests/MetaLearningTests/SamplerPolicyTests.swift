import XCTest
import MetaTune
import MetaTuneStorages
import MetaTuneSQLite
import MetaTuneTasks
import TestSupport
@testable import MetaLearning

/// The sampler × scheduler × meta-learning policy and the knowledge sources, as a Swift program
/// (and `tune`/`run`) use them.
final class SamplerPolicyTests: XCTestCase {
    private let space = try! SearchSpaceFile.parse("learning_rate: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}\n")

    private func knowledge() -> KnowledgeBase {
        KnowledgeBase(tasks: ["a", "b"].map { name in
            PastTask(name: name, metaFeatures: nil, trials: [0.01, 0.001, 0.05].enumerated().map { index, rate in
                PastTrial(params: ["learning_rate": .float(rate)], score: [0.9, 0.7, 0.8][index], configIndex: index)
            })
        })
    }

    func testWithoutMetaLearningThePolicyIsTheSamplerOrTheSchedulersOwn() throws {
        var asked = false
        let plain = try SamplerPolicy(sampler: .gp).make(space: space, metaFeatures: nil) { asked = true; return self.knowledge() }
        XCTAssertTrue(plain.sampler is GPSampler)
        XCTAssertFalse(asked, "no knowledge is loaded without meta-learning")
        let bohb = try SamplerPolicy(sampler: .gp, scheduler: SchedulerSettings(kind: .bohb, maxResource: 9))
            .make(space: space, metaFeatures: nil) { self.knowledge() }
        XCTAssertTrue(bohb.sampler is BudgetModelSampler, "bohb brings its own model")
    }

    func testMetaLearningWarmStartsThenHandsOverToTheGPOrTheSchedulersSampler() throws {
        let cold = try SamplerPolicy(meta: .portfolio).make(space: space, metaFeatures: nil) { self.knowledge() }
        XCTAssertEqual(cold.knowledge.tasks.count, 2)
        XCTAssertTrue(cold.handOver.contains("Gaussian-process"), cold.handOver)
        let scheduled = try SamplerPolicy(sampler: .tpe, scheduler: SchedulerSettings(kind: .asha, maxResource: 9), meta: .portfolio)
            .make(space: space, metaFeatures: nil) { self.knowledge() }
        XCTAssertTrue(scheduled.handOver.contains("the tpe sampler") && scheduled.handOver.contains("asha"), scheduled.handOver)
        // The first suggestion is the configuration best across the past tasks.
        let study = try Study.create(name: "s", direction: .maximize, sampler: scheduled.sampler)
        XCTAssertEqual(try study.ask(space: space).params["learning_rate"], .float(0.01))
    }

    func testRGPECannotSteerAScheduler() {
        let policy = SamplerPolicy(scheduler: SchedulerSettings(kind: .hyperband, maxResource: 9), meta: .rgpe)
        XCTAssertThrowsError(try policy.validate()) { error in
            XCTAssertEqual(error as? SamplerPolicy.Refusal, .methodCannotSteerScheduler(.rgpe, .hyperband))
            XCTAssertFalse("\(error)".contains("--"), "library errors speak of values, not flags")
        }
        XCTAssertNoThrow(try SamplerPolicy(meta: .rgpe).validate())
    }

    func testKnowledgeSourcesAreReadFromTheirNames() throws {
        XCTAssertEqual(try KnowledgeSource("builtin"), .builtin)
        XCTAssertEqual(try KnowledgeSource("past.json"), .file(path: "past.json"))
        XCTAssertEqual(try KnowledgeSource("sqlite:past.sqlite"), .storage(.sqlite(path: "past.sqlite")))
        XCTAssertThrowsError(try KnowledgeSource("postgres://x"))
        XCTAssertGreaterThan(try KnowledgeSource.builtin.load(model: .mlp).tasks.count, 10, "the shipped knowledge base")
    }

    func testTheDefaultKnowledgeIsTheStoragesStudiesPlusTheShippedOne() throws {
        let directory = try TemporaryDirectory("metatune-policy")
        let storage = try StorageURL.open("sqlite:" + directory.path("past.sqlite"))
        let study = try Study.create(name: "past", direction: .maximize, sampler: RandomSampler(seed: 1), storage: storage)
        try study.optimize(trials: 3) { trial in try trial.suggestFloat("learning_rate", in: 1e-4...0.1, log: true) }
        let query = KnowledgeQuery(space: space)
        let own = try KnowledgeSource.knowledge(from: [], storage: storage, query: query, model: nil)
        XCTAssertEqual(own.tasks.map(\.name), ["past"])
        let withShipped = try KnowledgeSource.knowledge(from: [], storage: storage, query: query, model: .mlp)
        XCTAssertGreaterThan(withShipped.tasks.count, own.tasks.count)
        let named = try KnowledgeSource.knowledge(from: [.storage(.sqlite(path: directory.path("past.sqlite")))], storage: nil,
                                                  query: query, model: .mlp)
        XCTAssertEqual(named.tasks.map(\.name), ["past"], "named sources replace the default")
    }
}
