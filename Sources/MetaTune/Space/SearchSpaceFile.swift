import Foundation
import Yams

/// Why a check given to `SearchSpaceFile.load` refuses a parameter (the loader adds where).
public struct SearchSpaceCheckError: Error, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// A problem in a search-space file, located by file, line and parameter.
public struct SearchSpaceFileError: Error, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let parameter: String?
    public let message: String

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let parameter { return "\(location): parameter '\(parameter)': \(message)" }
        return "\(location): \(message)"
    }
}

/// Reads declarative search spaces from YAML or JSON (JSON is read as YAML).
///
/// The file is a mapping from parameter name to its definition, optionally under a top-level
/// `parameters:` key:
///
/// ```yaml
/// lr:         {type: float, low: 1.0e-5, high: 0.1, log: true}
/// batch_size: {type: int, low: 16, high: 512, log: true}
/// dropout:    {type: float, low: 0.0, high: 0.5, step: 0.05}
/// optimizer:  {type: categorical, choices: [sgd, adam]}
/// momentum:   {type: float, low: 0.0, high: 0.99, when: {optimizer: sgd}}
/// ```
///
/// `when: {parent: value}` (or a list of values) makes a parameter conditional.
public enum SearchSpaceFile {
    /// Loads and validates the space in the file at `path`; `check` may refuse a parameter (by
    /// throwing `SearchSpaceCheckError`), e.g. one a built-in model cannot take, and the error then
    /// names the file, line and parameter.
    public static func load(path: String, check: ((ParameterSpec) throws -> Void)? = nil) throws -> SearchSpace {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SearchSpaceFileError(file: path, line: nil, parameter: nil, message: "no such file")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SearchSpaceFileError(file: path, line: nil, parameter: nil, message: "cannot be read as UTF-8 text")
        }
        return try parse(text, file: path, check: check)
    }

    /// Parses and validates a space; `file` names the source in error messages; `check` as for `load`.
    public static func parse(_ text: String, file: String = "<space>", check: ((ParameterSpec) throws -> Void)? = nil) throws -> SearchSpace {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SearchSpaceFileError(file: file, line: yamlErrorLine(error), parameter: nil,
                                       message: "not valid YAML or JSON: \(yamlProblem(error))")
        }
        guard var mapping = root?.mapping else {
            throw SearchSpaceFileError(file: file, line: root?.mark?.line, parameter: nil,
                                       message: "expected a mapping from parameter names to definitions")
        }
        if mapping.count == 1, let inner = mapping["parameters"] {
            guard let innerMapping = inner.mapping else {
                throw SearchSpaceFileError(file: file, line: inner.mark?.line, parameter: nil,
                                           message: "'parameters' must be a mapping from names to definitions")
            }
            mapping = innerMapping
        }
        var specs: [ParameterSpec] = []
        var lines: [String: (definition: Int?, condition: Int?)] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            lines[name] = (key.mark?.line, value.mapping?["when"]?.mark?.line)
            let reader = DefinitionReader(file: file, name: name, node: value)
            let spec = try reader.read()
            do {
                try check?(spec)
            } catch let refusal as SearchSpaceCheckError {
                throw SearchSpaceFileError(file: file, line: key.mark?.line, parameter: name, message: refusal.message)
            }
            specs.append(spec)
        }
        if specs.isEmpty {
            throw SearchSpaceFileError(file: file, line: nil, parameter: nil, message: "the space defines no parameters")
        }
        do {
            return try SearchSpace(specs)
        } catch let error as SearchSpaceError {
            let line = lines[error.parameter].flatMap { error.isAboutCondition ? $0.condition ?? $0.definition : $0.definition }
            throw SearchSpaceFileError(file: file, line: line, parameter: nil, message: error.description)
        }
    }

    private static func yamlErrorLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _): return problem
        default: return "\(error)"
        }
    }
}

/// Reads one parameter definition node.
private struct DefinitionReader {
    let file: String
    let name: String
    let node: Node

    private static let knownKeys: Set<String> = ["type", "low", "high", "log", "step", "choices", "when"]

