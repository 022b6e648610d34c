import XCTest
import MetaTune
@testable import MetaLearning

final class KnowledgeRescoringTests: XCTestCase {
    private func task(_ name: String, collection: PastTask.CollectionSettings?, curves: [[Double]]) -> PastTask {
        PastTask(name: name, metaFeatures: MetaFeatures(values: ["rows": 100]),
                 trials: curves.enumerated().map { index, curve in
                     PastTrial(params: ["x": .float(Double(index))], score: curve.max()!, configIndex: index, curve: curve)
                 },
                 collection: collection)
    }

    private var knowledge: KnowledgeBase {
        KnowledgeBase(tasks: [
            task("four", collection: .init(epochs: 4, metric: "best-accuracy"), curves: [[0.1, 0.5, 0.3, 0.4], [0.2, 0.2, 0.6, 0.1]]),
            task("own", collection: nil, curves: [[0.3, 0.7]]),
            task("two", collection: .init(epochs: 2, metric: "accuracy"), curves: [[0.4, 0.8]]),
        ])
    }

    func testCollectedTasksWhoseCurvesReachAreScoredAsTheRun() {
        let (lastOfTwo, count) = knowledge.rescored(for: .init(epochs: 2, metric: "accuracy"))
        XCTAssertEqual(count, 1, "'two' was collected so already; 'own' was not collected")
        XCTAssertEqual(lastOfTwo.tasks[0].trials.map(\.score), [0.5, 0.2])
        XCTAssertEqual(lastOfTwo.tasks[0].trials.map(\.curve), [[0.1, 0.5], [0.2, 0.2]])
        XCTAssertEqual(lastOfTwo.tasks[0].collection, .init(epochs: 2, metric: "accuracy"))
        XCTAssertEqual(Array(lastOfTwo.tasks[1...]), Array(knowledge.tasks[1...]))

        let (bestOfThree, longer) = knowledge.rescored(for: .init(epochs: 3, metric: "best-accuracy"))
        XCTAssertEqual(longer, 1, "the curves of 'two' stop at 2 epochs")
        XCTAssertEqual(bestOfThree.tasks[0].trials.map(\.score), [0.5, 0.6])
        XCTAssertEqual(bestOfThree.tasks[2], knowledge.tasks[2])
    }

    func testOtherMetricsAndLongerRunsLeaveTheKnowledgeAsItIs() {
        for settings in [PastTask.CollectionSettings(epochs: 2, metric: "log-loss"), .init(epochs: 5, metric: "accuracy")] {
            let (same, count) = knowledge.rescored(for: settings)
            XCTAssertEqual(count, 0, "\(settings)")
            XCTAssertEqual(same, knowledge)
        }
    }
}
