/// A parameter exists only when its parent categorical takes one of `values`.
public struct Condition: Hashable, Sendable, Codable {
    public let parent: String
    public let values: [ParamValue]

    public init(parent: String, values: [ParamValue]) {
        self.parent = parent
        self.values = values
    }
}

/// One named parameter of a declarative search space.
public struct ParameterSpec: Hashable, Sendable, Codable {
    public let name: String
    public let distribution: Distribution
    public let condition: Condition?

    public init(name: String, distribution: Distribution, condition: Condition? = nil) {
        self.name = name
        self.distribution = distribution
        self.condition = condition
    }
}

/// A declarative, validated search space: an ordered list of named distributions, some
/// conditional on the value of an earlier categorical parameter.
///
/// Define-by-run code does not need one (it calls `trial.suggestFloat` and friends); the
/// command line and YAML/JSON files do, and `Trial.suggest(space:)` samples one.
public struct SearchSpace: Hashable, Sendable, Codable {
    public let parameters: [ParameterSpec]

    /// Validates and creates a space. Parents must be categorical and declared before their children.
    public init(_ parameters: [ParameterSpec]) throws {
        var seen: [String: ParameterSpec] = [:]
        for spec in parameters {
            try Self.validateName(spec.name)
            if seen[spec.name] != nil { throw SearchSpaceError.duplicateName(name: spec.name) }
            if let condition = spec.condition {
                guard let parent = seen[condition.parent] else {
                    if parameters.contains(where: { $0.name == condition.parent }) {
                        throw SearchSpaceError.parentDeclaredLater(name: spec.name, parent: condition.parent)
                    }
                    throw SearchSpaceError.unknownParent(name: spec.name, parent: condition.parent)
                }
                guard case .categorical(let parentChoices) = parent.distribution else {
                    throw SearchSpaceError.parentNotCategorical(name: spec.name, parent: condition.parent)
                }
                if condition.values.isEmpty { throw SearchSpaceError.emptyCondition(name: spec.name) }
                for value in condition.values where parentChoices.index(of: value) == nil {
                    throw SearchSpaceError.conditionValueNotAChoice(name: spec.name, parent: condition.parent,
                                                                   value: value.description)
                }
            }
            seen[spec.name] = spec
        }
        self.parameters = parameters
    }

    /// The parameter named `name`, if any.
    public subscript(name: String) -> ParameterSpec? {
        parameters.first { $0.name == name }
    }

    /// Whether `spec` is active given the values chosen so far for earlier parameters.
    public func isActive(_ spec: ParameterSpec, given values: [String: ParamValue]) -> Bool {
        guard let condition = spec.condition else { return true }
        guard let parentValue = values[condition.parent] else { return false }
        return condition.values.contains { $0.sameChoice(as: parentValue) }
    }

    /// Names may contain letters, digits, `_`, `-` and `.`, so they are safe as `{name}`
    /// placeholders and in environment variable names.
    static func validateName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)
        }
        if name.isEmpty || !allowed { throw SearchSpaceError.invalidName(name: name) }
    }
}
