import Foundation

/// Updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    /// The parameters it updates.
    var parameters: [Tensor] { get }
    /// The learning rate of the next step (schedules change it between steps).
    var learningRate: Float { get set }
    /// Applies one update from the parameters' current gradients.
    func step()
    /// Takes over the running state (moments, velocities, step count) of `other`, an optimizer
    /// of the same kind over parameters of the same shapes.
    func copyState(from other: Optimizer) throws
}

/// Why an optimizer's or a model's state cannot be copied.
public struct StateMismatch: Error, CustomStringConvertible {
    public let description: String
}

/// Copies `source` into `target` after checking that the buffers match in number and sizes.
func copyBuffers(_ source: [[Float]], into target: inout [[Float]], what: String) throws {
    guard source.count == target.count, zip(source, target).allSatisfy({ $0.count == $1.count }) else {
        throw StateMismatch(description: "cannot copy \(what): the parameters differ in number or shape")
    }
    target = source
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
        for p in parameters {
            let ranges = p.gradientRanges()
            p.grad.withUnsafeBufferPointer { g in for range in ranges { for i in range { sum += Double(g[i] * g[i]) } } }
        }
        let norm = Float(sum.squareRoot())
        if norm > maxNorm && norm > 0 {
            let scale = maxNorm / norm
            for p in parameters where !p.grad.isEmpty {
                let ranges = p.gradientRanges()
                p.grad.withUnsafeMutableBufferPointer { g in for range in ranges { for i in range { g[i] *= scale } } }
            }
        }
        return norm
    }
}
