/// The pieces a convolution's and a pooling's gradients are written in, each differentiable again:
/// unfolding (im2col) and folding (col2im) are each other's adjoints, as are the two layouts of a
/// convolution's output and the gather and scatter of pooling's maxima.
extension Tensor {
    /// The column matrix [patch, positions] of an NCHW input (zero padding); `columns` when the
    /// caller has it already.
    func unfolded(_ g: ConvolutionGeometry, columns: [Float]? = nil) -> Tensor {
        let shape = self.shape
        let cols = columns ?? uninitializedArray(g.patch * g.positions) { c in data.withUnsafeBufferPointer { g.im2col($0, c) } }
        return Tensor.derived(shape: [g.patch, g.positions], data: cols, inputs: [self]) { _, u in [u.folded(g, into: shape)] }
    }

    /// A column matrix [patch, positions] summed back onto an NCHW tensor of `shape`.
    func folded(_ g: ConvolutionGeometry, into shape: [Int]) -> Tensor {
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        data.withUnsafeBufferPointer { c in out.withUnsafeMutableBufferPointer { g.col2im(c, $0) } }
        return Tensor.derived(shape: shape, data: out, inputs: [self]) { _, u in [u.unfolded(g)] }
    }

    /// NCHW [batch, channels, h, w] → [channels, batch·h·w] (a convolution's GEMM layout).
    func channelsMajor() -> Tensor {
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        let shape = self.shape
        let out = uninitializedArray(count) { out in
            data.withUnsafeBufferPointer { x in
                for s in 0..<n {
                    for ch in 0..<c {
                        (out.baseAddress! + ch * n * plane + s * plane).update(from: x.baseAddress! + (s * c + ch) * plane, count: plane)
                    }
                }
            }
        }
        return Tensor.derived(shape: [c, n * plane], data: out, inputs: [self]) { _, u in [u.batchMajor(shape)] }
    }

    /// [channels, batch·h·w] → NCHW of `shape` (the inverse of `channelsMajor`).
    func batchMajor(_ shape: [Int]) -> Tensor {
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        let out = uninitializedArray(count) { out in
            data.withUnsafeBufferPointer { x in
                for s in 0..<n {
                    for ch in 0..<c {
                        (out.baseAddress! + (s * c + ch) * plane).update(from: x.baseAddress! + ch * n * plane + s * plane, count: plane)
                    }
                }
            }
        }
        return Tensor.derived(shape: shape, data: out, inputs: [self]) { _, u in [u.channelsMajor()] }
    }

    /// The elements at `indices`, as a tensor of `shape`.
    func gathered(_ indices: [Int32], shape: [Int]) -> Tensor {
        let sourceShape = self.shape
        return Tensor.derived(shape: shape, data: indices.map { data[Int($0)] }, inputs: [self]) { _, u in
            [u.scattered(indices, into: sourceShape)]
        }
    }

    /// A tensor of `shape`, zero but for this tensor's elements added at `indices`.
    func scattered(_ indices: [Int32], into shape: [Int]) -> Tensor {
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        for (i, index) in indices.enumerated() { out[Int(index)] += data[i] }
        let ownShape = self.shape
        return Tensor.derived(shape: shape, data: out, inputs: [self]) { _, u in [u.gathered(indices, shape: ownShape)] }
    }

    /// The gradients of `conv2d` with respect to its input, weight and bias, as tensor operations.
    static func convolutionVJP(_ upstream: Tensor, input: Tensor, columns: [Float], weight: Tensor, bias: Tensor?,
                               _ g: ConvolutionGeometry) -> [Tensor?] {
        let dy = upstream.channelsMajor()  // [out, positions]
        let flatWeight = weight.reshaped([g.outChannels, g.patch])
        let dx = input.requiresGrad ? flatWeight.matmul(dy, transposeA: true, transposeB: false).folded(g, into: input.shape) : nil
        let dw = weight.requiresGrad ? dy.matmul(input.unfolded(g, columns: columns), transposeA: false, transposeB: true).reshaped(weight.shape) : nil
        guard let bias else { return [dx, dw] }
        let ones = Tensor(shape: [g.positions, 1], data: [Float](repeating: 1, count: g.positions))
        return [dx, dw, bias.requiresGrad ? dy.matmul(ones).reshaped([g.outChannels]) : nil]
    }
}
