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
