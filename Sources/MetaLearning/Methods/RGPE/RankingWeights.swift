import Foundation
import MetaTuneNumerics

/// RGPE's ensemble weights (Feurer, Letham & Bakshy 2018): each model's ranking loss — the number
/// of pairs of the target's observations it orders wrongly — is computed on bootstrap samples of
/// those observations; a model's weight is the share of samples on which its loss is the lowest
/// (ties split). The target model is judged by its leave-one-out predictions. Base models whose
/// median loss exceeds the target model's 95th-percentile loss get no weight (weight dilution).
public enum RankingWeights {
    /// `predictions[m][j]`: model m's prediction at target observation j (the last model is the
    /// target model, with leave-one-out predictions); `targets[j]`: the observations. Lower is
    /// better for both.
    public static func weights(predictions: [[Double]], targets: [Double], samples: Int = 256,
                               using generator: inout SeededGenerator) -> [Double] {
        let models = predictions.count, n = targets.count
        guard models > 0 else { return [] }
        guard n >= 2 else { return [Double](repeating: 1 / Double(models), count: models) }
        var wins = [Double](repeating: 0, count: models)
        var losses = [[Double]](repeating: [], count: models)
        var sample = [Int](repeating: 0, count: n)
        for _ in 0..<samples {
            for j in 0..<n { sample[j] = generator.nextIndex(below: n) }
            let loss = (0..<models).map { Double(rankingLoss(predictions[$0], targets, sample)) }
            for m in 0..<models { losses[m].append(loss[m]) }
            let lowest = loss.min()!
            let winners = (0..<models).filter { loss[$0] == lowest }
            for m in winners { wins[m] += 1 / Double(winners.count) }
        }
        let targetThreshold = Statistics.percentile(losses[models - 1], 95)!
        for m in 0..<(models - 1) where Statistics.median(losses[m])! > targetThreshold { wins[m] = 0 }
        let total = wins.reduce(0, +)
        return total > 0 ? wins.map { $0 / total } : [Double](repeating: 0, count: models - 1) + [1]
    }

    /// Misordered pairs of the sampled observations.
    static func rankingLoss(_ predicted: [Double], _ actual: [Double], _ sample: [Int]) -> Int {
        var loss = 0
        for a in sample {
            for b in sample where (predicted[a] < predicted[b]) != (actual[a] < actual[b]) { loss += 1 }
        }
        return loss
    }
}
