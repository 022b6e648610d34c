import Foundation

/// A deterministic black-box minimisation problem with a known optimum, used to measure samplers.
/// The suite is exactly the one in the shared benchmark specification (problems.json).
public struct BenchmarkProblem: Sendable {
    public let name: String
    public let space: SearchSpace
    /// The optimal (minimal) value.
    public let optimum: Double
    private let function: @Sendable ([String: ParamValue]) -> Double

    init(name: String, space: SearchSpace, optimum: Double, function: @escaping @Sendable ([String: ParamValue]) -> Double) {
        self.name = name
        self.space = space
        self.optimum = optimum
        self.function = function
    }

    /// The objective at `params` (every parameter of `space` must be present).
    public func evaluate(_ params: [String: ParamValue]) -> Double {
        function(params)
    }

    /// Every problem of the suite, in the specification's order.
    public static let all: [BenchmarkProblem] = [
        .branin, .hartmann3, .hartmann6, .rosenbrock, .ackley, .levy, .styblinskiTang, .nnHPO,
    ]

    /// The problem named `name`, or nil.
    public static func named(_ name: String) -> BenchmarkProblem? {
        all.first { $0.name == name }
    }

    /// A box [low, high]^d of floats named x1 … xd.
    static func box(_ dimension: Int, _ low: Double, _ high: Double) -> SearchSpace {
        try! SearchSpace((1...dimension).map {
            ParameterSpec(name: "x\($0)", distribution: .float(try! FloatDistribution(low: low, high: high)))
        })
    }

    /// The coordinates x1 … xd of a point.
    static func vector(_ params: [String: ParamValue], _ dimension: Int) -> [Double] {
        (1...dimension).map { params["x\($0)"]!.doubleValue! }
    }
}
