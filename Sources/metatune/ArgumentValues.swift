import ArgumentParser
import MetaLearning
import MetaTune
import MetaTuneTasks
import Neural

// The library's enumerations as option values: argument-parser refuses anything else, and help
// lists the valid values.
extension StudyDirection: ExpressibleByArgument {}
extension TrialState: ExpressibleByArgument {}
extension SamplerKind: ExpressibleByArgument {}
extension PrunerKind: ExpressibleByArgument {}
extension MetaMethod: ExpressibleByArgument {}
extension BuiltinModel: ExpressibleByArgument {}
extension TaskMetric: ExpressibleByArgument {}
extension BundledDataset: ExpressibleByArgument {}
extension TrainingBenchmark: ExpressibleByArgument {}

extension BenchmarkProblem: ExpressibleByArgument {
    public init?(argument: String) {
        guard let problem = Self.named(argument) else { return nil }
        self = problem
    }

    public static var allValueStrings: [String] { all.map(\.name) }
    public var defaultValueDescription: String { name }
}

/// An option value that names one `Value`, or `all` of them (`bench --problem`, `bench --sampler`).
enum OneOrAll<Value: ExpressibleByArgument>: ExpressibleByArgument {
    case all
    case one(Value)

    private static var allName: String { "all" }

    init?(argument: String) {
        if argument == Self.allName { self = .all; return }
        guard let value = Value(argument: argument) else { return nil }
        self = .one(value)
    }

    static var allValueStrings: [String] { Value.allValueStrings + [allName] }

    var defaultValueDescription: String {
        if case .one(let value) = self { return value.defaultValueDescription }
        return Self.allName
    }

    /// The values named: the one, or `every` one.
    func values(of every: [Value]) -> [Value] {
        if case .one(let value) = self { return [value] }
        return every
    }
}
