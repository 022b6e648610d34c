import Foundation

/// Where a pretrained text model's files are: a folder with `tokenizer.json`, `config.json` and
/// `model.safetensors`, named directly or by a known name that `make text-data` fetches into the
/// text cache (`$METATUNE_TEXT_CACHE`, default `~/.cache/metatune-text`).
public struct PretrainedModelFolder: Sendable, Equatable {
    /// Known model names and their folder inside the cache.
    public static let knownModels = ["minilm": "minilm"]

    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// The folder of `nameOrPath`: a known name (in the text cache) or a folder path.
    public static func resolve(_ nameOrPath: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PretrainedModelFolder {
        if let folder = knownModels[nameOrPath] {
            let cache = environment["METATUNE_TEXT_CACHE"].map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/metatune-text")
            let url = cache.appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("tokenizer.json").path) else {
                throw TokenizerError("the \(nameOrPath) model is not in \(cache.path): run `make text-data` (or scripts/fetch-text-data.sh) first")
            }
            return PretrainedModelFolder(url: url)
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isFolder), isFolder.boolValue else {
            throw TokenizerError("'\(nameOrPath)' is neither a known model (\(knownModels.keys.sorted().joined(separator: ", "))) nor a model folder")
        }
        return PretrainedModelFolder(url: URL(fileURLWithPath: nameOrPath))
    }

    public var tokenizerFile: URL { url.appendingPathComponent("tokenizer.json") }
    public var configFile: URL { url.appendingPathComponent("config.json") }
    public var weightsFile: URL { url.appendingPathComponent("model.safetensors") }

    /// The folder's tokenizer.
    public func tokenizer() throws -> WordPieceTokenizer { try WordPieceTokenizer(contentsOf: tokenizerFile) }
}
