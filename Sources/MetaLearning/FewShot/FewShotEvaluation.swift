import Foundation
import MetaTune
import MetaTuneNumerics
import Neural

/// A learner's score on held-out tasks after a number of adaptation steps.
public struct FewShotScore: Sendable, Equatable {
    public let method: FewShotMethod
    public let benchmark: String
    public let shots: Int
    /// Classes per episode (nil for regression).
    public let ways: Int?
    /// SGD steps on each task's support set before scoring (0 for Prototypical Networks).
    public let steps: Int
    public let episodes: Int
    /// "mse" (regression, lower is better) or "accuracy" (percent, higher is better).
    public let metric: String
    /// The mean over episodes.
    public let value: Double
    /// Half the width of the 95 % confidence interval of the mean (1.96 · sd / √episodes).
    public let ci95: Double
    /// The same metric before any inner step (nil when there is no inner loop).
    public let beforeAdaptation: Double?
    /// How the support set was adapted to.
    public let fineTuning: FewShotFineTuning
}

extension FewShotLearner {
    /// Scores the learner on `episodes` tasks of `split` (drawn from a stream seeded apart from
    /// meta-training's): after each number of SGD steps in `steps` on the support set, the query
    /// metric — Meta-SGD steps with its learned rates, ANIL adapts the head only, the
    /// pre-training baseline fine-tunes with a fresh head for classification, the scratch
    /// baseline starts each task from fresh weights. `fineTuning` replaces the inner loop's SGD
    /// (Adam, or the head only: the baselines' stronger fine-tuning).
    public func evaluate(split: FewShotSplit = .test, steps: [Int], episodes: Int, seed: UInt64? = nil,
                         fineTuning: FewShotFineTuning = .innerLoop,
                         progress: ((_ done: Int, _ of: Int) -> Void)? = nil) throws -> [FewShotScore] {
        guard episodes >= 2 else { throw FewShotError("evaluation needs at least 2 episodes, not \(episodes)") }
        try fineTuning.validate()
        let counts = method.adapts ? Array(Set(steps)).sorted() : [0]
        guard let deepest = counts.last, counts.allSatisfy({ (0...1000).contains($0) }) else {
            throw FewShotError("evaluation steps must be from 0 to 1000")
        }
        var generator = SeededGenerator(seed: (seed ?? settings.seed) &+ (split == .test ? 1_000_000 : 2_000_000))
        var scores = [Int: [Double]](), before: [Double] = []
        for index in 0..<episodes {
            let episode = benchmark.episode(split, shots: settings.shots, generator: &generator)
            if method == .protonet {
                let logits = try Tensor.withoutRecording { try prototypeLogits(episode, parameters: model.parameters).logits }
                scores[0, default: []].append(episode.query.targets.metric(logits))
            } else {
                var (network, support, query, start) = starting(episode, index: index)
                if fineTuning.headOnly && method != .anil { (network, support, query, start) = headOnly(network, support, query, start) }
                var fast = start.map { Tensor(shape: $0.shape, data: $0.data, requiresGrad: true) }
                let score = { Tensor.withoutRecording { query.targets.metric(self.forward(network, query.inputs, fast)) } }
                before.append(score())
                if counts.first == 0 { scores[0, default: []].append(before[before.count - 1]) }
                let adam = fineTuning.optimizer == .adam ? Adam(parameters: fast, learningRate: fineTuning.learningRate ?? settings.innerLearningRate) : nil
                for step in 0..<deepest {
                    if let adam {
                        let loss = support.targets.loss(forward(network, support.inputs, fast))
                        for (parameter, gradient) in zip(fast, try Tensor.gradients(of: loss, withRespectTo: fast)) { parameter.grad = gradient.data }
                        adam.step()
                    } else {
                        fast = try adapt(fast, to: support, steps: 1, network: network, createGraph: false, rate: fineTuning.learningRate)
                    }
                    if counts.contains(step + 1) { scores[step + 1, default: []].append(score()) }
                }
            }
            progress?(index + 1, episodes)
        }
        let metric = benchmark.ways == nil ? "mse" : "accuracy"
        return counts.map { count in
            let values = scores[count] ?? []
            return FewShotScore(method: method, benchmark: benchmark.name, shots: settings.shots, ways: benchmark.ways, steps: count,
                                episodes: episodes, metric: metric, value: Self.mean(values), ci95: Self.halfWidth(values),
                                beforeAdaptation: method.adapts ? Self.mean(before) : nil,
                                fineTuning: method.adapts ? fineTuning : .innerLoop)
        }
    }

