import Foundation
import XCTest
import MetaTune
import MetaTuneNumerics
import MetaTuneTasks
import Neural
@testable import MetaTuneText
import TestSupport

/// Text tasks as `metatune tune` builds them: the pretrained encoder's cached rows and the
/// classifier that fine-tunes its top block on them.
final class TextTaskTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bert-\(UUID().uuidString)")
        try TinyTextModel.write(to: folder)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Twenty texts of the tiny model's words, the class told by the word they start with.
    private var texts: TextDataset {
        let first = ["hello world, hello!", "hello a", "hello naive world", "hello, hello, hello", "hello cafe"]
        let second = ["cafe ab", "cafe, cafe naive", "cafe world!", "cafe", "cafe a ab s"]
        let all = first + second + first.map { $0 + " !" } + second.map { $0 + " !" }
        return TextDataset(texts: all, labels: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1], classNames: ["a", "b"])
    }

    func testCachedRowsHoldTheEncoderOutputAndTheStatesBelowTheTopBlock() throws {
        let encoder = try SentenceEncoder(folder: PretrainedModelFolder(url: folder))
        let (rows, cache) = try encoder.cachedRows(of: texts, fineTunable: 1, batchSize: 3)
        XCTAssertEqual(cache.length, 16)
        XCTAssertEqual(cache.blocksAbove.count, 1)
        XCTAssertEqual(rows.count, 20)
        XCTAssertEqual(rows.featureCount, 1 + 4 + 16 * 4)
        // The pooled part is the sentence embedding before normalisation; the length the real token count.
        let embeddings = try encoder.embed(texts.texts, normalize: false)
        for index in [0, 7, 19] {
            let row = Array(rows.features[(index * rows.featureCount)..<((index + 1) * rows.featureCount)])
            XCTAssertEqual(Int(row[0]), encoder.tokenizer.encode(texts.texts[index], maximumLength: 16).count)
            for (a, b) in zip(row[1...4], embeddings[index]) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
        // The top block run on the cached states (as the classifier does) gives the pooled output again.
        var context = ForwardContext(training: false)
        let pooled = try EncoderTop(cache: cache, fineTuned: 1).forward(Tensor(shape: [20, rows.featureCount], data: rows.features), &context)
        for index in 0..<20 { for j in 0..<4 { XCTAssertEqual(pooled.data[index * 4 + j], embeddings[index][j], accuracy: 1e-5) } }
        // Without fine-tunable blocks only the pooled output is kept.
        XCTAssertEqual(try encoder.cachedRows(of: texts, fineTunable: 0).rows.featureCount, 5)
        XCTAssertThrowsError(try encoder.cachedRows(of: texts, fineTunable: 2)) { XCTAssertTrue("\($0)".contains("1 blocks"), "\($0)") }
    }

    func testTheMiniLMTaskFineTunesTheTopBlockAndRefusesMoreThanItCached() throws {
        let encoder = try SentenceEncoder(folder: PretrainedModelFolder(url: folder))
        let space = try SearchSpaceFile.parse("""
        learning_rate:     {type: float, low: 1.0e-3, high: 1.0e-1, log: true}
        fine_tuned_layers: {type: int, low: 0, high: 1}
        """, file: "test space")
        let task = try BuiltinTask.text(name: "tiny", texts: texts, model: .pretrainedEncoder, space: space, encoder: encoder, epochs: 3)
        XCTAssertEqual(task.encoderCache?.blocksAbove.count, 1)
        let original = encoder.encoder.blocks[0].query.data
        let session = try task.makeSession(["learning_rate": .float(0.05), "fine_tuned_layers": .int(1), "warmup": .float(0.2)], seed: 1)
        // The fine-tuned block (16 tensors) and the dense head are trained.
        XCTAssertEqual(session.model.parameters.count, 18)
        let before = session.model.parameters[0].data
        try session.advance(toEpoch: 3)
        XCTAssertEqual(session.reports.count, 3)
        XCTAssertNotEqual(session.model.parameters[0].data, before)
        XCTAssertEqual(encoder.encoder.blocks[0].query.data, original, "the pretrained weights are copied, never trained in place")
        // Frozen: only the head.
        XCTAssertEqual(try task.makeSession(["fine_tuned_layers": .int(0)], seed: 1).model.parameters.count, 2)
        XCTAssertThrowsError(try task.makeSession(["fine_tuned_layers": .int(2)], seed: 1)) {
            XCTAssertTrue("\($0)".contains("fine_tuned_layers must be 0...1"), "\($0)")
        }
        // The space's max_length sets the tokens each text is cut to; a trial must ask for that length.
        let shorter = try SearchSpaceFile.parse("fine_tuned_layers: {type: int, low: 0, high: 1}\nmax_length: {type: int, low: 6, high: 6}\n",
                                                file: "short space")
        let cut = try BuiltinTask.text(name: "tiny", texts: texts, model: .pretrainedEncoder, space: shorter, encoder: encoder, epochs: 1)
        XCTAssertEqual(cut.encoderCache?.length, 6)
        XCTAssertEqual(cut.encoderCache?.tokensPerText, 6)
        XCTAssertEqual(task.encoderCache?.tokensPerText, 16)
        XCTAssertNoThrow(try cut.makeSession(["max_length": .int(6), "fine_tuned_layers": .int(1)], seed: 1))
        XCTAssertThrowsError(try cut.makeSession(["max_length": .int(5)], seed: 1)) { XCTAssertTrue("\($0)".contains("max_length must be 6"), "\($0)") }
        let tooLong = try SearchSpaceFile.parse("max_length: {type: int, low: 6, high: 40}\n", file: "long space")
        XCTAssertThrowsError(try BuiltinTask.text(name: "tiny", texts: texts, model: .pretrainedEncoder, space: tooLong, encoder: encoder, epochs: 1)) {
            XCTAssertTrue("\($0)".contains("2 to 16 tokens per text, not 40"), "\($0)")
        }
        XCTAssertThrowsError(try BuiltinTask.text(name: "tiny", texts: texts, model: .pretrainedEncoder, space: space, encoder: nil, epochs: 3))
        XCTAssertThrowsError(try BuiltinTask.text(name: "tiny", texts: texts, model: .mlp, space: space, encoder: encoder, epochs: 3)) {
            XCTAssertTrue("\($0)".contains("does not read texts"), "\($0)")
        }
    }

    /// 120 texts of six filler words and a "red apple" (class 0) or "apple red" (class 1) pair —
    /// the same bag of words in both classes, told apart only by word order — or, `byPlace`, with
    /// "red" among the first three words (class 0) or the last three (class 1).
    private func orderTexts(byPlace: Bool = false) -> TextDataset {
        var generator = SeededGenerator(seed: 5)
        let filler = ["one", "two", "three", "four", "five", "six"]
        var texts: [String] = [], labels: [Int] = []
        for index in 0..<120 {
            var words = (0..<6).map { _ in filler[generator.nextIndex(below: filler.count)] }
            if byPlace {
                words.insert("red", at: index % 2 == 0 ? generator.nextIndex(below: 3) : 4 + generator.nextIndex(below: 3))
            } else {
                words.insert(contentsOf: index % 2 == 0 ? ["red", "apple"] : ["apple", "red"], at: generator.nextIndex(below: words.count + 1))
            }
            texts.append(words.joined(separator: " "))
            labels.append(index % 2)
        }
        return TextDataset(texts: texts, labels: labels, classNames: ["a", "b"])
    }

    func testTextCNNLearnsWordOrderAndTextTransformerWordPlaces() throws {
        let space = try SearchSpaceFile.parse("""
        learning_rate: {type: float, low: 1.0e-3, high: 1.0e-1, log: true}
        max_length:    {type: int, low: 4, high: 12}
        """, file: "test space")
        let cnn = try BuiltinTask.text(name: "order", texts: orderTexts(), model: .textCNN, space: space, encoder: nil, epochs: 12)
        XCTAssertEqual(cnn.train.featureCount, 12, "a row keeps the space's largest max_length tokens")
        let cnnSession = try cnn.makeSession(["learning_rate": .float(0.01), "kernel": .int(2), "dimension": .int(16), "filters": .int(16),
                                              "batch_size": .int(16)], seed: 1)
        try cnnSession.advance(toEpoch: 12)
        XCTAssertGreaterThanOrEqual(cnn.objective(of: cnnSession.reports), 0.9)
        let transformer = try BuiltinTask.text(name: "place", texts: orderTexts(byPlace: true), model: .textTransformer, space: space, encoder: nil,
                                                   epochs: 25)
        let transformerSession = try transformer.makeSession(["learning_rate": .float(3e-3), "dimension": .int(16), "heads": .int(2),
                                                              "depth": .int(1), "batch_size": .int(16), "warmup": .float(0.1)], seed: 1)
        try transformerSession.advance(toEpoch: 25)
        XCTAssertGreaterThanOrEqual(transformer.objective(of: transformerSession.reports), 0.9)
        // Without max_length in the space, a row keeps the default space's largest.
        let learningRateOnly = try SearchSpaceFile.parse("learning_rate: {type: float, low: 1.0e-3, high: 1.0e-1, log: true}\n", file: "lr")
        for (model, kept) in [(BuiltinModel.textBow, 1024), (.textCNN, 512), (.textTransformer, 256)] {
            let task = try BuiltinTask.text(name: "order", texts: orderTexts(), model: model, space: learningRateOnly, encoder: nil, epochs: 1)
            XCTAssertEqual(task.train.featureCount, kept, model.rawValue)
        }
        // A trial may read fewer tokens, not more than the study kept; heads must divide the width.
        XCTAssertNoThrow(try cnn.makeSession(["max_length": .int(4)], seed: 1))
        XCTAssertThrowsError(try cnn.makeSession(["max_length": .int(13)], seed: 1)) {
            XCTAssertTrue("\($0)".contains("max_length must be 1...12"), "\($0)")
        }
        XCTAssertThrowsError(try transformer.makeSession(["dimension": .int(10), "heads": .int(4)], seed: 1)) {
            XCTAssertTrue("\($0)".contains("heads must divide"), "\($0)")
        }
        // A batch whose attention scores would not fit in memory is refused before anything is allocated.
        let long = try SearchSpaceFile.parse("max_length: {type: int, low: 64, high: 8192}\n", file: "long")
        let wide = try BuiltinTask.text(name: "place", texts: orderTexts(), model: .textTransformer, space: long, encoder: nil, epochs: 1)
        XCTAssertThrowsError(try wide.makeSession(["max_length": .int(8192), "batch_size": .int(64)], seed: 1)) {
            XCTAssertTrue("\($0)".contains("lower batch_size or max_length"), "\($0)")
        }
        XCTAssertNoThrow(try wide.makeSession(["max_length": .int(512), "batch_size": .int(16)], seed: 1))
    }
}
