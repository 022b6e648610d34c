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

/// `meta bench --methods`: comma-separated `PoolMethod` names.
struct PoolMethodList: ExpressibleByArgument {
    let methods: [PoolMethod]

    init(_ methods: [PoolMethod]) { self.methods = methods }

    init?(argument: String) {
        let methods = argument.split(separator: ",").map { PoolMethod(name: $0.trimmingCharacters(in: .whitespaces)) }
        guard !methods.isEmpty, methods.allSatisfy({ $0 != nil }) else { return nil }
        self.methods = methods.compactMap { $0 }
    }

    static var allValueStrings: [String] { PoolMethod.allCases.map(\.name) }
    var defaultValueDescription: String { methods.map(\.name).joined(separator: ",") }
}
extension ImportanceMethod: ExpressibleByArgument {}
