import Foundation

extension Tensor {
    /// Mean softmax cross-entropy of logits [n, classes] against integer labels, computed stably
    /// (log-sum-exp with the row maximum subtracted).
    public func softmaxCrossEntropy(labels: [Int]) -> Tensor {
        precondition(shape.count == 2 && shape[0] == labels.count, "logits \(shape) and \(labels.count) labels do not match")
        let (n, classes) = (shape[0], shape[1])
        var probabilities = [Float](repeating: 0, count: n * classes)
        var total: Double = 0
        data.withUnsafeBufferPointer { z in
            probabilities.withUnsafeMutableBufferPointer { p in
                for row in 0..<n {
                    let base = row * classes
                    var peak = -Float.infinity
                    for j in 0..<classes { peak = max(peak, z[base + j]) }
                    var sum: Float = 0
                    for j in 0..<classes {
                        let e = Foundation.exp(z[base + j] - peak)
                        p[base + j] = e
                        sum += e
                    }
                    let logSum = Foundation.log(sum) + peak
                    let label = labels[row]
                    precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
                    total += Double(logSum - z[base + label])
                    let inverse = 1 / sum
                    for j in 0..<classes { p[base + j] *= inverse }
                }
            }
        }
        let loss = Float(total / Double(n))
        return Tensor(shape: [1], data: [loss], inputs: [self], vjp: { _, g in
            var oneHot = [Float](repeating: 0, count: n * classes)
            for row in 0..<n { oneHot[row * classes + labels[row]] = -1 }
            return [self.softmax().adding(constant: oneHot).scaled(by: 1 / Float(n)).multiplied(byScalar: g)]
        }) { result in
            let scale = result.grad[0] / Float(n)
            self.accumulateGrad { g in
                for row in 0..<n {
                    let base = row * classes
                    for j in 0..<classes { g[base + j] += scale * probabilities[base + j] }
                    g[base + labels[row]] -= scale
                }
            }
        }
    }

    /// Mean squared error against a target of the same shape.
    public func meanSquaredError(_ target: [Float]) -> Tensor {
        precondition(target.count == count, "target has \(target.count) values, prediction \(count)")
        var total: Double = 0
        for i in 0..<count {
            let d = Double(data[i] - target[i])
            total += d * d
        }
        let n = Float(count)
        return Tensor(shape: [1], data: [Float(total / Double(count))], inputs: [self], vjp: { _, g in
            [self.adding(constant: target.map { -$0 }).scaled(by: 2 / n).multiplied(byScalar: g)]
        }) { result in
            let scale = 2 * result.grad[0] / n
            self.accumulateGrad { g in for i in 0..<g.count { g[i] += scale * (self.data[i] - target[i]) } }
        }
    }
}
