import Foundation

extension BenchmarkProblem {
    /// A synthetic neural-network HPO landscape with mixed parameter types (log float, log int,
    /// float, int, categorical); optimum 0.05 at adam, batch 32, 3 layers, dropout 0.3, lr 10^-3.15.
    public static let nnHPO = BenchmarkProblem(name: "nn_hpo", space: nnSpace(), optimum: 0.05) { p in
        0.9 - 0.85 * exp(-nnGap(p))
    }

    private static func nnSpace() -> SearchSpace {
        try! SearchSpace([
            ParameterSpec(name: "lr", distribution: .float(try! FloatDistribution(low: 1e-5, high: 1, log: true))),
            ParameterSpec(name: "batch_size", distribution: .int(try! IntDistribution(low: 16, high: 512, log: true))),
            ParameterSpec(name: "dropout", distribution: .float(try! FloatDistribution(low: 0, high: 0.8))),
            ParameterSpec(name: "n_layers", distribution: .int(try! IntDistribution(low: 1, high: 4))),
            ParameterSpec(name: "optimizer", distribution: .categorical(try! CategoricalDistribution(choices: ["sgd", "adam", "rmsprop"]))),
        ])
    }

    /// The excess loss g ≥ 0 (zero only at the optimum).
    private static func nnGap(_ p: [String: ParamValue]) -> Double {
        let lr = p["lr"]!.doubleValue!
        let batch = Double(p["batch_size"]!.intValue!)
        let dropout = p["dropout"]!.doubleValue!
        let layers = Double(p["n_layers"]!.intValue!)
        let optimizer = p["optimizer"]!.stringValue!
        let (gap, u0, k): (Double, Double, Double)
        switch optimizer {
        case "sgd": (gap, u0, k) = (0.06, -1.5, 0.6)
        case "adam": (gap, u0, k) = (0.00, -3.0, 0.8)
        default: (gap, u0, k) = (0.03, -3.3, 0.7)
        }
        let v = log2(batch)
        let du = log10(lr) - (u0 + 0.15 * (v - 6))
        let over = du - 1
        var g = gap + k * du * du
        g += 0.5 * (over > 0 ? over * over : 0)
        g += 0.01 * (1 - cos(2 * Double.pi * du))
        g += 0.02 * (v - 5) * (v - 5)
        g += 2 * (dropout - 0.1 * layers) * (dropout - 0.1 * layers)
        g += 0.05 * (layers - 3) * (layers - 3)
        if optimizer == "sgd" { g += 0.04 * (layers - 1) }
        return g
    }
}