    /// The last layer of `network` and the support and query sets as features of the rest
    /// (computed once), for fine-tuning the head only.
    private func headOnly(_ network: Layer, _ support: FewShotSet, _ query: FewShotSet, _ start: [Tensor]) -> (Layer, FewShotSet, FewShotSet, [Tensor]) {
        guard let sequential = network as? Sequential, let head = sequential.layers.last else { return (network, support, query, start) }
        let body = Sequential(Array(sequential.layers.dropLast()))
        let bodyParameters = Array(start.dropLast(head.parameters.count))
        let features = { (set: FewShotSet) in
            Tensor.withoutRecording { FewShotSet(inputs: self.forward(body, set.inputs, bodyParameters), targets: set.targets) }
        }
        return (head, features(support), features(query), Array(start.suffix(head.parameters.count)))
    }

    /// The network an episode is adapted through, its support and query sets (features of the
    /// body for ANIL) and the weights adaptation starts from.
    private func starting(_ episode: FewShotEpisode, index: Int) -> (Layer, FewShotSet, FewShotSet, [Tensor]) {
        switch method {
        case .anil:
            let (body, head) = split()
            let bodyParameters = Array(model.parameters.dropLast(head.parameters.count))
            let features = { (set: FewShotSet) in
                Tensor.withoutRecording { FewShotSet(inputs: self.forward(body, set.inputs, bodyParameters), targets: set.targets) }
            }
            return (head, features(episode.support), features(episode.query), Array(model.parameters.suffix(head.parameters.count)))
        case .scratch:
            let fresh = benchmark.makeModel(outputs: benchmark.outputs, seed: settings.seed &+ 7_000_000 &+ UInt64(index))
            return (fresh, episode.support, episode.query, fresh.parameters)
        case .pretrain where benchmark.ways != nil:
            let fresh = benchmark.makeModel(outputs: benchmark.outputs, seed: settings.seed &+ 7_000_000 &+ UInt64(index))
            let headCount = fresh.layers[fresh.layers.count - 1].parameters.count
            return (fresh, episode.support, episode.query, model.parameters.dropLast(headCount) + fresh.parameters.suffix(headCount))
        default:
            return (model, episode.support, episode.query, model.parameters)
        }
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    static func halfWidth(_ values: [Double]) -> Double {
        guard values.count > 1 else { return .nan }
        let m = mean(values)
        let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
        return 1.96 * variance.squareRoot() / Double(values.count).squareRoot()
    }
}

extension FewShotScore {
    /// One JSON object: {"method", "benchmark", "shots", "ways", "steps", "episodes", "mse" or
    /// "accuracy", "ci95", "before_adaptation"}, and "fine_tuning" when it was not the inner loop.
    public var json: String {
        var object = OrderedJSONObject()
        object.add("method", method.rawValue)
        object.add("benchmark", benchmark)
        object.add("shots", shots)
        object.addRaw("ways", ways.map(String.init) ?? "null")
        object.add("steps", steps)
        object.add("episodes", episodes)
        object.add(metric, value)
        object.add("ci95", ci95)
        object.add("before_adaptation", beforeAdaptation)
        if !fineTuning.isInnerLoop { object.add("fine_tuning", fineTuning.label) }
        return object.text
    }
}
