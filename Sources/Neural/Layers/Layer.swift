import MetaTuneNumerics

/// What a forward pass needs besides its input: training or evaluation mode, and the random
/// stream for dropout.
public struct ForwardContext {
    public var training: Bool
    public var generator: SeededGenerator

    public init(training: Bool, seed: UInt64 = 0) {
        self.training = training
        generator = SeededGenerator(seed: seed)
    }
}

/// A differentiable building block of a model.
public protocol Layer: AnyObject {
    /// The layer's output for `input`.
    func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor
    /// The trainable parameters (tensors requiring gradients).
    var parameters: [Tensor] { get }
    /// The output for `input` computed with `parameters` in place of the layer's own (as many,
    /// of the same shapes, in the same order): what adapted ("fast") weights of meta-learning run
    /// through, without copying the layer. Batch-norm layers use the batch's statistics here and
    /// leave their running statistics alone.
    func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor
}

extension Layer {
    /// Layers without parameters compute as usual.
    public func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor {
        forward(input, &context)
    }
}

/// Layers applied one after the other.
public final class Sequential: Layer {
    public let layers: [Layer]

    public init(_ layers: [Layer]) {
        self.layers = layers
    }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        var x = input
        for layer in layers { x = layer.forward(x, &context) }
        return x
    }

    public var parameters: [Tensor] { layers.flatMap(\.parameters) }

    public func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor {
        var x = input
        var next = parameters.startIndex
        for layer in layers {
            let count = layer.parameters.count
            x = layer.forward(x, parameters: parameters[next..<(next + count)], &context)
            next += count
        }
        return x
    }

    /// Takes over the weights and batch-norm statistics of `other`, a network of the same
    /// architecture (population-based training copies a better member this way).
    public func copyState(from other: Sequential) throws {
        let (mine, theirs) = (parameters, other.parameters)
        guard layers.count == other.layers.count, mine.count == theirs.count,
              zip(mine, theirs).allSatisfy({ $0.shape == $1.shape }) else {
            throw StateMismatch(description: "cannot copy weights between networks of different architectures")
        }
        for (target, source) in zip(mine, theirs) { target.data = source.data }
        for (target, source) in zip(layers, other.layers) {
            if let target = target as? BatchNorm, let source = source as? BatchNorm {
                try target.copyRunningStatistics(from: source)
            } else if let target = target as? Sequential, let source = source as? Sequential {
                try target.copyState(from: source)
            }
        }
    }
}

/// An element-wise activation function.
public enum Activation: String, CaseIterable, Sendable {
    case relu, gelu, tanh, sigmoid

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.relu()
        case .gelu: return x.gelu()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        }
    }
}

/// An activation as a layer.
public final class ActivationLayer: Layer {
    public let activation: Activation

    public init(_ activation: Activation) {
        self.activation = activation
    }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        activation.apply(input)
    }

    public var parameters: [Tensor] { [] }
}

/// Inverted dropout, active only in training.
public final class DropoutLayer: Layer {
    public let rate: Float

    public init(rate: Float) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
        self.rate = rate
    }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        context.training ? input.dropout(rate: rate, using: &context.generator) : input
    }

    public var parameters: [Tensor] { [] }
}

/// [n, …] → [n, features].
public final class FlattenLayer: Layer {
    public init() {}

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        input.flattened()
    }

    public var parameters: [Tensor] { [] }
}
