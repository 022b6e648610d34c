import XCTest
import MetaTune
import MetaTuneNumerics
@testable import MetaLearning

/// Transfer from any past studies: selecting them, predicting their scores in a new space, and
/// weighting them by meta-features or by the new task's own trials.
final class TransferTests: XCTestCase {
    private let space = try! SearchSpaceFile.parse("learning_rate: {type: float, low: 0.01, high: 1.0}")

    private func features(_ logRows: Double) -> MetaFeatures {
        var values = Dictionary(uniqueKeysWithValues: MetaFeatures.names.map { ($0, 0.0) })
        values["log_rows"] = logRows
        return MetaFeatures(values: values)
    }

    private func config(_ index: Int) -> [String: ParamValue] { ["learning_rate": .float(Double(index + 1) / 20)] }

    /// Two kinds of task over 20 configurations: kind A scores configuration i at 1 − i/20, kind B
    /// at i/20. Two tasks of kind A, four of kind B; meta-features tell the kinds apart when given.
    private func twoKinds(metaFeatures: Bool) -> KnowledgeBase {
        func task(_ name: String, kindA: Bool) -> PastTask {
            PastTask(name: name, metaFeatures: metaFeatures ? features(kindA ? 5 : 10) : nil, trials: (0..<20).map { i in
                PastTrial(params: config(i), score: kindA ? 1 - Double(i) / 20 : Double(i) / 20)
            })
        }
        return KnowledgeBase(tasks: [task("a1", kindA: true), task("a2", kindA: true)]
                             + (1...4).map { task("b\($0)", kindA: false) })
    }

    /// The configurations a sampler suggests on a new task of kind A, trial by trial.
    private func picks(_ sampler: Sampler, trials: Int) throws -> [[String: ParamValue]] {
        let study = try Study.create(name: "new", direction: .maximize, sampler: sampler)
        var suggested: [[String: ParamValue]] = []
        for _ in 0..<trials {
            let trial = try study.ask(space: space)
            suggested.append(trial.params)
            try study.tell(trial, value: 1 - trial.params["learning_rate"]!.doubleValue! + 0.05)
        }
        return suggested
    }

