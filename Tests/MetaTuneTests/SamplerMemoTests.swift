import XCTest
@testable import MetaTune

/// The memos samplers keep between asks (`HistoryCache`, `PointTable`, `KernelMemo`,
/// `CMAReplay`): each returns only what would be recomputed, and forgets a study it no longer sees.
final class SamplerMemoTests: XCTestCase {
    private func trial(_ number: Int, _ state: TrialState, _ distributions: [String: Distribution]) -> FrozenTrial {
        FrozenTrial(id: number, number: number, state: state, value: state == .complete ? 1 : nil,
                    params: distributions.mapValues { _ in .float(0.5) }, distributions: distributions)
    }

    func testTheIntersectionSpaceFollowsFinishedTrialsIncrementally() throws {
        let x = Distribution.float(try FloatDistribution(low: 0, high: 1))
        let y = Distribution.float(try FloatDistribution(low: 0, high: 1))
        let wider = Distribution.float(try FloatDistribution(low: 0, high: 2))
        let cache = HistoryCache()
        var trials = [trial(0, .complete, ["x": x, "y": y]), trial(1, .running, ["x": x])]
        XCTAssertEqual(cache.intersectionSearchSpace(of: StudyHistory(direction: .minimize, trials: trials, cacheKey: "s")),
                       ["x": x, "y": y], "a running trial does not narrow it")
        trials.append(trial(2, .complete, ["x": x, "y": wider]))
        XCTAssertEqual(cache.intersectionSearchSpace(of: StudyHistory(direction: .minimize, trials: trials, cacheKey: "s")),
                       ["x": x], "y's distribution differs in trial 2")
        trials.append(trial(3, .pruned, ["z": x]))
        XCTAssertEqual(cache.intersectionSearchSpace(of: StudyHistory(direction: .minimize, trials: trials, cacheKey: "s")),
                       ["x": x], "a pruned trial counts only for samplers that model partial trials")
        let partial = HistoryCache(intersectionIncludesPartial: true)
        XCTAssertEqual(partial.intersectionSearchSpace(of: StudyHistory(direction: .minimize, trials: trials, cacheKey: "s")), [:])
        // Another study: everything is forgotten and recomputed.
        XCTAssertEqual(cache.intersectionSearchSpace(of: StudyHistory(direction: .minimize, trials: [trial(0, .complete, ["y": y])],
                                                                      cacheKey: "other")), ["y": y])
    }

    func testAFinishedTrialsPointIsComputedOnceARunningOnesEveryTime() throws {
        let cache = HistoryCache()
        let history = StudyHistory(direction: .minimize, trials: [], cacheKey: "s")
        let axis = SpaceAxis(name: "x", distribution: .float(try FloatDistribution(low: 0, high: 1)))
        let table = cache.pointTable(spaceKey: [axis], history: history)
        var made = 0
        for _ in 0..<3 { XCTAssertEqual(table.point(number: 4, finished: true) { made += 1; return [0.25] }, [0.25]) }
        XCTAssertEqual(made, 1)
        for _ in 0..<3 { _ = table.point(number: 5, finished: false) { made += 1; return [0.5] } }
        XCTAssertEqual(made, 4)
        XCTAssertNil(table.point(number: 6, finished: true) { nil }, "a trial without the axis has no point")
        XCTAssertTrue(cache.pointTable(spaceKey: [axis], history: history) === table, "one table per joint space")
        XCTAssertFalse(cache.pointTable(spaceKey: [axis], history: StudyHistory(direction: .minimize, trials: [], cacheKey: "t")) === table)
    }

    func testTheKernelMemoRecallsTheLastFitPerSpaceOfTheSameStudyOnly() {
        let memo = KernelMemo()
        let a = StudyHistory(direction: .minimize, trials: [], cacheKey: "a")
        let kernel = MaternKernel(inverseSquaredLengthscales: [1, 2], signalVariance: 1, noiseVariance: 1e-3)
        XCTAssertNil(memo.kernel(for: a, axes: ["x", "y"]))
        memo.remember(kernel, for: a, axes: ["x", "y"])
        XCTAssertEqual(memo.kernel(for: a, axes: ["x", "y"])?.inverseSquaredLengthscales, [1, 2])
        XCTAssertNil(memo.kernel(for: a, axes: ["x"]), "another joint space")
        let b = StudyHistory(direction: .minimize, trials: [], cacheKey: "b")
        XCTAssertNil(memo.kernel(for: b, axes: ["x", "y"]), "another study")
        memo.remember(kernel, for: b, axes: ["x"])
        XCTAssertNil(memo.kernel(for: a, axes: ["x", "y"]), "remembering for another study forgets the first")
    }

    func testCMAReplayTellsOnlyGenerationsItHasNotSeen() {
        let replay = CMAReplay()
        let lambda = CMAState(mean: [0.5, 0.5], sigma: 0.3, lambda: 4).lambda
        func observations(_ count: Int, changing changed: Int? = nil) -> [CMAObservation] {
            (0..<count).map { n in
                CMAObservation(index: n, number: n == changed ? 1_000 + n : n, point: [0.5, 0.5], loss: Double(n))
            }
        }
        var told = 0
        func run(_ observations: [CMAObservation]) -> CMARun {
            replay.run(observations: observations, startupCount: 2,
                       makeInitial: { _ in CMARun(state: CMAState(mean: [0.5, 0.5], sigma: 0.3, lambda: 4)) },
                       tell: { _, _ in told += 1 })
        }
        _ = run(observations(2 + 3 * lambda))
        XCTAssertEqual(told, 3, "three generations after the start-up trials")
        _ = run(observations(2 + 3 * lambda + 1))
        XCTAssertEqual(told, 3, "an incomplete generation is not told")
        _ = run(observations(2 + 4 * lambda))
        XCTAssertEqual(told, 4, "only the new generation is told")
        _ = run(observations(2 + 4 * lambda, changing: 2 + lambda))
        XCTAssertEqual(told, 7, "a changed member of generation 2 replays generations 2, 3 and 4")
        _ = run(observations(2 + 4 * lambda, changing: 0))
        XCTAssertEqual(told, 11, "changed start-up trials replay everything")
    }
}
