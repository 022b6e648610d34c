import Foundation
import MetaTune
import MetaTuneStorages
import MetaTuneSQLite
import MetaTuneTasks

/// Where past tasks come from: the knowledge base shipped with MetaTune for a built-in model, a
/// knowledge-base file (`meta export`, `meta collect`), or every study of a storage.
public enum KnowledgeSource: Equatable, Sendable {
    /// The knowledge base shipped with MetaTune (for the MLP unless a model says otherwise).
    case builtin
    /// A knowledge-base `.json` file.
    case file(path: String)
    /// Every study of a storage (`sqlite:PATH`), opened read-only.
    case storage(StorageURL)

    /// The name of the shipped knowledge base as a source.
    public static let builtinName = "builtin"

    /// Reads a source as a command line or configuration file names it: `builtin`, a path ending
    /// in `.json`, or a storage URL.
    public init(_ text: String) throws {
        if text == Self.builtinName {
            self = .builtin
        } else if text.hasSuffix(".json") {
            self = .file(path: text)
        } else {
            self = .storage(try StorageURL(text))
        }
    }

    /// The past tasks this source holds; `model` picks the shipped knowledge base.
    public func load(model: BuiltinModel? = nil) throws -> KnowledgeBase {
        switch self {
        case .builtin: return try KnowledgeBaseFile.builtin(model: (model ?? .mlp).rawValue)
        case .file(let path): return try KnowledgeBaseFile.read(path: path)
        case .storage(let url): return try KnowledgeBase.load(from: try url.open(readOnly: true))
        }
    }

    /// The knowledge a new study learns from: the `sources` merged, or by default every study of
    /// `storage` (if any) plus, for a built-in model, the knowledge shipped for it; then the past
    /// tasks `query` accepts (`KnowledgeBase.selected(for:)`, which records why others were left out).
    public static func knowledge(from sources: [KnowledgeSource], storage: Storage?, query: KnowledgeQuery,
                                 model: BuiltinModel?) throws -> KnowledgeBase {
        var all = KnowledgeBase(tasks: [])
        if sources.isEmpty {
            if let storage { all = try KnowledgeBase.load(from: storage) }
            if let model, let shipped = try? KnowledgeBaseFile.builtin(model: model.rawValue) { all = all.merged(with: shipped) }
        } else {
            for source in sources { all = all.merged(with: try source.load(model: model)) }
        }
        return all.selected(for: query)
    }

    /// The task names listed in the file at `path`, one per line (blank lines and `#` comments
    /// ignored): a frozen design/evaluation split.
    public static func names(inFile path: String) throws -> Set<String> {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw StudyError.invalidArgument("\(path): cannot read the list of task names (\(error.localizedDescription))")
        }
        return Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }
}
