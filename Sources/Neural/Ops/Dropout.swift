import MetaTuneNumerics

extension Tensor {
    /// Inverted dropout: each element is zeroed with probability `rate` and the rest scaled by
    /// 1 / (1 − rate), so evaluation needs no rescaling. Identity when `rate` is 0.
    public func dropout(rate: Float, using generator: inout SeededGenerator) -> Tensor {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
        if rate == 0 { return self }
        let keep = 1 / (1 - rate)
        var mask = [Float](repeating: 0, count: count)
        for i in 0..<count where generator.nextUniform() >= Double(rate) { mask[i] = keep }
        var out = data
        for i in 0..<count { out[i] *= mask[i] }
        return Tensor(shape: shape, data: out, inputs: [self], vjp: { _, g in [g.multiplied(byConstant: mask)] }) { result in
            self.accumulateGrad { g in
                result.grad.withUnsafeBufferPointer { dy in for i in 0..<g.count { g[i] += dy[i] * mask[i] } }
            }
        }
    }
}
