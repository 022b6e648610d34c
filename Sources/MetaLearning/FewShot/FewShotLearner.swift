import Foundation
import MetaTuneNumerics
import Neural

/// Where meta-training stands, reported every so often.
public struct FewShotProgress: Sendable {
    /// Meta-iterations done.
    public let iteration: Int
    public let iterations: Int
    /// The mean query loss (after adaptation) of the meta-batches since the last report.
    public let loss: Double
}

/// A few-shot learner: a network and, for Meta-SGD, its learned per-parameter learning rates,
/// meta-trained on a benchmark's tasks by one `FewShotMethod` and adapted to new tasks by SGD on
/// their support sets. Meta-parameters are updated by Adam on the meta-batch's mean meta-gradient.
public final class FewShotLearner {
    public let method: FewShotMethod
    public let settings: FewShotSettings
    public let benchmark: FewShotBenchmark
    /// The meta-learned network (the pre-trained one for `.pretrain`, untrained for `.scratch`).
    public let model: Sequential
    /// Meta-SGD's learning rate per parameter element (empty for the other methods).
    public let learningRates: [Tensor]
    /// Wall-clock seconds per meta-iteration of the last `train`.
    public private(set) var secondsPerIteration: Double?

    /// A learner with fresh weights (seeded by `settings.seed`).
    public init(method: FewShotMethod, benchmark: FewShotBenchmark, settings: FewShotSettings) throws {
        try settings.validate()
        if method == .protonet && benchmark.ways == nil {
            throw FewShotError("Prototypical Networks classify; \(benchmark.name) is a regression benchmark")
        }
        guard settings.shots <= benchmark.maximumShots else {
            throw FewShotError("\(benchmark.name) episodes can have at most \(benchmark.maximumShots) shots")
        }
        self.method = method
        self.benchmark = benchmark
        self.settings = settings
        model = benchmark.makeModel(outputs: method == .pretrain ? benchmark.pretrainingOutputs : benchmark.outputs, seed: settings.seed)
        learningRates = method == .metasgd
            ? model.parameters.map { Tensor(shape: $0.shape, data: [Float](repeating: settings.innerLearningRate, count: $0.count), requiresGrad: true) }
            : []
    }

    /// A learner with the given weights (a saved model).
    convenience init(method: FewShotMethod, benchmark: FewShotBenchmark, settings: FewShotSettings, weights: [[Float]], learningRates rates: [[Float]]) throws {
        try self.init(method: method, benchmark: benchmark, settings: settings)
        let parameters = model.parameters
        guard weights.count == parameters.count, zip(weights, parameters).allSatisfy({ $0.count == $1.count }),
              rates.isEmpty ? learningRates.isEmpty : rates.count == learningRates.count && zip(rates, learningRates).allSatisfy({ $0.count == $1.count })
        else { throw FewShotError("the saved weights do not fit the \(benchmark.name) network of \(method.rawValue)") }
        for (parameter, values) in zip(parameters, weights) { parameter.data = values }
        for (rate, values) in zip(learningRates, rates) { rate.data = values }
    }

    /// The tensors meta-training updates.
    var metaParameters: [Tensor] { model.parameters + learningRates }

    // MARK: - Meta-training

    /// Meta-trains for `settings.iterations` iterations (pre-trains, for `.pretrain`; nothing for
    /// `.scratch`), calling `progress` about every tenth of the way. Throws when the loss
    /// becomes non-finite (learning rates too large).
    public func train(progress: ((FewShotProgress) -> Void)? = nil) throws {
        guard method != .scratch, settings.iterations > 0 else { return }
        var generator = SeededGenerator(seed: settings.seed &+ 1)
        let optimizer = Adam(parameters: metaParameters, learningRate: settings.metaLearningRate)
        let every = max(1, settings.iterations / 10)
        var lossSince = 0.0, since = 0
        let start = Date()
        for iteration in 1...settings.iterations {
            let loss = method == .pretrain ? try pretrainingStep(&generator) : try metaStep(&generator)
            guard loss.isFinite else {
                throw FewShotError("meta-training diverged at iteration \(iteration) (loss \(loss)): lower the learning rates")
            }
            optimizer.step()
            optimizer.zeroGrad()
            lossSince += loss
            since += 1
            if iteration % every == 0 || iteration == settings.iterations {
                progress?(FewShotProgress(iteration: iteration, iterations: settings.iterations, loss: lossSince / Double(since)))
                lossSince = 0
                since = 0
            }
        }
        secondsPerIteration = Date().timeIntervalSince(start) / Double(settings.iterations)
    }

