import Foundation

extension Tensor {
    /// Applies `f` to every element; `derivative(x, y)` is df/dx at input x with output y.
    func elementwise(_ f: (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        let out = data.map(f)
        return Tensor(shape: shape, data: out, inputs: [self]) { result in
            self.accumulateGrad { g in
                result.grad.withUnsafeBufferPointer { dy in
                    self.data.withUnsafeBufferPointer { x in
                        result.data.withUnsafeBufferPointer { y in
                            for i in 0..<g.count { g[i] += dy[i] * derivative(x[i], y[i]) }
                        }
                    }
                }
            }
        }
    }

    /// max(0, x) (dedicated loops: it is the hottest activation).
    public func relu() -> Tensor {
        let n = count
        let out = uninitializedArray(n) { y in
            data.withUnsafeBufferPointer { x in
                Engine.forEachChunk(n) { start, end in
                    for i in start..<end { y[i] = Swift.max(x[i], 0) }
                }
            }
        }
        return Tensor(shape: shape, data: out, inputs: [self]) { result in
            self.accumulateGrad { g in
                result.grad.withUnsafeBufferPointer { dy in
                    result.data.withUnsafeBufferPointer { y in
                        Engine.forEachChunk(n) { start, end in
                            for i in start..<end { g[i] += y[i] > 0 ? dy[i] : 0 }  // branch-free: vectorises
                        }
                    }
                }
            }
        }
    }

    /// The hyperbolic tangent.
    public func tanh() -> Tensor {
        elementwise({ Foundation.tanh($0) }, derivative: { _, y in 1 - y * y })
    }

    /// The logistic function 1 / (1 + e^−x).
    public func sigmoid() -> Tensor {
        elementwise({ 1 / (1 + Foundation.exp(-$0)) }, derivative: { _, y in y * (1 - y) })
    }

    /// The Gaussian error linear unit x·Φ(x) (exact, with erf).
    public func gelu() -> Tensor {
        let invSqrt2: Float = 0.70710678118654752
        let invSqrt2Pi: Float = 0.39894228040143268
        return elementwise({ 0.5 * $0 * (1 + Foundation.erf($0 * invSqrt2)) }, derivative: { x, _ in
            0.5 * (1 + Foundation.erf(x * invSqrt2)) + x * invSqrt2Pi * Foundation.exp(-0.5 * x * x)
        })
    }

    /// The same values with another shape of the same size.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, data: data, inputs: [self]) { result in
            self.accumulateGrad { g in
                result.grad.withUnsafeBufferPointer { dy in for i in 0..<g.count { g[i] += dy[i] } }
            }
        }
    }

    /// [n, …] → [n, product of the rest].
    public func flattened() -> Tensor {
        reshaped([shape[0], count / shape[0]])
    }
}
