import Foundation
import Neural

/// Forward throughput of a BERT encoder: batches of sequences of exactly `length` tokens
/// ([CLS], one repeated word piece, [SEP]), no gradients; the median batch time after a
/// warm-up, as sentences per second.
public enum EncoderThroughput {
    /// Times batches until `seconds` have passed (and at least three); `wordID` is the repeated piece.
    public static func measure(_ encoder: BertEncoder, tokenizer: WordPieceTokenizer, wordID: Int, length: Int, batch: Int,
                               seconds: Double) throws -> (sentencesPerSecond: Double, batches: Int) {
        guard length >= 2, batch >= 1, seconds > 0 else { throw TextModelError("the length must be at least 2 and the batch at least 1") }
        let sequence = [tokenizer.classifierID] + [Int](repeating: wordID, count: length - 2) + [tokenizer.separatorID]
        let sequences = [[Int]](repeating: sequence, count: batch)
        func run() throws { _ = try Tensor.withoutRecording { try encoder.hiddenStates(sequences, paddingID: tokenizer.paddingID) } }
        try run()
        var times: [Double] = []
        let deadline = Date().addingTimeInterval(seconds)
        while times.count < 3 || Date() < deadline {
            let start = Date()
            try run()
            times.append(Date().timeIntervalSince(start))
        }
        times.sort()
        let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        return (Double(batch) / median, times.count)
    }
}
