import Foundation

/// A prior mean for the GP, scaled to the standardised targets: targets ≈ a·m + b with
/// m = −prediction (predictions grow with quality in the study's direction, while the targets
/// are oriented for minimisation either way), a ≥ 0 and b by least squares. The GP models what
/// the prior mean leaves unexplained.
struct PriorMeanFit {
    let predict: @Sendable ([[String: ParamValue]]) -> [Double]
    let features: GPFeatureSpace
    /// The targets minus the fitted prior mean.
    let residuals: [Double]
    private let slope: Double
    private let intercept: Double

    init(predict: @escaping @Sendable ([[String: ParamValue]]) -> [Double], features: GPFeatureSpace, inputs: [[Double]],
         targets: [Double]) {
        self.predict = predict
        self.features = features
        let m = predict(inputs.map { features.values(of: $0) }).map { -$0 }
        let n = Double(m.count)
        let meanM = m.reduce(0, +) / n, meanY = targets.reduce(0, +) / n
        var covariance = 0.0, variance = 0.0
        for i in m.indices {
            covariance += (m[i] - meanM) * (targets[i] - meanY)
            variance += (m[i] - meanM) * (m[i] - meanM)
        }
        let a = variance > 1e-12 ? max(0, covariance / variance) : 0
        let b = meanY - a * meanM
        slope = a
        intercept = b
        residuals = m.indices.map { targets[$0] - (a * m[$0] + b) }
    }

    /// a·m + b at points of the feature space.
    func offsets(at points: [[Double]]) -> [Double] {
        guard slope > 0 else { return [Double](repeating: intercept, count: points.count) }
        return predict(points.map { features.values(of: $0) }).map { -slope * $0 + intercept }
    }
}
