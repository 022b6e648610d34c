import Foundation
import MetaTuneNumerics

/// The CMA-ES run at some point of a study's replay: the current state plus what the IPOP restart
/// rule watches (recent losses, collapsed generations, restarts so far).
struct CMARun: Sendable {
    private(set) var state: CMAState
    private(set) var restarts = 0
    /// The best and worst loss of each recent generation (at most `historyLength` generations).
    private var recentRanges: [(best: Double, worst: Double)] = []
    /// Consecutive generations whose points were all the same configuration.
    private var collapsedGenerations = 0

    init(state: CMAState) {
        self.state = state
    }

    /// How many generations of losses the flat-fitness rule looks back over (Hansen's 10 + ⌈30n/λ⌉).
    private var historyLength: Int {
        10 + Int((30 * Double(state.dimension) / Double(state.lambda)).rounded(.up))
    }

    /// Updates with one generation; `identical` says all its configurations were the same.
    mutating func tell(points: [[Double]], losses: [Double], injected: [Bool], identical: Bool) {
        state.update(points: points, losses: losses, injected: injected)
        recentRanges.append((losses.min()!, losses.max()!))
        if recentRanges.count > historyLength { recentRanges.removeFirst() }
        collapsedGenerations = identical ? collapsedGenerations + 1 : 0
    }

    /// True when the run has stopped making progress: the step size is negligible, the losses of
    /// many generations are flat, the population keeps collapsing onto one configuration (discrete
    /// spaces), or the covariance is ill-conditioned.
    func shouldRestart(_ options: CMAESSampler.Options) -> Bool {
        if state.sigma * state.eigenRange.max.squareRoot() < options.tolX { return true }
        if state.eigenRange.max > options.maxConditionNumber * state.eigenRange.min { return true }
        if collapsedGenerations >= options.collapsedGenerationsBeforeRestart { return true }
        if recentRanges.count >= historyLength {
            let best = recentRanges.map(\.best).min()!, worst = recentRanges.map(\.worst).max()!
            if worst - best < options.tolFun { return true }
        }
        return false
    }

    /// A fresh run with a doubled population (IPOP), its mean drawn uniformly in the cube.
    func restarted(sigma0: Double, populationFactor: Double, using generator: inout SeededGenerator) -> CMARun {
        let mean = (0..<state.dimension).map { _ in generator.nextUniform() }
        let lambda = Int((Double(state.lambda) * populationFactor).rounded())
        var run = CMARun(state: CMAState(mean: mean, sigma: sigma0, lambda: max(lambda, state.lambda)))
        run.restarts = restarts + 1
        return run
    }
}
