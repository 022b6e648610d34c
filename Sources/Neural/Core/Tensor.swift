/// A Float32 tensor (row-major) and a node of the computation graph that produced it.
///
/// Operations on tensors record, for every result that depends on a tensor requiring gradients,
/// how to pass its gradient back to its inputs; `backward()` on a scalar result then fills the
/// `grad` of every such tensor (reverse-mode automatic differentiation).
public final class Tensor {
    public let shape: [Int]
    public var data: [Float]
    /// The gradient of the last `backward()` with respect to this tensor (same layout as `data`);
    /// empty until a gradient reaches it.
    public var grad: [Float] = []
    /// Whether gradients flow to (and through) this tensor.
    public let requiresGrad: Bool
    let inputs: [Tensor]
    let backwardStep: ((Tensor) -> Void)?

    /// A leaf tensor (data or a parameter).
    public init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not hold \(data.count) values")
        self.shape = shape
        self.data = data
        self.requiresGrad = requiresGrad
        inputs = []
        backwardStep = nil
    }

    /// The result of an operation; `backward` receives this tensor (with its `grad` filled) and adds
    /// the inputs' gradients.
    init(shape: [Int], data: [Float], inputs: [Tensor], backward: @escaping (Tensor) -> Void) {
        self.shape = shape
        self.data = data
        let needed = inputs.contains { $0.requiresGrad }
        requiresGrad = needed
        self.inputs = needed ? inputs : []
        backwardStep = needed ? backward : nil
    }

    /// A tensor of zeros.
    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    /// The number of elements.
    public var count: Int { data.count }

    /// The value of a one-element tensor.
    public var scalar: Float {
        precondition(data.count == 1, "not a scalar: shape \(shape)")
        return data[0]
    }

    /// Adds `delta` to the gradient, allocating it on first use.
    @inline(__always)
    func accumulateGrad(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        if grad.isEmpty { grad = [Float](repeating: 0, count: data.count) }
        grad.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Clears the gradient.
    public func zeroGrad() {
        grad = []
    }

    /// Back-propagates from this scalar: fills `grad` of every tensor it depends on that requires
    /// gradients (adding to gradients already there).
    public func backward() {
        precondition(data.count == 1, "backward() starts from a scalar, not shape \(shape)")
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search for a topological order (deep graphs must not overflow the stack).
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
                continue
            }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        accumulateGrad { $0[0] += 1 }
        for node in order.reversed() where !node.grad.isEmpty {
            node.backwardStep?(node)
        }
    }
}
