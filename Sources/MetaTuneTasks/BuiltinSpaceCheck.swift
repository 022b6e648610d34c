import Foundation
import MetaTune
import Neural

/// What a built-in model accepts for each hyperparameter it reads, so that a `--space` file is
/// checked before any trial runs: an unknown name (which the model would silently ignore) or a
/// range the model cannot take is refused with the file, line and parameter.
extension BuiltinModel {
    /// The most tokens a text row may keep (`max_length`).
    public static let longestTokenRow = 8_192

    /// The values one hyperparameter may take.
    enum Domain {
        /// Numbers in `range` (integers only when `integer`); `lowExclusive`/`highExclusive` leave
        /// out the bound itself.
        case number(ClosedRange<Double>, integer: Bool, lowExclusive: Bool = false, highExclusive: Bool = false)
        /// One of these names.
        case names([String])
        /// true or false.
        case boolean
    }

    /// The hyperparameters the model reads, with their domains.
    var domains: [(name: String, domain: Domain)] {
        var list: [(name: String, domain: Domain)] = [
            ("learning_rate", .number(0...10, integer: false, lowExclusive: true)),
            ("batch_size", .number(1...65_536, integer: true)),
        ]
        switch self {
        case .mlp: list.append(("depth", .number(1...64, integer: true)))
        case .cnn: list.append(("depth", .number(1...8, integer: true)))
        case .textTransformer: list.append(("depth", .number(1...24, integer: true)))
        case .textBow, .textCNN, .pretrainedEncoder: break
        }
        switch self {
        case .mlp: list.append(("width", .number(1...16_384, integer: true)))
        case .cnn:
            list.append(("channels", .number(1...1_024, integer: true)))
            list.append(("kernel", .number(1...15, integer: true)))
        case .textBow: list.append(("dimension", .number(1...4_096, integer: true)))
        case .textCNN:
            list.append(("dimension", .number(1...4_096, integer: true)))
            list.append(("filters", .number(1...4_096, integer: true)))
            list.append(("kernel", .number(1...15, integer: true)))
        case .textTransformer:
            list.append(("dimension", .number(1...4_096, integer: true)))
            list.append(("heads", .number(1...64, integer: true)))
        case .pretrainedEncoder: list.append(("fine_tuned_layers", .number(0...64, integer: true)))
        }
        if readsTokenIDs { list.append(("max_length", .number(1...Double(Self.longestTokenRow), integer: true))) }
        if self == .pretrainedEncoder { list.append(("max_length", .number(2...512, integer: true))) }
        list += [
            ("activation", .names(Activation.allCases.map(\.rawValue))),
            ("dropout", .number(0...1, integer: false, highExclusive: true)),
            ("weight_decay", .number(0...1, integer: false)),
            ("optimizer", .names(OptimizerKind.allCases.map(\.rawValue))),
            ("momentum", .number(0...1, integer: false, highExclusive: true)),
            ("hyper_lr", .number(0...1, integer: false)),
            ("warmup", .number(0...1, integer: false, highExclusive: true)),
            ("epochs", .number(1...10_000, integer: true)),
            ("batch_norm", .boolean),
        ]
        return list
    }

    /// Refuses a parameter this model does not read (naming the known ones and the nearest), or a
    /// distribution with values outside what the model accepts. Pass it to `SearchSpaceFile.load`,
    /// which adds the file, line and parameter.
    public func check(_ spec: ParameterSpec) throws {
        guard let domain = domains.first(where: { $0.name == spec.name })?.domain else {
            let known = domains.map(\.name)
            let nearest = Self.nearest(to: spec.name, among: known).map { "; did you mean '\($0)'?" } ?? ""
            throw SearchSpaceCheckError("the \(rawValue) does not read a hyperparameter '\(spec.name)' (it reads: \(known.joined(separator: ", "))\(nearest))")
        }
        switch (domain, spec.distribution) {
        case (.number(let range, let integer, let lowExclusive, let highExclusive), .float(let d)):
            if integer { throw SearchSpaceCheckError("must be an int parameter (or categorical numbers), not a float") }
            try Self.checkBounds(d.low, d.high, range, lowExclusive: lowExclusive, highExclusive: highExclusive)
        case (.number(let range, _, let lowExclusive, let highExclusive), .int(let d)):
            try Self.checkBounds(Double(d.low), Double(d.high), range, lowExclusive: lowExclusive, highExclusive: highExclusive)
        case (.number(let range, let integer, let lowExclusive, let highExclusive), .categorical(let d)):
            for choice in d.choices {
                guard let number = choice.doubleValue, !integer || number.rounded() == number else {
                    throw SearchSpaceCheckError("choice \(choice) is not \(integer ? "an integer" : "a number")")
                }
                try Self.checkBounds(number, number, range, lowExclusive: lowExclusive, highExclusive: highExclusive)
            }
        case (.names(let names), .categorical(let d)):
            for choice in d.choices where !names.contains(choice.stringValue ?? "") {
                throw SearchSpaceCheckError("unknown choice \(choice) (expected some of: \(names.joined(separator: ", ")))")
            }
        case (.boolean, .categorical(let d)):
            for choice in d.choices where choice.boolValue == nil {
                throw SearchSpaceCheckError("choice \(choice) is not true or false")
            }
        case (.names(let names), _):
            throw SearchSpaceCheckError("must be categorical, with choices from: \(names.joined(separator: ", "))")
        case (.boolean, _):
            throw SearchSpaceCheckError("must be categorical, with choices [true, false]")
        }
    }

    private static func checkBounds(_ low: Double, _ high: Double, _ range: ClosedRange<Double>,
                                    lowExclusive: Bool, highExclusive: Bool) throws {
        let lowOK = lowExclusive ? low > range.lowerBound : low >= range.lowerBound
        let highOK = highExclusive ? high < range.upperBound : high <= range.upperBound
        guard lowOK, highOK else {
            func bound(_ value: Double) -> String { value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : "\(value)" }
            let interval = (lowExclusive ? "(" : "[") + bound(range.lowerBound) + ", " + bound(range.upperBound) + (highExclusive ? ")" : "]")
            throw SearchSpaceCheckError("values must lie in \(interval), got \(low == high ? bound(low) : "\(bound(low))..\(bound(high))")")
        }
    }

    /// The known name closest to `name`: one whose words' initials spell it (`lr`), or within a
    /// few edits; nil when none is close.
    static func nearest(to name: String, among known: [String]) -> String? {
        let lowered = name.lowercased()
        if let initials = known.first(where: { $0.split(separator: "_").compactMap(\.first).map(String.init).joined() == lowered }) {
            return initials
        }
        let scored = known.map { ($0, editDistance(lowered, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, best.count / 3) else { return nil }
        return best
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

extension SearchSpace {
    /// The largest whole value parameter `name` can take (its int high bound, the largest numeric
    /// choice, or a float's high bound rounded down); nil when the space has no such parameter.
    /// What the pretrained encoder's cache is built for: `largestInteger(of: "fine_tuned_layers")`.
    public func largestInteger(of name: String) -> Int? {
        guard let spec = parameters.first(where: { $0.name == name }) else { return nil }
        switch spec.distribution {
        case .int(let d): return d.high
        case .float(let d): return Int(d.high.rounded(.down))
        case .categorical(let d): return d.choices.compactMap(\.doubleValue).max().map { Int($0.rounded(.down)) }
        }
    }
}