    func testTheNewTasksOwnTrialsWeightThePastTasksThatRankThemWell() throws {
        let knowledge = twoKinds(metaFeatures: false)
        let ranking = TransferRanking(knowledge: knowledge, space: space)
        XCTAssertEqual(ranking.candidates.count, 20, "a pool: every configuration is shared")
        let base = RandomSampler(seed: 1)
        // All tasks alike: kind B (four of six) wins, and the new task of kind A gets B's favourites.
        let alike = try picks(TransferSampler(ranking: ranking, weighting: TaskWeighting(), metaFeatures: nil, count: 4, base: base), trials: 4)
        XCTAssertEqual(alike, [config(19), config(18), config(17), config(16)])
        // Weighted by how they rank the new task's trials, kind A takes over after two trials.
        let observed = try picks(TransferSampler(ranking: ranking, weighting: TaskWeighting(observationStrength: 1), metaFeatures: nil,
                                                 count: 4, base: base), trials: 4)
        XCTAssertEqual(Array(observed.prefix(2)), [config(19), config(18)])
        XCTAssertEqual(Array(observed.suffix(2)), [config(0), config(1)])
        let weights = TaskWeighting(observationStrength: 1).weights(
            scores: ranking.scores, metaFeatures: nil,
            observations: [(PastTaskScores.encode(config(19), space: space), 0.1), (PastTaskScores.encode(config(18), space: space), 0.2)])
        XCTAssertEqual(weights.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertGreaterThan(weights[0], 5 * weights[2], "a1 ranks the two trials right, b1 backwards")
        // kNN by the new task's trials keeps the two tasks that rank them best.
        let nearest = TaskWeighting(observationStrength: 1, topK: 2).weights(
            scores: ranking.scores, metaFeatures: nil,
            observations: [(PastTaskScores.encode(config(19), space: space), 0.1), (PastTaskScores.encode(config(18), space: space), 0.2)])
        XCTAssertEqual(nearest, [0.5, 0.5, 0, 0, 0, 0])
    }

    func testMetaFeaturesWeightSimilarTasksWhenBothSidesHaveThem() {
        let knowledge = twoKinds(metaFeatures: true)
        let ranking = TransferRanking(knowledge: knowledge, space: space)
        let weighting = TaskWeighting(metaBandwidth: 1)
        let forA = ranking.next(weighting: weighting, metaFeatures: features(5.1), observations: [])
        XCTAssertEqual(forA?.params, config(0))
        XCTAssertTrue(forA?.origin.contains("heaviest: a1") ?? false, forA?.origin ?? "")
        XCTAssertEqual(ranking.next(weighting: weighting, metaFeatures: features(10), observations: [])?.params, config(19))
        // A new task without meta-features: every task alike.
        XCTAssertEqual(ranking.next(weighting: weighting, metaFeatures: nil, observations: [])?.params, config(19))
    }

    /// auto's inner leave-one-out: all tasks alike fails the tasks of the minority kind, so auto
    /// weighs by the new task's trials and finds kind A's best on a new task of kind A, without
    /// meta-features.
    func testAutoChoosesTheWeightingThatServedTheKnowledgesOwnTasks() throws {
        let knowledge = twoKinds(metaFeatures: false)
        let ranking = TransferRanking(knowledge: knowledge, space: space)
        let outcomes = AutoSelection.evaluate(ranking: ranking, metaFeaturesAvailable: false)
        XCTAssertEqual(outcomes.first?.weighting, TaskWeighting())
        XCTAssertEqual(outcomes.first?.regret ?? 0, 2.0 / 6, accuracy: 0.02, "the two kind-A tasks miss entirely")
        let chosen = AutoSelection.choose(ranking: ranking, metaFeaturesAvailable: false)
        XCTAssertGreaterThan(chosen.observationStrength, 0)
        XCTAssertNil(chosen.metaBandwidth)
        let sampler = try MetaMethod.auto.sampler(knowledge: knowledge, metaFeatures: nil, space: space, seed: 0)
        XCTAssertTrue(try picks(sampler, trials: 5).contains(config(0)))
        // With meta-features that tell the kinds apart, the first trial is already kind A's best.
        let described = try MetaMethod.auto.sampler(knowledge: twoKinds(metaFeatures: true), metaFeatures: features(5), space: space, seed: 0)
        XCTAssertTrue(try picks(described, trials: 5).contains(config(0)))
    }

    func testPastValuesAreFittedIntoTheNewSpaceAndPredictedNearby() throws {
        let narrow = try SearchSpaceFile.parse("""
        learning_rate: {type: float, low: 0.01, high: 0.5}
        optimizer: {type: categorical, choices: [adam, sgd]}
        """)
        let fitted = PastTaskScores.fitted(["learning_rate": .float(0.9), "optimizer": .string("rmsprop"), "other": .int(3)], space: narrow)
        XCTAssertEqual(fitted, ["learning_rate": .float(0.5)], "clipped into the bounds; a choice the space lacks is missing")
        let task = PastTask(name: "t", metaFeatures: nil, trials: [
            PastTrial(params: ["learning_rate": .float(0.1), "optimizer": .string("adam")], score: 0.9),
            PastTrial(params: ["learning_rate": .float(0.4), "optimizer": .string("adam")], score: 0.1),
        ])
        let scores = PastTaskScores(knowledge: KnowledgeBase(tasks: [task]), space: narrow)
        let tried = PastTaskScores.encode(task.trials[0].params, space: narrow)
        XCTAssertEqual(scores.predict(task: 0, at: tried), scores.best(task: 0), "a configuration the task tried scores exactly")
        let near = scores.predict(task: 0, at: PastTaskScores.encode(["learning_rate": .float(0.11), "optimizer": .string("adam")], space: narrow))
        let far = scores.predict(task: 0, at: PastTaskScores.encode(["learning_rate": .float(0.38), "optimizer": .string("adam")], space: narrow))
        XCTAssertGreaterThan(near, 0.3)
        XCTAssertLessThan(far, -0.3)
    }

    func testSelectionKeepsStudiesThatShareParametersAndMeasureTheSameAndSaysWhyOthersAreLeftOut() throws {
        let newSpace = try SearchSpaceFile.parse("""
        lr: {type: float, low: 1.0e-4, high: 1.0, log: true}
        layers: {type: int, low: 1, high: 4}
        """)
        func task(_ name: String, _ params: [String: ParamValue], metric: String = "value") -> PastTask {
            PastTask(name: name, metaFeatures: nil, trials: [PastTrial(params: params, score: 1)], objective: ObjectiveSignature(metric: metric))
        }
        let knowledge = KnowledgeBase(tasks: [
            task("same", ["lr": .float(0.01), "layers": .int(2)]),
            task("fewer", ["lr": .float(0.01)]),
            task("wider", ["lr": .float(3.0), "layers": .int(9), "dropout": .float(0.1)]),
            task("unrelated", ["momentum": .float(0.9)]),
            task("loss", ["lr": .float(0.01)], metric: "loss"),
            task("itself", ["lr": .float(0.01)]),
            PastTask(name: "unrecorded", metaFeatures: nil, trials: [PastTrial(params: ["layers": .int(3)], score: 1)]),
        ])
        let query = KnowledgeQuery(space: newSpace, objective: ObjectiveSignature(metric: "value"), excluded: ["itself"])
        let selected = knowledge.selected(for: query)
        XCTAssertEqual(selected.tasks.map(\.name), ["same", "fewer", "wider", "unrecorded"])
        XCTAssertEqual(query.sharedParameters(of: knowledge.tasks[1]), ["lr"])
        XCTAssertEqual(selected.leftOut, ["1 study (loss) measured loss, not value", "1 study (unrelated) share no parameter with this search space"])
        // Built-in tasks: the last and the best epoch's accuracy are one quantity, another model is not.
        let mlp = ObjectiveSignature(metric: "accuracy", model: "mlp", epochs: 20)
        XCTAssertTrue(ObjectiveSignature(metric: "best-accuracy", model: "mlp", epochs: 8).isComparable(to: mlp))
        XCTAssertFalse(ObjectiveSignature(metric: "accuracy", model: "cnn").isComparable(to: mlp))
        XCTAssertFalse(ObjectiveSignature(metric: "accuracy").isComparable(to: mlp))
    }
}

extension TransferTests {
    /// The README's Swift example: studies a Swift program ran in a storage, recorded with their
    /// task and objective, are knowledge for the next study without any collection step.
    func testEveryStudyOfAStorageIsKnowledgeForTheNextFromSwift() throws {
        let storage = InMemoryStorage()
        let objective = ObjectiveSignature(metric: "val_accuracy")
        for (task, best) in [("mnist", 0.2), ("svhn", 0.25)] {
            let study = try Study.create(name: "resnet-\(task)", direction: .maximize, sampler: RandomSampler(seed: 1), storage: storage)
            try TaskAttributes.record(task: task, model: nil, metaFeatures: nil, objective: objective, studyID: study.id, storage: storage)
            try study.optimize(trials: 12) { trial in
                let lr = try trial.suggestFloat("learning_rate", in: 0.01...1)
                return 1 - abs(lr - best)
            }
        }
        let other = try Study.create(name: "other", direction: .maximize, storage: storage)
        try TaskAttributes.record(task: "other", model: nil, metaFeatures: nil, objective: ObjectiveSignature(metric: "loss"),
                                  studyID: other.id, storage: storage)
        try other.optimize(trials: 2) { trial in try trial.suggestFloat("learning_rate", in: 0.01...1) }
        let query = KnowledgeQuery(space: space, objective: objective, excluded: ["cifar10"])
        let past = try KnowledgeBase.load(from: storage).selected(for: query)
        XCTAssertEqual(past.tasks.map(\.name), ["mnist", "svhn"])
        XCTAssertEqual(past.leftOut, ["1 study (other) measured loss, not val_accuracy"])
        let sampler = try MetaMethod.auto.sampler(knowledge: past, metaFeatures: nil, space: space, seed: 0)
        let study = try Study.create(name: "resnet-cifar10", direction: .maximize, sampler: sampler, storage: storage)
        let first = try study.ask(space: space).params["learning_rate"]?.doubleValue ?? 0
        XCTAssertEqual(first, 0.22, accuracy: 0.1, "the first trial is one of the past studies' best")
    }
}
