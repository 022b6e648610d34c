import Foundation
import MetaTuneNumerics

/// A 2-D convolution layer over NCHW tensors: weights [out, in, k, k], bias [out].
public final class Conv2D: Layer {
    public let weight: Tensor
    public let bias: Tensor
    public let stride: Int
    public let padding: Int

    /// He-initialised weights (seeded), zero biases; `padding` defaults to "same" for odd kernels.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil,
                generator: inout SeededGenerator) {
        let fanIn = inChannels * kernel * kernel
        weight = Tensor(shape: [outChannels, inChannels, kernel, kernel],
                        data: Initializer.he.weights(count: outChannels * fanIn, fanIn: fanIn, fanOut: outChannels * kernel * kernel,
                                                     generator: &generator),
                        requiresGrad: true)
        bias = Tensor(zeros: [outChannels], requiresGrad: true)
        self.stride = stride
        self.padding = padding ?? kernel / 2
    }

    /// PyTorch's default initialisation as the benchmark protocol draws it (weights in
    /// [out][in][kh][kw] order, then biases, each (2·u53 − 1) / sqrt(in·k·k)).
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, padding: Int, protocolInit generator: inout SplitMix64) {
        let fanIn = inChannels * kernel * kernel
        let scale = 1 / Double(fanIn).squareRoot()
        weight = Tensor(shape: [outChannels, inChannels, kernel, kernel],
                        data: (0..<(outChannels * fanIn)).map { _ in Float((2 * generator.nextU53() - 1) * scale) },
                        requiresGrad: true)
        bias = Tensor(shape: [outChannels], data: (0..<outChannels).map { _ in Float((2 * generator.nextU53() - 1) * scale) },
                      requiresGrad: true)
        stride = 1
        self.padding = padding
    }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }

    public var parameters: [Tensor] { [weight, bias] }

    public func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor {
        input.conv2d(weight: parameters[parameters.startIndex], bias: parameters[parameters.startIndex + 1], stride: stride, padding: padding)
    }
}

/// Max pooling as a layer.
public final class MaxPool2D: Layer {
    public let size: Int

    public init(size: Int = 2) {
        self.size = size
    }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        input.maxPool2d(size: size)
    }

    public var parameters: [Tensor] { [] }
}
