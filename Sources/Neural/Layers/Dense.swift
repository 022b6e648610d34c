import Foundation
import MetaTuneNumerics

/// How a layer's initial weights are drawn.
public enum Initializer: Sendable {
    /// N(0, 2 / fan_in): for ReLU-like activations.
    case he
    /// U(±sqrt(6 / (fan_in + fan_out))): for tanh and sigmoid.
    case glorot
    /// U(±1 / sqrt(fan_in)) for weights and biases, drawn with SplitMix64 `u53` in PyTorch's
    /// [out][in] order: PyTorch's default, and the training-benchmark protocol's.
    case pytorchDefault

    /// Draws `count` weights given the fan-in and fan-out.
    func weights(count: Int, fanIn: Int, fanOut: Int, generator: inout SeededGenerator) -> [Float] {
        switch self {
        case .he:
            let std = (2 / Double(fanIn)).squareRoot()
            return (0..<count).map { _ in Float(generator.nextStandardNormal() * std) }
        case .glorot:
            let limit = (6 / Double(fanIn + fanOut)).squareRoot()
            return (0..<count).map { _ in Float((2 * generator.nextUniform() - 1) * limit) }
        case .pytorchDefault:
            preconditionFailure("the PyTorch default draws from SplitMix64: use Dense(protocolInit:)")
        }
    }
}

/// A fully connected layer: y = x·W + b, with W stored [in, out].
public final class Dense: Layer {
    public let weight: Tensor
    public let bias: Tensor

    /// Weights from `initializer` (seeded), biases zero.
    public init(_ inputs: Int, _ outputs: Int, initializer: Initializer = .he, generator: inout SeededGenerator) {
        weight = Tensor(shape: [inputs, outputs],
                        data: initializer.weights(count: inputs * outputs, fanIn: inputs, fanOut: outputs, generator: &generator),
                        requiresGrad: true)
        bias = Tensor(zeros: [outputs], requiresGrad: true)
    }

    /// PyTorch's default initialisation as the benchmark protocol draws it: weight values in
    /// [out][in] order, then the biases, each (2·u53 − 1) / sqrt(in).
    public init(_ inputs: Int, _ outputs: Int, protocolInit generator: inout SplitMix64) {
        let scale = 1 / Double(inputs).squareRoot()
        var w = [Float](repeating: 0, count: inputs * outputs)
        for o in 0..<outputs {
            for i in 0..<inputs { w[i * outputs + o] = Float((2 * generator.nextU53() - 1) * scale) }
        }
        weight = Tensor(shape: [inputs, outputs], data: w, requiresGrad: true)
        bias = Tensor(shape: [outputs], data: (0..<outputs).map { _ in Float((2 * generator.nextU53() - 1) * scale) },
                      requiresGrad: true)
    }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        input.linear(weight: weight, bias: bias)
    }

    public var parameters: [Tensor] { [weight, bias] }

    public func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor {
        input.linear(weight: parameters[parameters.startIndex], bias: parameters[parameters.startIndex + 1])
    }
}
