import Foundation

/// The tensor operations gradients are written in: each differentiable again, so that a gradient
/// built from them (`Tensor.gradients(…, createGraph: true)`) has a gradient of its own.
extension Tensor {
    /// The result of an operation whose gradient is given only as tensor operations (`vjp`); its
    /// `backward()` step runs the same products without recording a graph.
    static func derived(shape: [Int], data: [Float], inputs: [Tensor],
                        vjp: @escaping (_ result: Tensor, _ upstream: Tensor) -> [Tensor?]) -> Tensor {
        Tensor(shape: shape, data: data, inputs: inputs, vjp: vjp) { result in
            let parts = withoutRecording { vjp(result, Tensor(shape: result.shape, data: result.grad)) }
            for (input, part) in zip(result.inputs, parts) where input.requiresGrad {
                guard let part else { continue }
                input.accumulateGrad { g in part.data.withUnsafeBufferPointer { p in for i in 0..<g.count { g[i] += p[i] } } }
            }
        }
    }

    /// `op` applied element by element to `a` and `b` (equal counts), in a loop the compiler vectorises.
    @inline(__always)
    static func zipped(_ a: [Float], _ b: [Float], _ op: (Float, Float) -> Float) -> [Float] {
        uninitializedArray(a.count) { out in
            guard !out.isEmpty, let o = out.baseAddress else { return }
            a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in
                // Large arrays split over the engine's threads (disjoint chunks: the same values).
                let (ap, bp, op_) = (UncheckedSendable(a.baseAddress!), UncheckedSendable(b.baseAddress!), UncheckedSendable(o))
                Engine.forEachChunk(out.count) { start, end in
                    for i in start..<end { op_.value[i] = op(ap.value[i], bp.value[i]) }
                }
            } }
        }
    }

    /// `op` applied to every element of `a`.
    @inline(__always)
    static func mapped(_ a: [Float], _ op: (Float) -> Float) -> [Float] {
        uninitializedArray(a.count) { out in a.withUnsafeBufferPointer { a in for i in 0..<out.count { out[i] = op(a[i]) } } }
    }

    /// Element-wise sum of two tensors of one shape.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "cannot add shapes \(a.shape) and \(b.shape)")
        return derived(shape: a.shape, data: zipped(a.data, b.data, +), inputs: [a, b]) { _, g in [g, g] }
    }

    /// Element-wise difference of two tensors of one shape.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "cannot subtract shapes \(a.shape) and \(b.shape)")
        return derived(shape: a.shape, data: zipped(a.data, b.data, -), inputs: [a, b]) { _, g in [g, g.scaled(by: -1)] }
    }

    /// Element-wise product of two tensors of one shape.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "cannot multiply shapes \(a.shape) and \(b.shape)")
        return derived(shape: a.shape, data: zipped(a.data, b.data, *), inputs: [a, b]) { _, g in [g * b, g * a] }
    }

    /// Every element times `factor`.
    public func scaled(by factor: Float) -> Tensor {
        Tensor.derived(shape: shape, data: Tensor.mapped(data) { $0 * factor }, inputs: [self]) { _, g in [g.scaled(by: factor)] }
    }

    /// Every element times the one value of `scalar` (shape [1]).
    public func multiplied(byScalar scalar: Tensor) -> Tensor {
        precondition(scalar.count == 1, "not a scalar: shape \(scalar.shape)")
        let factor = scalar.data[0]
        return Tensor.derived(shape: shape, data: Tensor.mapped(data) { $0 * factor }, inputs: [self, scalar]) { _, g in
            [g.multiplied(byScalar: scalar), (g * self).sum()]
        }
    }

    /// Element-wise product with constants (a mask, fixed weights): no gradient flows to them.
    public func multiplied(byConstant constant: [Float]) -> Tensor {
        precondition(constant.count == count, "\(constant.count) constants for \(count) values")
        return Tensor.derived(shape: shape, data: Tensor.zipped(data, constant, *), inputs: [self]) { _, g in
            [g.multiplied(byConstant: constant)]
        }
    }

    /// 1 − x, element-wise.
    public func oneMinus() -> Tensor {
        Tensor.derived(shape: shape, data: Tensor.mapped(data) { 1 - $0 }, inputs: [self]) { _, g in [g.scaled(by: -1)] }
    }

    /// Element-wise sum with constants.
    public func adding(constant: [Float]) -> Tensor {
        precondition(constant.count == count, "\(constant.count) constants for \(count) values")
        return Tensor.derived(shape: shape, data: Tensor.zipped(data, constant, +), inputs: [self]) { _, g in [g] }
    }

    /// The sum of all elements, shape [1].
    public func sum() -> Tensor {
        let shape = self.shape
        return Tensor.derived(shape: [1], data: [data.reduce(0, +)], inputs: [self]) { _, g in [g.expanded(to: shape)] }
    }

    /// A one-element tensor repeated into `shape`.
    public func expanded(to shape: [Int]) -> Tensor {
        precondition(count == 1, "only a scalar expands, not shape \(self.shape)")
        return Tensor.derived(shape: shape, data: [Float](repeating: data[0], count: shape.reduce(1, *)), inputs: [self]) { _, g in
            [g.sum()]
        }
    }

    /// The column sums of an [n, m] tensor, shape [m].
    public func sumRows() -> Tensor {
        precondition(shape.count == 2, "sumRows needs [n, m], not \(shape)")
        let (n, m) = (shape[0], shape[1])
        var out = [Float](repeating: 0, count: m)
        for row in 0..<n { for j in 0..<m { out[j] += data[row * m + j] } }
        return Tensor.derived(shape: [m], data: out, inputs: [self]) { _, g in [g.broadcastRows(n)] }
    }

    /// An [m] tensor repeated as the `n` rows of an [n, m] tensor.
    public func broadcastRows(_ n: Int) -> Tensor {
        precondition(shape.count == 1, "broadcastRows needs [m], not \(shape)")
        var out: [Float] = []
        out.reserveCapacity(n * count)
        for _ in 0..<n { out.append(contentsOf: data) }
        return Tensor.derived(shape: [n, count], data: out, inputs: [self]) { _, g in [g.sumRows()] }
    }

    /// Each element of an [n, m] tensor replaced by the sum of its row (self-adjoint).
    public func rowSumsBroadcast() -> Tensor {
        precondition(shape.count == 2, "rowSumsBroadcast needs [n, m], not \(shape)")
        let (n, m) = (shape[0], shape[1])
        var out = [Float](repeating: 0, count: n * m)
        for row in 0..<n {
            var total: Float = 0
            for j in 0..<m { total += data[row * m + j] }
            for j in 0..<m { out[row * m + j] = total }
        }
        return Tensor.derived(shape: shape, data: out, inputs: [self]) { _, g in [g.rowSumsBroadcast()] }
    }

    /// The row-wise softmax of an [n, m] tensor (stable: the row maximum is subtracted first).
    public func softmax() -> Tensor {
        precondition(shape.count == 2, "softmax needs [n, m], not \(shape)")
        let (n, m) = (shape[0], shape[1])
        var out = [Float](repeating: 0, count: n * m)
        for row in 0..<n {
            let base = row * m
            var peak = -Float.infinity
            for j in 0..<m { peak = Swift.max(peak, data[base + j]) }
            var total: Float = 0
            for j in 0..<m {
                out[base + j] = Foundation.exp(data[base + j] - peak)
                total += out[base + j]
            }
            for j in 0..<m { out[base + j] /= total }
        }
        // d softmax: y ⊙ (u − Σ_row u ⊙ y).
        return Tensor.derived(shape: shape, data: out, inputs: [self]) { y, u in
            let uy = u * y
            return [uy - y * uy.rowSumsBroadcast()]
        }
    }

    /// op(A)·op(B) for 2-D tensors, op transposing when asked.
    public func matmul(_ other: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        precondition(shape.count == 2 && other.shape.count == 2, "matmul needs 2-D tensors, not \(shape) and \(other.shape)")
        let (n, k) = transposeA ? (shape[1], shape[0]) : (shape[0], shape[1])
        let (k2, m) = transposeB ? (other.shape[1], other.shape[0]) : (other.shape[0], other.shape[1])
        precondition(k == k2, "matmul shapes \(shape) and \(other.shape) do not match")
        // The product overwrites every element (β = 0), so the output starts uninitialised.
        var out = k == 0 ? [Float](repeating: 0, count: n * m) : [Float](unsafeUninitializedCapacity: n * m) { $1 = n * m }
        if k > 0 { data.withUnsafeBufferPointer { a in other.data.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { c in
            Engine.gemm(transposeA: transposeA, transposeB: transposeB, m: n, n: m, k: k, a: a.baseAddress!, b: b.baseAddress!,
                        c: c.baseAddress!)
        } } } }
        return Tensor.derived(shape: [n, m], data: out, inputs: [self, other]) { _, g in
            Tensor.matmulVJP(g, self, other, transposeA: transposeA, transposeB: transposeB)
        }
    }

    /// The gradients of op(A)·op(B) with respect to A and B, as products.
    static func matmulVJP(_ g: Tensor, _ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> [Tensor?] {
        let da: Tensor?, db: Tensor?
        switch (transposeA, transposeB) {
        case (false, false):
            da = a.requiresGrad ? g.matmul(b, transposeA: false, transposeB: true) : nil
            db = b.requiresGrad ? a.matmul(g, transposeA: true, transposeB: false) : nil
        case (true, false):
            da = a.requiresGrad ? b.matmul(g, transposeA: false, transposeB: true) : nil
            db = b.requiresGrad ? a.matmul(g, transposeA: false, transposeB: false) : nil
        case (false, true):
            da = a.requiresGrad ? g.matmul(b, transposeA: false, transposeB: false) : nil
            db = b.requiresGrad ? g.matmul(a, transposeA: true, transposeB: false) : nil
        case (true, true):
            da = a.requiresGrad ? b.matmul(g, transposeA: true, transposeB: true) : nil
            db = b.requiresGrad ? g.matmul(a, transposeA: true, transposeB: true) : nil
        }
        return [da, db]
    }
}
