import Foundation

/// Why a tokenizer file could not be read.
public struct TokenizerError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A WordPiece tokenizer as BERT-family models ship it in `tokenizer.json`: special tokens
/// matched in the raw text, `BertNormalizer`, `BertPreTokenizer`, greedy longest-match-first
/// WordPiece over the vocabulary, then `[CLS] … [SEP]` around the ids — the ids Hugging Face's
/// `tokenizers` gives for the same file.
public struct WordPieceTokenizer: Sendable {
    /// Token → id.
    public let vocabulary: [String: Int]
    public let normalizer: BertNormalizer
    /// The prefix of a word's pieces after its first ("##").
    public let continuingPrefix: String
    /// Longer words (in Unicode scalars) become the unknown token whole.
    public let maximumCharactersPerWord: Int
    public let unknownID: Int
    public let classifierID: Int
    public let separatorID: Int
    public let paddingID: Int
    /// Special tokens found verbatim in raw text (before normalisation) and their ids.
    public let specialTokens: [(scalars: [Unicode.Scalar], id: Int)]

    /// Reads `tokenizer.json`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError("cannot read the tokenizer file \(url.path): \(error.localizedDescription)")
        }
        try self.init(json: data, name: url.lastPathComponent)
    }

    /// Parses the JSON of a `tokenizer.json` (`name` appears in errors).
    public init(json data: Data, name: String = "tokenizer.json") throws {
        func fail(_ why: String) -> TokenizerError { TokenizerError("\(name): \(why)") }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw fail("not a JSON object") }
        guard let model = root["model"] as? [String: Any], model["type"] as? String == "WordPiece" else {
            throw fail("only WordPiece models are supported (model.type is \(((root["model"] as? [String: Any])?["type"] as? String).map { "'\($0)'" } ?? "missing"))")
        }
        guard let vocab = model["vocab"] as? [String: Any], !vocab.isEmpty else { throw fail("model.vocab is missing or empty") }
        var vocabulary: [String: Int] = [:]
        for (token, id) in vocab {
            guard let id = id as? Int, id >= 0 else { throw fail("the vocabulary id of '\(token)' is not a whole number of 0 or more") }
            vocabulary[token] = id
        }
        self.vocabulary = vocabulary
        let unknown = model["unk_token"] as? String ?? "[UNK]"
        guard let unknownID = vocabulary[unknown] else { throw fail("the unknown token '\(unknown)' is not in the vocabulary") }
        self.unknownID = unknownID
        continuingPrefix = model["continuing_subword_prefix"] as? String ?? "##"
        maximumCharactersPerWord = model["max_input_chars_per_word"] as? Int ?? 100

        if let spec = root["normalizer"] as? [String: Any] {
            guard spec["type"] as? String == "BertNormalizer" else { throw fail("only the BertNormalizer normalizer is supported") }
            normalizer = BertNormalizer(cleanText: spec["clean_text"] as? Bool ?? true, handleChineseCharacters: spec["handle_chinese_chars"] as? Bool ?? true,
                                        stripAccents: spec["strip_accents"] as? Bool, lowercase: spec["lowercase"] as? Bool ?? true)
        } else {
            normalizer = BertNormalizer(cleanText: false, handleChineseCharacters: false, stripAccents: false, lowercase: false)
        }
        if let spec = root["pre_tokenizer"] as? [String: Any], spec["type"] as? String != "BertPreTokenizer" {
            throw fail("only the BertPreTokenizer pre-tokenizer is supported")
        }
        func id(of token: String) throws -> Int {
            guard let id = vocabulary[token] else { throw fail("the special token '\(token)' is not in the vocabulary") }
            return id
        }
        classifierID = try id(of: "[CLS]")
        separatorID = try id(of: "[SEP]")
        if let pad = (root["padding"] as? [String: Any])?["pad_id"] as? Int { paddingID = pad } else { paddingID = try id(of: "[PAD]") }
        var specials: [(scalars: [Unicode.Scalar], id: Int)] = []
        for case let token as [String: Any] in root["added_tokens"] as? [Any] ?? [] {
            guard let content = token["content"] as? String, let id = token["id"] as? Int else { throw fail("an added token lacks its content or id") }
            if !content.isEmpty { specials.append((Array(content.unicodeScalars), id)) }
        }
        specialTokens = specials
    }

    /// The ids of `text`: `[CLS]`, the word pieces, `[SEP]`; with `maximumLength`, the pieces are
    /// cut so that the whole fits (specials included).
    public func encode(_ text: String, maximumLength: Int? = nil) -> [Int] {
        var pieces: [Int] = []
        for segment in segments(Array(text.unicodeScalars)) {
            switch segment {
            case .special(let id): pieces.append(id)
            case .text(let scalars):
                for word in BertPreTokenizer.words(normalizer.normalize(scalars)) { pieces += wordPieces(word) }
            }
        }
        if let maximumLength { pieces = Array(pieces.prefix(max(0, maximumLength - 2))) }
        return [classifierID] + pieces + [separatorID]
    }

    /// `ids` padded with `[PAD]` to `length`, and the attention mask (1 for real tokens).
    public func padded(_ ids: [Int], to length: Int) -> (ids: [Int], mask: [Int]) {
        let kept = Array(ids.prefix(length))
        let padding = max(0, length - kept.count)
        return (kept + [Int](repeating: paddingID, count: padding), [Int](repeating: 1, count: kept.count) + [Int](repeating: 0, count: padding))
    }

    private enum Segment {
        case special(Int)
        case text([Unicode.Scalar])
    }

    /// The raw text split around the special tokens it contains verbatim (leftmost, longest).
    private func segments(_ scalars: [Unicode.Scalar]) -> [Segment] {
        var segments: [Segment] = [], start = 0, index = 0
        while index < scalars.count {
            var match: (length: Int, id: Int)?
            for special in specialTokens where special.scalars.count > (match?.length ?? 0) && index + special.scalars.count <= scalars.count {
                if scalars[index..<(index + special.scalars.count)].elementsEqual(special.scalars) { match = (special.scalars.count, special.id) }
            }
            if let match {
                if start < index { segments.append(.text(Array(scalars[start..<index]))) }
                segments.append(.special(match.id))
                index += match.length
                start = index
            } else {
                index += 1
            }
        }
        if start < scalars.count { segments.append(.text(Array(scalars[start...]))) }
        return segments
    }

    /// Greedy longest-match-first pieces of one word; the unknown token when any part has no piece.
    func wordPieces(_ word: [Unicode.Scalar]) -> [Int] {
        guard word.count <= maximumCharactersPerWord else { return [unknownID] }
        var ids: [Int] = [], start = 0
        while start < word.count {
            var end = word.count, found: Int?
            while end > start {
                var piece = String(String.UnicodeScalarView(word[start..<end]))
                if start > 0 { piece = continuingPrefix + piece }
                if let id = vocabulary[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else { return [unknownID] }
            ids.append(found)
            start = end
        }
        return ids
    }
}
