import Neural

/// The words (and word bigrams) of a collection of texts, numbered — the tokens of `text-bow`,
/// fastText's bag of words and bigrams. Words are lower-cased runs of letters and digits.
public struct TextVocabulary: Sendable, Equatable {
    /// Token → id, ids from 0 in order of decreasing count (ties alphabetical).
    public let ids: [String: Int]

    /// Tokens seen at least `minimumCount` times in `texts`, the `maximumSize` most frequent.
    public init(texts: [String], bigrams: Bool = true, minimumCount: Int = 2, maximumSize: Int = 100_000) {
        var counts: [String: Int] = [:]
        for text in texts { for token in Self.tokens(text, bigrams: bigrams) { counts[token, default: 0] += 1 } }
        let kept = counts.filter { $0.value >= minimumCount }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        ids = Dictionary(uniqueKeysWithValues: kept.prefix(maximumSize).enumerated().map { ($1.key, $0) })
        self.bigrams = bigrams
    }

    /// Whether word pairs count as tokens too.
    public let bigrams: Bool

    public var count: Int { ids.count }

    /// The lower-cased words of `text`, then (with `bigrams`) each adjacent pair "a b".
    public static func tokens(_ text: String, bigrams: Bool) -> [String] {
        var words: [String] = [], current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        guard bigrams, words.count > 1 else { return words }
        return words + (1..<words.count).map { words[$0 - 1] + " " + words[$0] }
    }

    /// The ids of the known tokens of `text`, at most `length`, padded with −1 to `length`.
    public func encode(_ text: String, length: Int) -> [Float] {
        let known = Self.tokens(text, bigrams: bigrams).compactMap { ids[$0] }.prefix(length).map(Float.init)
        return known + [Float](repeating: -1, count: length - known.count)
    }
}

extension TextDataset {
    /// The texts as rows of `length` token ids of `vocabulary` (−1: padding) with their classes —
    /// the input of the `text-bow` model.
    public func tokenIDs(_ vocabulary: TextVocabulary, length: Int) throws -> Dataset {
        guard length >= 1 else { throw TextDataError("the token length must be at least 1, not \(length)") }
        guard vocabulary.count > 0 else { throw TextDataError("no token occurs often enough to make a vocabulary") }
        return Dataset(features: texts.flatMap { vocabulary.encode($0, length: length) }, labels: labels, featureCount: length,
                       classCount: classNames.count, featureNames: (0..<length).map { "t\($0)" })
    }
}