    func read() throws -> ParameterSpec {
        guard let mapping = node.mapping else {
            throw fail("expected a mapping such as {type: float, low: 0, high: 1}", at: node)
        }
        for key in mapping.keys where !Self.knownKeys.contains(key.string ?? "") {
            throw fail("unknown key '\(key.string ?? "?")' (expected one of: \(Self.knownKeys.sorted().joined(separator: ", ")))", at: key)
        }
        guard let typeNode = mapping["type"], let type = typeNode.string else {
            throw fail("missing 'type' (float, int or categorical)", at: node)
        }
        let distribution: Distribution
        do {
            switch type {
            case "float":
                distribution = .float(try FloatDistribution(
                    low: try number("low", in: mapping), high: try number("high", in: mapping),
                    log: try flag("log", in: mapping), step: try optionalNumber("step", in: mapping), name: name))
            case "int":
                distribution = .int(try IntDistribution(
                    low: try integer("low", in: mapping), high: try integer("high", in: mapping),
                    log: try flag("log", in: mapping), step: try optionalInteger("step", in: mapping) ?? 1, name: name))
            case "categorical":
                guard let choicesNode = mapping["choices"] else { throw fail("missing 'choices'", at: node) }
                guard let sequence = choicesNode.sequence else { throw fail("'choices' must be a list", at: choicesNode) }
                distribution = .categorical(try CategoricalDistribution(choices: sequence.map(choice), name: name))
            default:
                throw fail("unknown type '\(type)' (expected float, int or categorical)", at: typeNode)
            }
        } catch let error as SearchSpaceError {
            throw fail(message(of: error), at: node)
        }
        return ParameterSpec(name: name, distribution: distribution, condition: try condition(in: mapping))
    }

    private func condition(in mapping: Node.Mapping) throws -> Condition? {
        guard let whenNode = mapping["when"] else { return nil }
        guard let when = whenNode.mapping, when.count == 1, let (parentNode, valuesNode) = when.first,
              let parent = parentNode.string else {
            throw fail("'when' must name exactly one parent, e.g. when: {optimizer: sgd}", at: whenNode)
        }
        let values = try valuesNode.sequence.map { try $0.map(choice) } ?? [choice(valuesNode)]
        return Condition(parent: parent, values: values)
    }

    /// A choice keeps its YAML type: quoted scalars are strings; plain ones may be bools or numbers.
    /// Lists, mappings and null are refused: a choice is one number, string or boolean.
    private func choice(_ node: Node) throws -> ParamValue {
        guard let scalar = node.scalar else {
            throw fail("a choice must be a number, string or boolean, got a \(node.sequence != nil ? "list" : "mapping")", at: node)
        }
        if scalar.style != .plain { return .string(scalar.string) }
        switch scalar.string {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case "null", "Null", "NULL", "~", "":
            throw fail("a choice cannot be null (write 'null' in quotes for the string)", at: node)
        default: break
        }
        if let int = Int(scalar.string) { return .int(int) }
        if let double = Double(scalar.string), double.isFinite { return .float(double) }
        return .string(scalar.string)
    }

    private func number(_ key: String, in mapping: Node.Mapping) throws -> Double {
        guard let value = try optionalNumber(key, in: mapping) else { throw fail("missing '\(key)'", at: node) }
        return value
    }

    private func optionalNumber(_ key: String, in mapping: Node.Mapping) throws -> Double? {
        guard let valueNode = mapping[key] else { return nil }
        guard let text = valueNode.scalar?.string, let value = Double(text) else {
            throw fail("'\(key)' must be a number, got '\(valueNode.string ?? "?")'", at: valueNode)
        }
        return value
    }

    private func integer(_ key: String, in mapping: Node.Mapping) throws -> Int {
        guard let value = try optionalInteger(key, in: mapping) else { throw fail("missing '\(key)'", at: node) }
        return value
    }

    private func optionalInteger(_ key: String, in mapping: Node.Mapping) throws -> Int? {
        guard let valueNode = mapping[key] else { return nil }
        guard let text = valueNode.scalar?.string, let value = Int(text) ?? Double(text).flatMap({ $0.rounded() == $0 ? Int(exactly: $0) : nil }) else {
            throw fail("'\(key)' must be an integer, got '\(valueNode.string ?? "?")'", at: valueNode)
        }
        return value
    }

    private func flag(_ key: String, in mapping: Node.Mapping) throws -> Bool {
        guard let valueNode = mapping[key] else { return false }
        switch valueNode.scalar?.string {
        case "true", "True", "TRUE", "yes": return true
        case "false", "False", "FALSE", "no": return false
        default: throw fail("'\(key)' must be true or false, got '\(valueNode.string ?? "?")'", at: valueNode)
        }
    }

    /// The validation message without its "parameter 'x': " prefix (the file error adds it).
    private func message(of error: SearchSpaceError) -> String {
        let prefix = "parameter '\(name)': "
        let text = error.description
        return text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }

    private func fail(_ message: String, at node: Node) -> SearchSpaceFileError {
        SearchSpaceFileError(file: file, line: node.mark?.line, parameter: name, message: message)
    }
}
