import Foundation
import MetaTune

/// The earlier, row-wise knowledge-base format (`metatune-knowledge-1`), still read so that files
/// written by earlier versions keep working: the pool's configurations as JSON objects, then per
/// task its rows `[pool index or −1, score, curve…]` and, in `extra`, the parameters of the
/// trials outside the pool. A value's type is inferred from its JSON form.
enum KnowledgeBaseFileV1 {
    static let format = "metatune-knowledge-1"

    /// Parses with `JSONSerialization` rather than `Codable`: a knowledge base of 1,000 studies ×
    /// 100 trials reads in a fraction of the time (decoding each parameter value by trying its
    /// possible types threw and caught an error per value).
    static func read(data: Data, source: String) throws -> KnowledgeBase {
        func malformed(_ what: String) -> StudyError { .invalidArgument("\(source): not a MetaTune knowledge base (\(what))") }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw malformed("\(error.localizedDescription)")
        }
        guard let file = root as? [String: Any] else { throw malformed("not a JSON object") }
        guard file["format"] as? String == format else { throw malformed("not format '\(format)'") }
        guard let poolObjects = file["pool"] as? [Any], let taskObjects = file["tasks"] as? [Any] else { throw malformed("no pool or tasks") }
        let pool = try poolObjects.map { try params($0, source: source) }
        var tasks: [PastTask] = []
        for case let task as [String: Any] in taskObjects {
            guard let name = task["name"] as? String, let rows = task["trials"] as? [[Any]] else { throw malformed("a task without name or trials") }
            var extra = try ((task["extra"] as? [Any]) ?? []).map { try params($0, source: source) }.makeIterator()
            var trials: [PastTrial] = []
            for row in rows {
                let numbers = row.compactMap { ($0 as? NSNumber)?.doubleValue }
                guard numbers.count == row.count, numbers.count >= 2, numbers[0].isFinite, abs(numbers[0]) < 1e9 else {
                    throw StudyError.invalidArgument("\(source): task \(name) has a malformed trial")
                }
                let index = Int(numbers[0])
                let trialParams: [String: ParamValue]
                if index >= 0 {
                    guard index < pool.count else { throw StudyError.invalidArgument("\(source): pool index \(index) out of range") }
                    trialParams = pool[index]
                } else {
                    guard let next = extra.next() else { throw StudyError.invalidArgument("\(source): task \(name) lacks parameters") }
                    trialParams = next
                }
                trials.append(PastTrial(params: trialParams, score: numbers[1], configIndex: index >= 0 ? index : nil,
                                        curve: Array(numbers.dropFirst(2))))
            }
            let metaFeatures = (task["metaFeatures"] as? [String: Any]).map { object in
                MetaFeatures(values: object.compactMapValues { ($0 as? NSNumber)?.doubleValue })
            }
            tasks.append(PastTask(name: name, metaFeatures: metaFeatures, trials: trials,
                                  collection: try decoded(PastTask.CollectionSettings.self, task["collection"], source: source),
                                  objective: try decoded(ObjectiveSignature.self, task["objective"], source: source)))
        }
        return KnowledgeBase(tasks: tasks)
    }

    /// One configuration: a JSON object of numbers, strings and booleans.
    private static func params(_ object: Any, source: String) throws -> [String: ParamValue] {
        guard let dictionary = object as? [String: Any] else {
            throw StudyError.invalidArgument("\(source): not a MetaTune knowledge base (a configuration is not an object)")
        }
        var values: [String: ParamValue] = [:]
        for (name, value) in dictionary {
            if let text = value as? String {
                values[name] = .string(text)
            } else if let number = value as? NSNumber {
                switch UInt8(bitPattern: number.objCType.pointee) {
                case UInt8(ascii: "c"), UInt8(ascii: "B"): values[name] = .bool(number.boolValue)
                case UInt8(ascii: "d"), UInt8(ascii: "f"): values[name] = .float(number.doubleValue)
                default: values[name] = .int(number.intValue)
                }
            } else {
                throw StudyError.invalidArgument("\(source): not a MetaTune knowledge base (parameter '\(name)' is not a number, string or boolean)")
            }
        }
        return values
    }

    /// A small optional part of a task, decoded with `Codable` from its parsed JSON.
    private static func decoded<T: Decodable>(_ type: T.Type, _ object: Any?, source: String) throws -> T? {
        guard let object, !(object is NSNull) else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: try JSONSerialization.data(withJSONObject: object))
        } catch {
            throw StudyError.invalidArgument("\(source): not a MetaTune knowledge base (\(error))")
        }
    }
}