    /// One meta-batch: each task's meta-gradient averaged into the meta-parameters' `grad`;
    /// returns the mean query loss.
    func metaStep(_ generator: inout SeededGenerator) throws -> Double {
        let parameters = metaParameters
        var sums = parameters.map { [Float](repeating: 0, count: $0.count) }
        var loss = 0.0
        // Episodes are drawn in order, then the tasks run side by side on the engine's threads;
        // their gradients are summed in task order, so results do not depend on the threads.
        let episodes = (0..<settings.metaBatch).map { _ in benchmark.episode(.train, shots: settings.shots, generator: &generator) }
        for (taskLoss, gradients) in try Engine.sideBySide(episodes.count, { try taskGradients(episodes[$0]) }) {
            loss += taskLoss
            for (index, gradient) in gradients.enumerated() {
                sums[index].withUnsafeMutableBufferPointer { s in
                    gradient.withUnsafeBufferPointer { g in for i in 0..<s.count { s[i] += g[i] } }
                }
            }
        }
        let scale = 1 / Float(settings.metaBatch)
        for (parameter, sum) in zip(parameters, sums) { parameter.grad = sum.map { $0 * scale } }
        return loss / Double(settings.metaBatch)
    }

    /// One task's query loss and meta-gradient (one array per meta-parameter).
    func taskGradients(_ episode: FewShotEpisode) throws -> (Double, [[Float]]) {
        let theta = model.parameters
        switch method {
        case .maml, .fomaml, .metasgd:
            // First order: the inner steps are constants, so the gradient at the adapted weights is the meta-gradient.
            let fast = try adapt(theta, to: episode.support, steps: settings.innerSteps, network: model, createGraph: method.secondOrder)
            let loss = episode.query.targets.loss(forward(model, episode.query.inputs, fast))
            let gradients = try Tensor.gradients(of: loss, withRespectTo: method.secondOrder ? metaParameters : fast)
            return (Double(loss.scalar), gradients.map(\.data))
        case .anil:
            let (body, head) = split()
            let bodyCount = theta.count - head.parameters.count
            let bodyParameters = Array(theta[..<bodyCount])
            let supportFeatures = forward(body, episode.support.inputs, bodyParameters)
            let queryFeatures = forward(body, episode.query.inputs, bodyParameters)
            let fastHead = try adapt(Array(theta[bodyCount...]), to: FewShotSet(inputs: supportFeatures, targets: episode.support.targets),
                                     steps: settings.innerSteps, network: head, createGraph: true)
            let loss = episode.query.targets.loss(forward(head, queryFeatures, fastHead))
            return (Double(loss.scalar), try Tensor.gradients(of: loss, withRespectTo: theta).map(\.data))
        case .reptile:
            let fast = try adapt(theta, to: episode.support, steps: settings.innerSteps, network: model, createGraph: false)
            let loss = Tensor.withoutRecording { episode.query.targets.loss(forward(model, episode.query.inputs, fast)) }
            return (Double(loss.scalar), zip(theta, fast).map { zip($0.data, $1.data).map(-) })
        case .protonet:
            let loss = try prototypeLogits(episode, parameters: theta).loss
            let gradients = try Tensor.gradients(of: loss, withRespectTo: theta).map(\.data)
            return (Double(loss.scalar), gradients)
        case .scratch, .pretrain:
            throw FewShotError("\(method.rawValue) does not meta-learn")
        }
    }

