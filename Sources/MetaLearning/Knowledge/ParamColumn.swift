import Foundation
import MetaTune

/// One parameter's values over a list of configurations, typed once for the whole column (nil
/// where a configuration lacks the parameter): how a knowledge-base file stores parameters, so
/// that reading never has to guess each value's type.
enum ParamColumn: Codable, Equatable {
    case float([Double?])
    case int([Int?])
    case string([String?])
    case bool([Bool?])
    /// Values of different types (e.g. a categorical's choices `[1, "auto"]`), each tagged.
    case mixed([TaggedValue?])

    /// One value with its type named, for `mixed` columns.
    struct TaggedValue: Codable, Equatable {
        var float: Double?
        var int: Int?
        var string: String?
        var bool: Bool?

        init(_ value: ParamValue) {
            switch value {
            case .float(let number): float = number
            case .int(let number): int = number
            case .string(let text): string = text
            case .bool(let flag): bool = flag
            }
        }

        var value: ParamValue? {
            if let float { return .float(float) }
            if let int { return .int(int) }
            if let string { return .string(string) }
            return bool.map(ParamValue.bool)
        }
    }

    private enum Kind: String, CodingKey { case float, int, string, bool, mixed }

    /// `{"float": [...]}` and alike: the kind is the only key.
    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Kind.self)
        guard container.allKeys.count == 1, let kind = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a parameter column has exactly one of float, int, string, bool, mixed"))
        }
        switch kind {
        case .float: self = .float(try container.decode([Double?].self, forKey: kind))
        case .int: self = .int(try container.decode([Int?].self, forKey: kind))
        case .string: self = .string(try container.decode([String?].self, forKey: kind))
        case .bool: self = .bool(try container.decode([Bool?].self, forKey: kind))
        case .mixed: self = .mixed(try container.decode([TaggedValue?].self, forKey: kind))
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Kind.self)
        switch self {
        case .float(let values): try container.encode(values, forKey: .float)
        case .int(let values): try container.encode(values, forKey: .int)
        case .string(let values): try container.encode(values, forKey: .string)
        case .bool(let values): try container.encode(values, forKey: .bool)
        case .mixed(let values): try container.encode(values, forKey: .mixed)
        }
    }

    /// The columns of `configurations`, one per parameter any of them has.
    static func columns(of configurations: [[String: ParamValue]]) -> [String: ParamColumn] {
        let names = Set(configurations.flatMap(\.keys))
        var columns: [String: ParamColumn] = [:]
        for name in names {
            let values = configurations.map { $0[name] }
            let present = values.compactMap { $0 }
            if present.allSatisfy({ if case .float = $0 { return true } else { return false } }) {
                columns[name] = .float(values.map { $0?.doubleValue })
            } else if present.allSatisfy({ if case .int = $0 { return true } else { return false } }) {
                columns[name] = .int(values.map { $0?.intValue })
            } else if present.allSatisfy({ $0.stringValue != nil }) {
                columns[name] = .string(values.map { $0?.stringValue })
            } else if present.allSatisfy({ $0.boolValue != nil }) {
                columns[name] = .bool(values.map { $0?.boolValue })
            } else {
                columns[name] = .mixed(values.map { $0.map(TaggedValue.init) })
            }
        }
        return columns
    }

    /// The configurations of `columns` (the inverse of `columns(of:)`), or a failure naming the
    /// parameter when the columns differ in length.
    static func rows(of columns: [String: ParamColumn]) -> Result<[[String: ParamValue]], ColumnLengthError> {
        let count = columns.values.first?.values.count ?? 0
        var rows = Array(repeating: [String: ParamValue](minimumCapacity: columns.count), count: count)
        for (name, column) in columns {
            let values = column.values
            guard values.count == count else { return .failure(ColumnLengthError(parameter: name)) }
            for (row, value) in values.enumerated() {
                if let value { rows[row][name] = value }
            }
        }
        return .success(rows)
    }

    /// The column's values, untyped.
    var values: [ParamValue?] {
        switch self {
        case .float(let values): return values.map { $0.map(ParamValue.float) }
        case .int(let values): return values.map { $0.map(ParamValue.int) }
        case .string(let values): return values.map { $0.map(ParamValue.string) }
        case .bool(let values): return values.map { $0.map(ParamValue.bool) }
        case .mixed(let values): return values.map { $0?.value }
        }
    }
}

/// A knowledge-base file whose parameter columns differ in length.
struct ColumnLengthError: Error, CustomStringConvertible {
    let parameter: String
    var description: String { "parameter '\(parameter)' has a column of another length" }
}
