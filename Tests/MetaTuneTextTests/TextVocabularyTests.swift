import XCTest
@testable import MetaTuneText

/// text-bow's tokens: lower-cased words and bigrams, frequent ones numbered, ids padded with −1.
final class TextVocabularyTests: XCTestCase {
    func testWordsAndBigramsSeenTwiceAreNumberedByFrequency() throws {
        XCTAssertEqual(TextVocabulary.tokens("Hello, World! hello-world 42", bigrams: true),
                       ["hello", "world", "hello", "world", "42", "hello world", "world hello", "hello world", "world 42"])
        let vocabulary = TextVocabulary(texts: ["Hello world", "hello world again", "once"])
        XCTAssertEqual(vocabulary.ids, ["hello": 0, "hello world": 1, "world": 2], "seen twice or more; ties alphabetical")
        XCTAssertEqual(vocabulary.encode("world, hello world unknown", length: 6), [2, 0, 2, 1, -1, -1])
        XCTAssertEqual(vocabulary.encode("hello hello hello", length: 2), [0, 0], "cut to the length")
        let data = TextDataset(texts: ["hello world", "world"], labels: [0, 1], classNames: ["a", "b"])
        let rows = try data.tokenIDs(vocabulary, length: 3)
        XCTAssertEqual(rows.features, [0, 2, 1, 2, -1, -1])
        XCTAssertEqual(rows.labels, [0, 1])
        XCTAssertThrowsError(try data.tokenIDs(TextVocabulary(texts: ["unique words only"]), length: 3))
    }
}
