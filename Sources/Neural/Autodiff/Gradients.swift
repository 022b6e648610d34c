/// Why `Tensor.gradients(of:withRespectTo:createGraph:)` could not differentiate a graph.
public struct GradientError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

extension Tensor {
    /// The gradients of the scalar `output` with respect to each of `inputs` (zeros for an input
    /// it does not depend on), computed with every operation's vector-Jacobian product as tensor
    /// operations — what `torch.autograd.grad` does. The `grad` fields are left untouched.
    ///
    /// With `createGraph`, the gradients are results in the graph: a loss computed from them (the
    /// loss after an inner gradient step, as MAML's) can be differentiated again, giving
    /// second-order terms (Hessian-vector products). Without it they are constants and no graph
    /// is recorded on the way, which is cheaper.
    ///
    /// Throws when `output` is not a scalar, or when `createGraph` meets an operation whose
    /// gradient cannot be expressed as tensor operations (a gradient's own gradient taken twice
    /// more, for instance: the engine differentiates to the second order).
    public static func gradients(of output: Tensor, withRespectTo inputs: [Tensor], createGraph: Bool = false) throws -> [Tensor] {
        guard output.count == 1 else { throw GradientError(description: "gradients start from a scalar, not shape \(output.shape)") }
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(output): Tensor(shape: output.shape, data: [1])]
        func run() throws {
            for node in output.topologicalOrder().reversed() {
                guard let upstream = pending[ObjectIdentifier(node)], !node.inputs.isEmpty else { continue }
                guard let vjp = node.vjp else {
                    throw GradientError(description: "an operation of shape \(node.shape) has no differentiable gradient")
                }
                for (input, part) in zip(node.inputs, vjp(node, upstream)) where input.requiresGrad {
                    guard let part else { continue }
                    let key = ObjectIdentifier(input)
                    pending[key] = pending[key].map { $0 + part } ?? part
                }
            }
        }
        if createGraph { try run() } else { try withoutRecording { try run() } }
        return inputs.map { pending[ObjectIdentifier($0)] ?? Tensor(zeros: $0.shape) }
    }
}
