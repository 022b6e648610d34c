import MetaTuneNumerics

extension Tensor {
    /// Matrix product of [n, k] and [k, m] tensors.
    public func matmul(_ other: Tensor) -> Tensor {
        precondition(shape.count == 2 && other.shape.count == 2 && shape[1] == other.shape[0],
                     "matmul shapes \(shape) and \(other.shape) do not match")
        let (n, k, m) = (shape[0], shape[1], other.shape[1])
        // The product overwrites every element (β = 0), so the output starts uninitialised.
        var out = k == 0 ? [Float](repeating: 0, count: n * m) : [Float](unsafeUninitializedCapacity: n * m) { $1 = n * m }
        if k > 0 { data.withUnsafeBufferPointer { a in other.data.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { c in
            Engine.gemm(transposeA: false, transposeB: false, m: n, n: m, k: k, a: a.baseAddress!, b: b.baseAddress!,
                      c: c.baseAddress!)
        } } } }
        return Tensor(shape: [n, m], data: out, inputs: [self, other], vjp: { _, g in
            Tensor.matmulVJP(g, self, other, transposeA: false, transposeB: false)
        }) { result in
            Self.matmulBackward(result.grad, self, other, n: n, k: k, m: m)
        }
    }

    /// x·W + b for x [n, in], W [in, out], b [out] — one fused dense-layer step.
    public func linear(weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(shape.count == 2 && weight.shape.count == 2 && shape[1] == weight.shape[0],
                     "linear shapes \(shape) and \(weight.shape) do not match")
        let (n, k, m) = (shape[0], shape[1], weight.shape[1])
        var out = [Float](repeating: 0, count: n * m)
        if let bias {
            precondition(bias.shape == [m], "bias shape \(bias.shape) is not [\(m)]")
            out.withUnsafeMutableBufferPointer { c in
                bias.data.withUnsafeBufferPointer { b in
                    guard let source = b.baseAddress, let target = c.baseAddress else { return }
                    for row in 0..<n { (target + row * m).update(from: source, count: m) }
                }
            }
        }
        data.withUnsafeBufferPointer { a in weight.data.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { c in
            Engine.gemm(transposeA: false, transposeB: false, m: n, n: m, k: k, a: a.baseAddress!, b: b.baseAddress!,
                      beta: bias == nil ? 0 : 1, c: c.baseAddress!)
        } } }
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor(shape: [n, m], data: out, inputs: inputs, vjp: { _, g in
            Tensor.matmulVJP(g, self, weight, transposeA: false, transposeB: false) + (bias.map { $0.requiresGrad ? [g.sumRows()] : [nil] } ?? [])
        }) { result in
            Self.matmulBackward(result.grad, self, weight, n: n, k: k, m: m)
            if let bias, bias.requiresGrad {
                bias.accumulateGrad { g in
                    result.grad.withUnsafeBufferPointer { dy in
                        for row in 0..<n { for j in 0..<m { g[j] += dy[row * m + j] } }
                    }
                }
            }
        }
    }

    /// dA += dY·Bᵀ, dB += Aᵀ·dY.
    private static func matmulBackward(_ dy: [Float], _ a: Tensor, _ b: Tensor, n: Int, k: Int, m: Int) {
        dy.withUnsafeBufferPointer { dy in
            if a.requiresGrad {
                a.accumulateGrad { da in
                    b.data.withUnsafeBufferPointer { bp in
                        Engine.gemm(transposeA: false, transposeB: true, m: n, n: k, k: m, a: dy.baseAddress!,
                                  b: bp.baseAddress!, beta: 1, c: da.baseAddress!)
                    }
                }
            }
            if b.requiresGrad {
                b.accumulateGrad { db in
                    a.data.withUnsafeBufferPointer { ap in
                        Engine.gemm(transposeA: true, transposeB: false, m: k, n: m, k: n, a: ap.baseAddress!,
                                  b: dy.baseAddress!, beta: 1, c: db.baseAddress!)
                    }
                }
            }
        }
    }
}
