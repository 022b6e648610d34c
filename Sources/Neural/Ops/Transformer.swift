import Foundation
import MetaTuneNumerics

extension Tensor {
    /// Rows `ids` of an [rows, d] table — an embedding lookup — as an [ids.count, d] tensor; the
    /// gradient adds into the rows looked up. Every id must be a row of the table.
    public func rows(_ ids: [Int]) -> Tensor {
        precondition(shape.count == 2 && ids.allSatisfy { (0..<shape[0]).contains($0) }, "row ids outside the table of shape \(shape)")
        let width = shape[1]
        var indices = [Int32]()
        indices.reserveCapacity(ids.count * width)
        for id in ids { for column in 0..<width { indices.append(Int32(id * width + column)) } }
        return gathered(indices, shape: [ids.count, width])
    }

    /// Layer normalisation of each row of an [n, d] tensor: (x − mean) / √(variance + ε) · γ + β
    /// (γ, β of shape [d]). Built from differentiable operations, so it differentiates twice.
    public func layerNormalized(gamma: Tensor, beta: Tensor, epsilon: Float) -> Tensor {
        precondition(shape.count == 2 && gamma.shape == [shape[1]] && beta.shape == [shape[1]], "layer norm shapes \(shape), \(gamma.shape), \(beta.shape)")
        if count > 0 && !(Tensor.isRecording && (requiresGrad || gamma.requiresGrad || beta.requiresGrad)) {
            return layerNormalizedConstant(gamma: gamma.data, beta: beta.data, epsilon: epsilon)
        }
        let (rows, width) = (shape[0], Float(shape[1]))
        let centered = self - rowSumsBroadcast().scaled(by: 1 / width)
        let variance = (centered * centered).rowSumsBroadcast().scaled(by: 1 / width)
        let inverseDeviation = variance.elementwise({ 1 / ($0 + epsilon).squareRoot() }, derivative: { _, y in -0.5 * y * y * y },
                                                    gradient: { _, y in (y * y * y).scaled(by: -0.5) })
        return centered * inverseDeviation * gamma.broadcastRows(rows) + beta.broadcastRows(rows)
    }

    /// Layer normalisation with no graph to record (inference): one pass per row, rows split
    /// over the engine's threads.
    private func layerNormalizedConstant(gamma: [Float], beta: [Float], epsilon: Float) -> Tensor {
        let (rows, width) = (shape[0], shape[1])
        let out = uninitializedArray(count) { out in
            data.withUnsafeBufferPointer { x in
                let (xp, op) = (UncheckedSendable(x.baseAddress!), UncheckedSendable(out.baseAddress!))
                Engine.parallelFor(rows, workPerItem: 4 * width) { row in
                    let (x, o) = (xp.value + row * width, op.value + row * width)
                    var mean: Float = 0
                    for j in 0..<width { mean += x[j] }
                    mean /= Float(width)
                    var variance: Float = 0
                    for j in 0..<width { variance += (x[j] - mean) * (x[j] - mean) }
                    let inverse = 1 / (variance / Float(width) + epsilon).squareRoot()
                    for j in 0..<width { o[j] = (x[j] - mean) * inverse * gamma[j] + beta[j] }
                }
            }
        }
        return Tensor(shape: shape, data: out)
    }

