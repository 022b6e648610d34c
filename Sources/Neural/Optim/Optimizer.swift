import Foundation

/// Updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    /// The parameters it updates.
    var parameters: [Tensor] { get }
    /// The learning rate of the next step (schedules change it between steps).
    var learningRate: Float { get set }
    /// Applies one update from the parameters' current gradients.
    func step()
}

extension Optimizer {
    /// Clears every parameter's gradient.
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }

    /// Scales all gradients so that their global L2 norm is at most `maxNorm`; returns the norm
    /// before clipping.
    @discardableResult
    public func clipGradients(maxNorm: Float) -> Float {
        var sum: Double = 0
        for p in parameters { for g in p.grad { sum += Double(g * g) } }
        let norm = Float(sum.squareRoot())
        if norm > maxNorm && norm > 0 {
            let scale = maxNorm / norm
            for p in parameters where !p.grad.isEmpty {
                p.accumulateGrad { g in for i in 0..<g.count { g[i] *= scale } }
            }
        }
        return norm
    }
}
