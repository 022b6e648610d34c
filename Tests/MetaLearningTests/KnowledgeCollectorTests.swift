import XCTest
import MetaTune
import MetaTuneTasks
import TestSupport
@testable import MetaLearning

final class KnowledgeCollectorTests: XCTestCase {
    /// A small two-class CSV whose class is the sign of x (plus noise features).
    private func writeTask(_ name: String, rows: Int, in directory: TemporaryDirectory, seed: Int) throws {
        var text = "x,noise,label\n"
        for r in 0..<rows {
            let x = sin(Double(r * 7 + seed)), noise = cos(Double(r * 13 + seed))
            text += "\(x),\(noise),\(x > 0 ? 1 : 0)\n"
        }
        try directory.write(name + ".csv", text)
    }

    func testPoolConfigurationsAreSeededAndValid() {
        let space = BuiltinModel.mlp.defaultSpace
        let first = PoolConfigurations.configurations(count: 20, space: space, seed: 4)
        XCTAssertEqual(first, PoolConfigurations.configurations(count: 20, space: space, seed: 4))
        XCTAssertNotEqual(first, PoolConfigurations.configurations(count: 20, space: space, seed: 5))
        XCTAssertEqual(Set(first.map { $0.description }).count, 20)
        for config in first {
            for spec in space.parameters {
                XCTAssertNotNil(config[spec.name].flatMap { spec.distribution.internalValue(of: $0) }, "\(spec.name) in \(config)")
            }
        }
    }

    func testCollectsEveryConfigurationOnEveryTaskAndResumes() throws {
        let directory = try TemporaryDirectory()
        try writeTask("alpha", rows: 60, in: directory, seed: 1)
        try writeTask("beta", rows: 80, in: directory, seed: 2)
        try directory.write("notes.txt", "not a task")
        let storage = InMemoryStorage()
        var settings = KnowledgeCollector.Settings()
        settings.configs = 3
        settings.epochs = 2
        let collector = KnowledgeCollector(model: .mlp, settings: settings, storage: storage)
        var events: [KnowledgeCollector.Event] = []
        try collector.collect(directory: directory.url.path) { events.append($0) }
        XCTAssertEqual(events.count, 6)
        XCTAssertEqual(events.last?.done, 6)
        XCTAssertEqual(events.last?.total, 6)
        let pool = PoolConfigurations.configurations(count: 3, space: BuiltinModel.mlp.defaultSpace, seed: 0)
        for task in ["alpha", "beta"] {
            let record = try XCTUnwrap(try storage.study(named: "meta:mlp:\(task)"))
            XCTAssertEqual(record.systemAttributes[TaskAttributes.taskKey], .string(task))
            let features = try XCTUnwrap(TaskAttributes.metaFeatures(of: record))
            XCTAssertEqual(features.values["classes"], 2)
            let trials = try storage.allTrials(studyID: record.id)
            XCTAssertEqual(trials.count, 3)
            for trial in trials {
                guard case .number(let index)? = trial.userAttributes[TaskAttributes.configIndexKey] else {
                    return XCTFail("trial \(trial.number) has no configuration index")
                }
                XCTAssertEqual(trial.params, pool[Int(index)])
                XCTAssertEqual(trial.intermediateValues.count, 2, "a learning curve of one value per epoch")
            }
        }
        // The knowledge says how its trials were collected, also through the exported file.
        let knowledge = try KnowledgeBase.load(from: storage)
        XCTAssertEqual(Set(knowledge.tasks.map(\.collection)), [PastTask.CollectionSettings(epochs: 2, metric: "accuracy")])
        let file = directory.path("knowledge.json")
        try KnowledgeBaseFile.write(knowledge, to: file)
        XCTAssertEqual(try KnowledgeBaseFile.read(path: file).tasks.map(\.collection), knowledge.tasks.map(\.collection))
        // A rerun with a larger pool only evaluates the new configuration.
        settings.configs = 4
        var rerun: [KnowledgeCollector.Event] = []
        try KnowledgeCollector(model: .mlp, settings: settings, storage: storage).collect(directory: directory.url.path) { rerun.append($0) }
        XCTAssertEqual(rerun.map(\.configIndex), [3, 3])
    }

    func testCollectingTasksAtOnceStoresTheSameTrials() throws {
        let directory = try TemporaryDirectory()
        for (index, name) in ["alpha", "beta", "gamma"].enumerated() {
            try writeTask(name, rows: 50 + 10 * index, in: directory, seed: index)
        }
        var settings = KnowledgeCollector.Settings()
        settings.configs = 3
        settings.epochs = 2
        let sequential = InMemoryStorage(), parallel = InMemoryStorage()
        try KnowledgeCollector(model: .mlp, settings: settings, storage: sequential).collect(directory: directory.url.path)
        settings.concurrency = 3
        var done: [Int] = []
        try KnowledgeCollector(model: .mlp, settings: settings, storage: parallel).collect(directory: directory.url.path) {
            done.append($0.done)
        }
        XCTAssertEqual(done, Array(1...9), "events arrive one at a time, counted in order")
        for task in ["alpha", "beta", "gamma"] {
            let curves = try [sequential, parallel].map { storage -> [[Int: Double]] in
                let record = try XCTUnwrap(try storage.study(named: "meta:mlp:\(task)"))
                return try storage.allTrials(studyID: record.id)
                    .sorted { "\($0.userAttributes[TaskAttributes.configIndexKey]!)" < "\($1.userAttributes[TaskAttributes.configIndexKey]!)" }
                    .map(\.intermediateValues)
            }
            XCTAssertEqual(curves[0].count, 3)
            XCTAssertEqual(curves[0], curves[1], task)
        }
    }

    /// The first epochs of a longer collection train exactly as a shorter one: rescoring a 3-epoch
    /// collection at 2 epochs gives the 2-epoch collection's scores.
    func testRescoringALongerCollectionGivesTheShorterOnesScores() throws {
        let directory = try TemporaryDirectory()
        try writeTask("alpha", rows: 60, in: directory, seed: 1)
        try writeTask("beta", rows: 70, in: directory, seed: 2)
        var knowledge: [Int: KnowledgeBase] = [:]
        for epochs in [2, 3] {
            var settings = KnowledgeCollector.Settings()
            settings.configs = 4
            settings.epochs = epochs
            let storage = InMemoryStorage()
            try KnowledgeCollector(model: .mlp, settings: settings, storage: storage).collect(directory: directory.url.path)
            knowledge[epochs] = try KnowledgeBase.load(from: storage)
        }
        let (rescored, count) = knowledge[3]!.rescored(for: PastTask.CollectionSettings(epochs: 2, metric: "accuracy"))
        XCTAssertEqual(count, 2)
        XCTAssertNotEqual(knowledge[3]!.tasks.map { $0.trials.map(\.score) }, knowledge[2]!.tasks.map { $0.trials.map(\.score) },
                          "three epochs score differently from two")
        XCTAssertEqual(rescored, knowledge[2]!)
    }

    func testAFolderWithoutTasksIsRefused() throws {
        let directory = try TemporaryDirectory()
        let collector = KnowledgeCollector(model: .mlp, settings: .init(), storage: InMemoryStorage())
        XCTAssertThrowsError(try collector.collect(directory: directory.url.path)) { error in
            XCTAssertTrue("\(error)".contains("no .csv files"), "\(error)")
        }
        XCTAssertThrowsError(try collector.collect(directory: directory.path("missing")))
    }
}
