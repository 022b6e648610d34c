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
    /// The rows (of a 2-D tensor) the gradient may be nonzero in, sorted, while only row-sparse
    /// operations (`bagMeans`) have added to it since `zeroGrad()`; nil once a dense gradient
    /// reached it (or none did). Optimizers then update those rows only (see `gradientRanges`).
    var gradientRows: [Int]?
    /// Whether gradients flow to (and through) this tensor.
    public let requiresGrad: Bool
    let inputs: [Tensor]
    let backwardStep: ((Tensor) -> Void)?
    /// The vector-Jacobian product as tensor operations: given the gradient of the result (a
    /// tensor that may itself be part of a graph), each input's gradient (nil where none flows).
    /// What lets `gradients(of:withRespectTo:createGraph:)` differentiate a gradient again.
    let vjp: ((_ result: Tensor, _ upstream: Tensor) -> [Tensor?])?

    /// A leaf tensor (data or a parameter).
    public init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not hold \(data.count) values")
        self.shape = shape
        self.data = data
        self.requiresGrad = requiresGrad
        inputs = []
        backwardStep = nil
        vjp = nil
    }

    /// Whether operations on this thread record the graph (see `withoutRecording`).
    @TaskLocal static var isRecording = true

    /// Runs `body` with no graph recorded: results of operations require no gradients (as
    /// `torch.no_grad()`); for evaluation, and for gradients that need not be differentiated again.
    public static func withoutRecording<T>(_ body: () throws -> T) rethrows -> T {
        try $isRecording.withValue(false) { try body() }
    }

    /// The same values as a constant: no gradient flows back through the result.
    public func detached() -> Tensor { Tensor(shape: shape, data: data) }

    /// The result of an operation; `backward` receives this tensor (with its `grad` filled) and adds
    /// the inputs' gradients; `vjp` gives them as tensor operations (see `vjp`; nil for an op
    /// whose gradient cannot be differentiated again).
    init(shape: [Int], data: [Float], inputs: [Tensor], vjp: ((_ result: Tensor, _ upstream: Tensor) -> [Tensor?])? = nil,
         backward: @escaping (Tensor) -> Void) {
        self.shape = shape
        self.data = data
        let needed = Tensor.isRecording && inputs.contains { $0.requiresGrad }
        requiresGrad = needed
        self.inputs = needed ? inputs : []
        backwardStep = needed ? backward : nil
        self.vjp = needed ? vjp : nil
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
        gradientRows = nil
        grad.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Clears the gradient. A gradient that only row-sparse operations reached keeps its buffer
    /// and has just those rows zeroed (a large embedding table is not reallocated every step).
    public func zeroGrad() {
        if let rows = gradientRows, shape.count == 2, !grad.isEmpty {
            let width = shape[1]
            grad.withUnsafeMutableBufferPointer { g in
                for row in rows { for j in 0..<width { g[row * width + j] = 0 } }
            }
            gradientRows = []
        } else {
            grad = []
            gradientRows = nil
        }
    }

    /// Back-propagates from this scalar: fills `grad` of every tensor it depends on that requires
    /// gradients (adding to gradients already there).
    public func backward() {
        precondition(data.count == 1, "backward() starts from a scalar, not shape \(shape)")
        accumulateGrad { $0[0] += 1 }
        for node in topologicalOrder().reversed() where !node.grad.isEmpty {
            node.backwardStep?(node)
        }
    }

    /// Every tensor requiring gradients that this one depends on (itself included), inputs before
    /// the results computed from them.
    func topologicalOrder() -> [Tensor] {
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
        return order
    }
}