    /// Multi-head scaled dot-product self-attention. `query`, `key` and `value` are [batch · length,
    /// heads · size] (each sequence's rows together); `keyMask[b · length + j]` says whether key j
    /// of sequence b may be attended to (padding may not). Each query row gets softmax(q·kᵀ/√size)
    /// over the allowed keys times the values, per head, as [batch · length, heads · size].
    /// First order only: `Tensor.gradients` refuses a graph through it with a `GradientError`.
    public static func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, length: Int, keyMask: [Bool]) -> Tensor {
        let width = query.shape.count == 2 ? query.shape[1] : 0
        precondition(heads > 0 && length > 0 && width % heads == 0 && query.shape == key.shape && key.shape == value.shape
                     && query.shape[0] % length == 0 && keyMask.count == query.shape[0], "attention shapes do not fit")
        let batch = query.shape[0] / length, size = width / heads
        let scale = 1 / Float(size).squareRoot()
        // Softmax probabilities per (sequence, head): [batch, heads, length, length].
        var probabilities = [Float](repeating: 0, count: batch * heads * length * length)
        var out = [Float](repeating: 0, count: query.count)
        probabilities.withUnsafeMutableBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                query.data.withUnsafeBufferPointer { q in key.data.withUnsafeBufferPointer { k in value.data.withUnsafeBufferPointer { v in
                    let (pp, op) = (UncheckedSendable(p.baseAddress!), UncheckedSendable(o.baseAddress!))
                    let (qp, kp, vp) = (UncheckedSendable(q.baseAddress!), UncheckedSendable(k.baseAddress!), UncheckedSendable(v.baseAddress!))
                    Engine.parallelFor(batch * heads, minimumWork: 1, workPerItem: length * length * size) { pair in
                        let (b, h) = (pair / heads, pair % heads)
                        let offset = b * length * width + h * size
                        let scores = pp.value + pair * length * length
                        BLAS.gemm(transposeA: false, transposeB: true, m: length, n: length, k: size, alpha: scale, a: qp.value + offset, lda: width,
                                  b: kp.value + offset, ldb: width, beta: 0, c: scores, ldc: length)
                        for i in 0..<length { softmaxRow(scores + i * length, length, mask: keyMask, maskOffset: b * length) }
                        BLAS.gemm(transposeA: false, transposeB: false, m: length, n: size, k: length, a: scores, lda: length,
                                  b: vp.value + offset, ldb: width, beta: 0, c: op.value + offset, ldc: width)
                    }
                } } }
            }
        }
        return Tensor(shape: query.shape, data: out, inputs: [query, key, value]) { result in
            attentionBackward(result.grad, query, key, value, probabilities, batch: batch, heads: heads, length: length, size: size, scale: scale)
        }
    }

    /// Softmax of one row of scores in place, masked keys given probability 0 (all masked: all 0).
    private static func softmaxRow(_ row: UnsafeMutablePointer<Float>, _ length: Int, mask: [Bool], maskOffset: Int) {
        var largest = -Float.infinity
        for j in 0..<length where mask[maskOffset + j] { largest = max(largest, row[j]) }
        guard largest > -Float.infinity else {
            for j in 0..<length { row[j] = 0 }
            return
        }
        var total: Float = 0
        for j in 0..<length {
            let e: Float = mask[maskOffset + j] ? Foundation.exp(row[j] - largest) : 0
            row[j] = e
            total += e
        }
        let inverse = 1 / total
        for j in 0..<length { row[j] *= inverse }
    }

    /// dV += Pᵀ·dO; dP = dO·Vᵀ; dS = P ⊙ (dP − rowsum(P ⊙ dP)) · scale; dQ += dS·K; dK += dSᵀ·Q — per (sequence, head).
    private static func attentionBackward(_ dy: [Float], _ query: Tensor, _ key: Tensor, _ value: Tensor, _ probabilities: [Float],
                                          batch: Int, heads: Int, length: Int, size: Int, scale: Float) {
        let width = heads * size
        var dq = [Float](repeating: 0, count: query.count), dk = dq, dv = dq
        dy.withUnsafeBufferPointer { g in probabilities.withUnsafeBufferPointer { p in
            query.data.withUnsafeBufferPointer { q in key.data.withUnsafeBufferPointer { k in value.data.withUnsafeBufferPointer { v in
                dq.withUnsafeMutableBufferPointer { dqb in dk.withUnsafeMutableBufferPointer { dkb in dv.withUnsafeMutableBufferPointer { dvb in
                    let pointers = UncheckedSendable((g.baseAddress!, p.baseAddress!, q.baseAddress!, k.baseAddress!, v.baseAddress!,
                                                      dqb.baseAddress!, dkb.baseAddress!, dvb.baseAddress!))
                    Engine.parallelFor(batch * heads, minimumWork: 1, workPerItem: length * length * size) { pair in
                        let (g, p, q, k, v, dq, dk, dv) = pointers.value
                        let offset = (pair / heads) * length * width + (pair % heads) * size
                        let probabilities = p + pair * length * length
                        var dScores = [Float](repeating: 0, count: length * length)
                        dScores.withUnsafeMutableBufferPointer { ds in
                            let d = ds.baseAddress!
                            BLAS.gemm(transposeA: true, transposeB: false, m: length, n: size, k: length, a: probabilities, lda: length,
                                      b: g + offset, ldb: width, beta: 0, c: dv + offset, ldc: width)
                            BLAS.gemm(transposeA: false, transposeB: true, m: length, n: length, k: size, a: g + offset, lda: width,
                                      b: v + offset, ldb: width, beta: 0, c: d, ldc: length)
                            for i in 0..<length {
                                let row = i * length
                                var dot: Float = 0
                                for j in 0..<length { dot += probabilities[row + j] * d[row + j] }
                                for j in 0..<length { d[row + j] = probabilities[row + j] * (d[row + j] - dot) * scale }
                            }
                            BLAS.gemm(transposeA: false, transposeB: false, m: length, n: size, k: length, a: d, lda: length,
                                      b: k + offset, ldb: width, beta: 0, c: dq + offset, ldc: width)
                            BLAS.gemm(transposeA: true, transposeB: false, m: length, n: size, k: length, a: d, lda: length,
                                      b: q + offset, ldb: width, beta: 0, c: dk + offset, ldc: width)
                        }
                    }
                } } }
            } } }
        } }
        for (tensor, gradient) in [(query, dq), (key, dk), (value, dv)] where tensor.requiresGrad {
            tensor.accumulateGrad { g in gradient.withUnsafeBufferPointer { d in for i in 0..<g.count { g[i] += d[i] } } }
        }
    }
}

extension Tensor {
    /// The mean of each sequence's real-token rows of [batch · length, d] states: [batch, d]
    /// (`mask[b · length + t]`: position t of sequence b is real). A product with a fixed
    /// averaging matrix, so it differentiates like any matmul; a sequence with no real token gives zeros.
    public func sequenceMeans(length: Int, mask: [Bool]) -> Tensor {
        let rows = mask.count, batch = rows / max(length, 1)
        precondition(shape.count == 2 && shape[0] == rows && rows == batch * length, "sequence means of \(shape) with \(rows) mask entries")
        var averaging = [Float](repeating: 0, count: batch * rows)
        for b in 0..<batch {
            let real = (0..<length).filter { mask[b * length + $0] }.count
            for t in 0..<length where mask[b * length + t] { averaging[b * rows + b * length + t] = 1 / Float(max(real, 1)) }
        }
        return Tensor(shape: [batch, rows], data: averaging).matmul(self)
    }
}
