import Foundation

extension BenchmarkProblem {
    /// Branin–Hoo on [-5, 10] × [0, 15]; three global minima of 5/(4π).
    public static let branin = BenchmarkProblem(name: "branin", space: box2(), optimum: 5 / (4 * Double.pi)) { p in
        let x = vector(p, 2)
        let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
        let inner = x[1] - b * x[0] * x[0] + c * x[0] - 6
        return inner * inner + 10 * (1 - t) * cos(x[0]) + 10
    }

    private static func box2() -> SearchSpace {
        try! SearchSpace([
            ParameterSpec(name: "x1", distribution: .float(try! FloatDistribution(low: -5, high: 10))),
            ParameterSpec(name: "x2", distribution: .float(try! FloatDistribution(low: 0, high: 15))),
        ])
    }

    /// Hartmann 3-D on [0, 1]^3.
    public static let hartmann3 = BenchmarkProblem(name: "hartmann3", space: box(3, 0, 1), optimum: -3.8627797873326624) { p in
        hartmann(vector(p, 3), alpha: [1.0, 1.2, 3.0, 3.2],
                 a: [[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]],
                 p: [[0.3689, 0.1170, 0.2673], [0.4699, 0.4387, 0.7470],
                     [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828]])
    }

    /// Hartmann 6-D on [0, 1]^6.
    public static let hartmann6 = BenchmarkProblem(name: "hartmann6", space: box(6, 0, 1), optimum: -3.322368011415515) { p in
        hartmann(vector(p, 6), alpha: [1.0, 1.2, 3.0, 3.2],
                 a: [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                     [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]],
                 p: [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
                     [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
                     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
                     [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]])
    }

    private static func hartmann(_ x: [Double], alpha: [Double], a: [[Double]], p: [[Double]]) -> Double {
        var total = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in x.indices {
                let d = x[j] - p[i][j]
                inner += a[i][j] * d * d
            }
            total += alpha[i] * exp(-inner)
        }
        return -total
    }

    /// Rosenbrock 4-D on [-5, 10]^4.
    public static let rosenbrock = BenchmarkProblem(name: "rosenbrock", space: box(4, -5, 10), optimum: 0) { p in
        let x = vector(p, 4)
        var sum = 0.0
        for i in 0..<3 {
            let a = x[i + 1] - x[i] * x[i], b = x[i] - 1
            sum += 100 * a * a + b * b
        }
        return sum
    }

    /// Ackley 5-D on [-32.768, 32.768]^5.
    public static let ackley = BenchmarkProblem(name: "ackley", space: box(5, -32.768, 32.768), optimum: 0) { p in
        let x = vector(p, 5)
        let d = Double(x.count)
        let squares = x.reduce(0) { $0 + $1 * $1 }
        let cosines = x.reduce(0) { $0 + cos(2 * Double.pi * $1) }
        return -20 * exp(-0.2 * (squares / d).squareRoot()) - exp(cosines / d) + 20 + exp(1)
    }

    /// Levy 5-D on [-10, 10]^5.
    public static let levy = BenchmarkProblem(name: "levy", space: box(5, -10, 10), optimum: 0) { p in
        let w = vector(p, 5).map { 1 + ($0 - 1) / 4 }
        let first = sin(Double.pi * w[0])
        var sum = first * first
        for i in 0..<(w.count - 1) {
            let s = sin(Double.pi * w[i] + 1)
            sum += (w[i] - 1) * (w[i] - 1) * (1 + 10 * s * s)
        }
        let last = w[w.count - 1], s = sin(2 * Double.pi * last)
        return sum + (last - 1) * (last - 1) * (1 + s * s)
    }

    /// Styblinski–Tang 5-D on [-5, 5]^5.
    public static let styblinskiTang = BenchmarkProblem(name: "styblinski_tang", space: box(5, -5, 5),
                                                         optimum: -195.83082851885706) { p in
        0.5 * vector(p, 5).reduce(0) { $0 + ($1 * $1) * ($1 * $1) - 16 * $1 * $1 + 5 * $1 }
    }
}
