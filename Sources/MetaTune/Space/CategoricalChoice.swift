/// A type whose values can be the choices of a categorical parameter — `String`, `Int`,
/// `Double` and `Bool` — so that `Trial.suggestCategorical` returns the choice in its own type.
public protocol CategoricalChoice: Hashable, Sendable {
    /// The choice as a parameter value.
    var paramValue: ParamValue { get }
    /// The choice a parameter value holds, or nil when it holds another type.
    init?(paramValue: ParamValue)
}

extension String: CategoricalChoice {
    public var paramValue: ParamValue { .string(self) }
    public init?(paramValue: ParamValue) {
        guard let value = paramValue.stringValue else { return nil }
        self = value
    }
}

extension Int: CategoricalChoice {
    public var paramValue: ParamValue { .int(self) }
    public init?(paramValue: ParamValue) {
        guard let value = paramValue.intValue else { return nil }
        self = value
    }
}

extension Double: CategoricalChoice {
    public var paramValue: ParamValue { .float(self) }
    public init?(paramValue: ParamValue) {
        guard let value = paramValue.doubleValue else { return nil }
        self = value
    }
}

extension Bool: CategoricalChoice {
    public var paramValue: ParamValue { .bool(self) }
    public init?(paramValue: ParamValue) {
        guard let value = paramValue.boolValue else { return nil }
        self = value
    }
}
