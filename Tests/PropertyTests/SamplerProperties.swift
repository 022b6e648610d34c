import Foundation
import MetaTune
import PropertyBased
import Testing

/// A random search space of 1 to 4 parameters from `RandomDistributions`; with a categorical
/// first, the last parameter is conditional on its first choice.
let randomSpaces = zip(RandomDistributions.any.array(of: 1...4), Gen.bool).map { value -> SearchSpace? in
    let (distributions, conditional) = value
    var specs = distributions.enumerated().map { ParameterSpec(name: "p\($0.offset)", distribution: $0.element, condition: nil) }
    if conditional, specs.count > 1, case .categorical(let parent) = specs[0].distribution {
        let last = specs.count - 1
        specs[last] = ParameterSpec(name: specs[last].name, distribution: specs[last].distribution,
                                    condition: Condition(parent: "p0", values: [parent.choices[0]]))
    }
    return try? SearchSpace(specs)
}

/// Every sampler's suggestions lie in their distributions, for random spaces with extreme
/// bounds, constants and conditions, over enough trials that the model-based samplers leave
/// their start-up phase.
@Test(arguments: ["random", "tpe", "gp", "cmaes", "qmc", "ga", "rf"])
func everySuggestionLiesInItsDistribution(sampler name: String) async {
    await propertyCheck(count: 12, input: randomSpaces, Gen.int(in: 0...1_000_000)) { space, seed in
        guard let space else {
            Issue.record("the generator built an invalid space")
            return
        }
        do {
            let sampler = try SamplerCatalog.make(name, seed: UInt64(seed), space: space)
            let study = try Study.create(name: "p", direction: .minimize, sampler: sampler, storage: InMemoryStorage())
            try study.optimize(trials: 14) { trial in
                let values = try trial.suggest(space: space)
                return values.values.compactMap(\.doubleValue).reduce(0) { $0 + ($1.isFinite ? $1.magnitude.squareRoot() : 0) }
                    .truncatingRemainder(dividingBy: 97)
            }
            for trial in try study.trials {
                #expect(trial.state == .complete, "\(name): trial \(trial.number) \(trial.state) \(trial.failReason ?? "")")
                for (parameter, value) in trial.params {
                    let distribution = trial.distributions[parameter]
                    #expect(distribution.flatMap { $0.internalValue(of: value) } != nil,
                            "\(name): \(parameter) = \(value) not in \(distribution?.summary ?? "?")")
                }
                for spec in space.parameters where space.isActive(spec, given: trial.params) {
                    #expect(trial.params[spec.name] != nil, "\(name): active \(spec.name) missing")
                }
            }
        } catch {
            Issue.record("\(name): \(error)")
        }
    }
}
