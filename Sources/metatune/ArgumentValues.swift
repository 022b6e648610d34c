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

/// `bench --problem`: one problem, or `all` of them.
enum ProblemSelection: ExpressibleByArgument {
    case all
    case one(BenchmarkProblem)

    private static let allName = "all"

    init?(argument: String) {
        if argument == Self.allName { self = .all; return }
        guard let problem = BenchmarkProblem(argument: argument) else { return nil }
        self = .one(problem)
    }

    static var allValueStrings: [String] { BenchmarkProblem.allValueStrings + [allName] }

    var problems: [BenchmarkProblem] {
        switch self {
        case .all: return BenchmarkProblem.all
        case .one(let problem): return [problem]
        }
    }
}
