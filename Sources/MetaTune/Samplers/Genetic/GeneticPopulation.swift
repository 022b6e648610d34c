import Foundation

/// The parent population of each generation of a genetic search, memoised per study.
///
/// Generation g is trials g·P … (g+1)·P − 1 (P: the population size). Its parents are the best P
/// complete trials numbered below g·P — (μ+λ) survivor selection, so the elite of all earlier
/// generations always survives. The population is recomputed only when another trial below g·P
/// has completed since it was last built.
final class GeneticPopulation: @unchecked Sendable {
    private let lock = NSLock()
    private var currentKey = ""
    private var memo: [Int: (completeCount: Int, members: [Int])] = [:]

    /// Indices into `history.trials` of generation `generation`'s parents, best first.
    func parents(history: StudyHistory, generation: Int, size: Int) -> [Int] {
        let boundary = min(generation * size, history.trials.count)
        var complete = 0
        for index in 0..<boundary where history.trials[index].state == .complete { complete += 1 }
        lock.lock()
        if history.cacheKey != currentKey {
            currentKey = history.cacheKey
            memo = [:]
        }
        if let cached = memo[generation], cached.completeCount == complete {
            lock.unlock()
            return cached.members
        }
        lock.unlock()
        let direction = history.direction
        let ranked = (0..<boundary).filter { history.trials[$0].state == .complete }
            .sorted { (direction.loss(history.trials[$0].value!), $0) < (direction.loss(history.trials[$1].value!), $1) }
        let members = Array(ranked.prefix(size))
        lock.lock()
        memo[generation] = (complete, members)
        lock.unlock()
        return members
    }
}