    /// The pre-training baseline's step: the pooled examples' loss, its gradient into `grad`.
    private func pretrainingStep(_ generator: inout SeededGenerator) throws -> Double {
        let size = benchmark.ways == nil ? settings.metaBatch * settings.shots : 64
        let batch = benchmark.pretrainingBatch(size: size, generator: &generator)
        var context = ForwardContext(training: true)
        let loss = batch.targets.loss(model.forward(batch.inputs, &context))
        loss.backward()
        return Double(loss.scalar)
    }

    // MARK: - Adaptation

    /// `steps` SGD steps on `set` from `parameters` of `network` (at `rate`, else the inner
    /// learning rate, or Meta-SGD's learned rates): with `createGraph`, each step is part of the
    /// graph (MAML's second order); otherwise the result is new leaves.
    func adapt(_ parameters: [Tensor], to set: FewShotSet, steps: Int, network: Layer, createGraph: Bool, rate fixedRate: Float? = nil) throws -> [Tensor] {
        var fast = parameters
        for _ in 0..<steps {
            let loss = set.targets.loss(forward(network, set.inputs, fast))
            let gradients = try Tensor.gradients(of: loss, withRespectTo: fast, createGraph: createGraph)
            fast = zip(fast.indices, gradients).map { index, gradient in
                let rates = fixedRate == nil && learningRates.count == fast.count ? learningRates[index] : nil
                if createGraph {
                    return fast[index] - (rates.map { gradient * $0 } ?? gradient.scaled(by: fixedRate ?? settings.innerLearningRate))
                }
                let rate = fixedRate ?? settings.innerLearningRate
                let step = rates.map { zip(gradient.data, $0.data).map(*) } ?? gradient.data.map { $0 * rate }
                return Tensor(shape: fast[index].shape, data: zip(fast[index].data, step).map(-), requiresGrad: true)
            }
        }
        return fast
    }

    func forward(_ network: Layer, _ inputs: Tensor, _ parameters: [Tensor]) -> Tensor {
        var context = ForwardContext(training: true)
        return network.forward(inputs, parameters: parameters[...], &context)
    }

    /// The network without its last layer, and that layer.
    func split() -> (body: Sequential, head: Layer) {
        (Sequential(Array(model.layers.dropLast())), model.layers[model.layers.count - 1])
    }

    /// Prototypical Networks' logits for the query set: 2·q·p − |p|² per prototype p (the
    /// negative squared distance up to a per-query constant), and the query loss.
    func prototypeLogits(_ episode: FewShotEpisode, parameters: [Tensor]) throws -> (logits: Tensor, loss: Tensor) {
        guard case .labels(let labels, let ways) = episode.support.targets else {
            throw FewShotError("Prototypical Networks need class labels")
        }
        let (body, head) = split()
        let bodyParameters = Array(parameters[..<(parameters.count - head.parameters.count)])
        let support = forward(body, episode.support.inputs, bodyParameters)
        let query = forward(body, episode.query.inputs, bodyParameters)
        var counts = [Float](repeating: 0, count: ways)
        for label in labels { counts[label] += 1 }
        var averaging = [Float](repeating: 0, count: ways * labels.count)
        for (row, label) in labels.enumerated() { averaging[label * labels.count + row] = 1 / max(counts[label], 1) }
        let prototypes = Tensor(shape: [ways, labels.count], data: averaging).matmul(support)
        let dimensions = prototypes.shape[1]
        let norms = (prototypes * prototypes).matmul(Tensor(shape: [dimensions, 1], data: [Float](repeating: 1, count: dimensions)))
        let logits = query.matmul(prototypes, transposeA: false, transposeB: true).scaled(by: 2)
            - norms.reshaped([ways]).broadcastRows(query.shape[0])
        return (logits, episode.query.targets.loss(logits))
    }
}
