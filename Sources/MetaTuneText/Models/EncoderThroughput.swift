import Foundation
import Neural

/// Forward throughput of a BERT encoder: batches of sequences of exactly `length` tokens
/// ([CLS], one repeated word piece, [SEP]), no gradients; the median time of a round after a
/// warm-up, as sentences per second. A round is what `SentenceEncoder` runs at once: one batch
/// per engine thread side by side (or, `oneBatch`, a single batch with every op split over the
/// threads).
public enum EncoderThroughput {
    /// Times rounds until `seconds` have passed (and at least three); `wordID` is the repeated
    /// piece. Returns the rate and the rounds timed.
    public static func measure(_ encoder: BertEncoder, tokenizer: WordPieceTokenizer, wordID: Int, length: Int, batch: Int,
                               seconds: Double, oneBatch: Bool = false) throws -> (sentencesPerSecond: Double, batches: Int) {
        guard length >= 2, batch >= 1, seconds > 0 else { throw TextModelError("the length must be at least 2 and the batch at least 1") }
        let sequence = [tokenizer.classifierID] + [Int](repeating: wordID, count: length - 2) + [tokenizer.separatorID]
        let sequences = [[Int]](repeating: sequence, count: batch)
        let side = oneBatch ? 1 : Engine.threads
        func run() throws {
            _ = try Engine.sideBySide(side) { _ in try Tensor.withoutRecording { try encoder.hiddenStates(sequences, paddingID: tokenizer.paddingID) } }
        }
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
        return (Double(side * batch) / median, times.count)
    }
}
