import MetaTune

/// Why an external command cannot be set up or run.
public struct CommandError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The command line of an external objective, with `{name}` placeholders for parameter values,
/// `{trial_number}` for the trial number and, under a scheduler, `{resource}` (the resource to
/// train up to), `{checkpoint}` (where to save the run's state at the end) and `{restore}` (the
/// state to resume from; empty when the run starts afresh).
///
/// Placeholders are replaced inside each argument; the arguments are passed to the program as
/// they are, never through a shell, so a value containing spaces, quotes, `$(...)` or `;` reaches
/// the program intact as (part of) one argument. Braces that do not enclose a placeholder name
/// (e.g. JSON like `{"a": 1}`) are left alone.
public struct CommandTemplate: Sendable, Equatable {
    /// The program and its arguments, placeholders unexpanded.
    public let arguments: [String]

    /// The names that may appear as `{name}` besides the parameters.
    public static let builtinPlaceholders: Set<String> = ["trial_number", "resource", "checkpoint", "restore"]

    /// Checks the template: it needs a program, and every placeholder must name a parameter of
    /// `parameterNames` or a built-in one. Parameters may not take a built-in placeholder's name,
    /// nor two of them the same environment variable (`lr` and `LR`, `a-b` and `a_b`).
    public init(arguments: [String], parameterNames: Set<String>) throws {
        guard let program = arguments.first, !program.isEmpty else {
            throw CommandError("no command given: put the objective's command after '--'")
        }
        for name in parameterNames.sorted() where Self.builtinPlaceholders.contains(name) {
            throw CommandError("parameter '\(name)' has the name of MetaTune's own placeholder {\(name)}: rename the parameter")
        }
        let byVariable = Dictionary(grouping: parameterNames.sorted(), by: Self.environmentName(of:))
        for (variable, names) in byVariable.sorted(by: { $0.key < $1.key }) where names.count > 1 {
            throw CommandError("parameters \(names.map { "'\($0)'" }.joined(separator: " and ")) would all be passed as \(variable): rename all but one")
        }
        for argument in arguments {
            for name in Self.placeholders(in: argument)
            where !parameterNames.contains(name) && !Self.builtinPlaceholders.contains(name) {
                throw CommandError("placeholder '{\(name)}' in argument '\(argument)' names no parameter of the space (parameters: \(parameterNames.sorted().joined(separator: ", ")))")
            }
        }
        self.arguments = arguments
    }

    /// Whether some argument holds the placeholder `{name}`.
    public func uses(_ name: String) -> Bool {
        arguments.contains { Self.placeholders(in: $0).contains(name) }
    }

    /// The command line for one trial. Placeholders of parameters the trial does not have
    /// (inactive conditional parameters), and scheduler placeholders not in `scheduling`, become
    /// empty strings.
    public func render(params: [String: ParamValue], trialNumber: Int, scheduling: [String: String] = [:]) -> [String] {
        arguments.map { argument in
            Self.replacePlaceholders(in: argument) { name in
                if name == "trial_number" { return String(trialNumber) }
                if let value = scheduling[name] { return value }
                return params[name]?.description ?? ""
            }
        }
    }

    /// Environment variables for one trial: `METATUNE_PARAM_<NAME>` per parameter (upper case,
    /// other characters than letters and digits as `_`) and `METATUNE_TRIAL`.
    /// Under a scheduler also `METATUNE_RESOURCE`, `METATUNE_CHECKPOINT` and `METATUNE_RESTORE`.
    public static func environment(params: [String: ParamValue], trialNumber: Int, scheduling: [String: String] = [:]) -> [String: String] {
        var environment = ["METATUNE_TRIAL": String(trialNumber)]
        for (name, value) in scheduling { environment["METATUNE_" + name.uppercased()] = value }
        for (name, value) in params { environment[environmentName(of: name)] = value.description }
        return environment
    }

    /// The environment variable of parameter `name`: `METATUNE_PARAM_` and the name in upper case,
    /// other characters than letters and digits as `_`.
    public static func environmentName(of name: String) -> String {
        "METATUNE_PARAM_" + String(name.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// The placeholder names in an argument, in order.
    static func placeholders(in argument: String) -> [String] {
        var names: [String] = []
        _ = replacePlaceholders(in: argument) { name in
            names.append(name)
            return ""
        }
        return names
    }

    /// Replaces each `{name}` (name: letters, digits, `_`, `-`, `.`) by `value(name)`.
    private static func replacePlaceholders(in argument: String, _ value: (String) -> String) -> String {
        var result = ""
        var index = argument.startIndex
        while index < argument.endIndex {
            let character = argument[index]
            if character == "{", let close = argument[index...].firstIndex(of: "}") {
                let name = argument[argument.index(after: index)..<close]
                if !name.isEmpty && name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) {
                    result += value(String(name))
                    index = argument.index(after: close)
                    continue
                }
            }
            result.append(character)
            index = argument.index(after: index)
        }
        return result
    }
}
