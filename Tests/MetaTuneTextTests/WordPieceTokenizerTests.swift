import Foundation
import XCTest
@testable import MetaTuneText
import TestSupport

/// The WordPiece tokenizer on a small vocabulary written here in the `tokenizer.json` format
/// (the real MiniLM file is checked against Hugging Face's ids in bench/compare_text.sh).
final class WordPieceTokenizerTests: XCTestCase {
    func testWordsSplitIntoLongestPiecesBetweenClassifierAndSeparator() throws {
        let tokenizer = try WordPieceTokenizer(json: TinyTextModel.tokenizerJSON())
        XCTAssertEqual(tokenizer.encode("Hello, WORLD!"), [2, 8, 10, 9, 11, 3])
        XCTAssertEqual(tokenizer.encode("unaffable"), [2, 5, 6, 7, 3], "greedy longest match, ## pieces after the first")
        XCTAssertEqual(tokenizer.encode("ab abb"), [2, 16, 16, 15, 3], "the longest piece wins over a + ##b")
        XCTAssertEqual(tokenizer.encode("unx hello"), [2, 1, 8, 3], "a word with an unmatched part is unknown whole")
        XCTAssertEqual(tokenizer.encode("aaaaaaaaaaaaa hello"), [2, 1, 8, 3], "words over 12 characters are unknown")
        XCTAssertEqual(tokenizer.encode(""), [2, 3])
        XCTAssertEqual(tokenizer.encode(" \t\n "), [2, 3])
    }

    func testNormalisationStripsAccentsDropsControlsAndSetsIdeographsApart() throws {
        let tokenizer = try WordPieceTokenizer(json: TinyTextModel.tokenizerJSON())
        XCTAssertEqual(tokenizer.encode("Café NAÏVE"), [2, 12, 19, 3], "composed accents")
        XCTAssertEqual(tokenizer.encode("Cafe\u{301}"), [2, 12, 3], "a decomposed accent")
        XCTAssertEqual(tokenizer.encode("hel\u{200B}lo\u{0007}"), [2, 8, 3], "zero-width and control characters vanish")
        XCTAssertEqual(tokenizer.encode("hello\u{00A0}world\u{3000}中中"), [2, 8, 9, 13, 13, 3], "unusual spaces split; ideographs stand alone")
        XCTAssertEqual(tokenizer.encode("hello's"), [2, 8, 17, 18, 3], "punctuation is a word of its own")
    }

    func testSpecialTokensAreMatchedInTheRawTextOnly() throws {
        let tokenizer = try WordPieceTokenizer(json: TinyTextModel.tokenizerJSON())
        XCTAssertEqual(tokenizer.encode("hello[MASK]world"), [2, 8, 4, 9, 3])
        XCTAssertEqual(tokenizer.encode("[mask]"), [2, 1, 1, 1, 3], "lower case is not the special token: three words, none in the vocabulary")
    }

    func testTruncationKeepsTheSpecialsAndPaddingMasks() throws {
        let tokenizer = try WordPieceTokenizer(json: TinyTextModel.tokenizerJSON())
        XCTAssertEqual(tokenizer.encode("hello world hello world", maximumLength: 4), [2, 8, 9, 3])
        let (ids, mask) = tokenizer.padded([2, 8, 3], to: 5)
        XCTAssertEqual(ids, [2, 8, 3, 0, 0])
        XCTAssertEqual(mask, [1, 1, 1, 0, 0])
    }

    func testMalformedFilesAreRefusedClearly() {
        let cases: [(Data, String)] = [
            (Data("not json".utf8), "not a JSON object"),
            (TinyTextModel.tokenizerJSON(model: #"{"type": "BPE", "vocab": {}}"#), "only WordPiece"),
            (TinyTextModel.tokenizerJSON(model: #"{"type": "WordPiece", "vocab": {}}"#), "vocab is missing or empty"),
            (TinyTextModel.tokenizerJSON(model: #"{"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"a": 0}}"#), "'[UNK]' is not in the vocabulary"),
            (TinyTextModel.tokenizerJSON(normalizer: #"{"type": "NFKC"}"#), "BertNormalizer"),
        ]
        for (data, words) in cases {
            XCTAssertThrowsError(try WordPieceTokenizer(json: data)) { XCTAssertTrue("\($0)".contains(words), "\($0)") }
        }
    }
}
