import Foundation

extension Tensor {
    /// Applies `f` to every element; `derivative(x, y)` is df/dx at input x with output y, and
    /// `gradient(x, y)` the same as a tensor operation (nil: the result's gradient cannot be
    /// differentiated again).
    func elementwise(_ f: (Float) -> Float, derivative: @escaping (Float, Float) -> Float,
                     gradient: ((_ x: Tensor, _ y: Tensor) -> Tensor)? = nil) -> Tensor {
        let out = data.map(f)
        let vjp = gradient.map { gradient in { (y: Tensor, g: Tensor) -> [Tensor?] in [g * gradient(self, y)] } }
        return Tensor(shape: shape, data: out, inputs: [self], vjp: vjp) { result in
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
        return Tensor(shape: shape, data: out, inputs: [self], vjp: { y, g in
            [g.multiplied(byConstant: Tensor.mapped(y.data) { $0 > 0 ? 1 : 0 })]
        }) { result in
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
        elementwise({ Foundation.tanh($0) }, derivative: { _, y in 1 - y * y }, gradient: { _, y in (y * y).oneMinus() })
    }

    /// The logistic function 1 / (1 + e^−x).
    public func sigmoid() -> Tensor {
        elementwise({ 1 / (1 + Foundation.exp(-$0)) }, derivative: { _, y in y * (1 - y) }, gradient: { _, y in y * y.oneMinus() })
    }

    /// The Gaussian error linear unit x·Φ(x) (exact, with erf).
    public func gelu() -> Tensor {
        let invSqrt2: Float = 0.70710678118654752
        if count > 0 && !(Tensor.isRecording && requiresGrad) {
            // Nothing to record (inference): the values only, split over the engine's threads.
            let out = uninitializedArray(count) { out in
                data.withUnsafeBufferPointer { x in
                    let (xp, op) = (UncheckedSendable(x.baseAddress!), UncheckedSendable(out.baseAddress!))
                    Engine.forEachChunk(count) { start, end in
                        for i in start..<end { op.value[i] = 0.5 * xp.value[i] * (1 + Foundation.erf(xp.value[i] * invSqrt2)) }
                    }
                }
            }
            return Tensor(shape: shape, data: out)
        }
        let invSqrt2Pi: Float = 0.39894228040143268
        let first: (Float) -> Float = { x in 0.5 * (1 + Foundation.erf(x * invSqrt2)) + x * invSqrt2Pi * Foundation.exp(-0.5 * x * x) }
        let second: (Float) -> Float = { x in invSqrt2Pi * Foundation.exp(-0.5 * x * x) * (2 - x * x) }
        let third: (Float) -> Float = { x in invSqrt2Pi * Foundation.exp(-0.5 * x * x) * (x * x * x - 4 * x) }
        // Each derivative is an element-wise op of its own, down to the third, whose gradient is not
        // differentiable again: the engine differentiates twice.
        return elementwise({ 0.5 * $0 * (1 + Foundation.erf($0 * invSqrt2)) }, derivative: { x, _ in first(x) }, gradient: { x, _ in
            x.elementwise(first, derivative: { x, _ in second(x) }, gradient: { x, _ in x.elementwise(second, derivative: { x, _ in third(x) }) })
        })
    }

    /// The same values with another shape of the same size.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        let shape = self.shape
        return Tensor(shape: newShape, data: data, inputs: [self], vjp: { _, g in [g.reshaped(shape)] }) { result in
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
