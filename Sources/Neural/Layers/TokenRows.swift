/// The token ids of a batch of text rows as the sequence models read them: each input row holds
/// ids as numbers (negative, or not below the vocabulary size: padding), real tokens first. Only
/// the first `maxLength` positions of a row are read; a row's real length runs to its last real
/// token (at least 1, so that a text with no known token still has one position).
struct TokenRows {
    /// Per row, the id at each of the first `length` positions (nil: padding).
    let ids: [[Int?]]
    /// Per row, the positions up to and including its last real token (≥ 1).
    let realLengths: [Int]

    init(_ input: Tensor, rows: Range<Int>, maxLength: Int, vocabulary: Int) {
        let width = input.count / max(input.shape.first ?? 1, 1), read = min(maxLength, width)
        var ids: [[Int?]] = [], lengths: [Int] = []
        for row in rows {
            var sequence = [Int?](repeating: nil, count: read), last = 0
            for position in 0..<read {
                let value = input.data[row * width + position]
                guard value >= 0 && value < Float(vocabulary) else { continue }
                sequence[position] = Int(value)
                last = position + 1
            }
            ids.append(sequence)
            lengths.append(max(last, 1))
        }
        self.ids = ids
        realLengths = lengths
    }

    /// The longest real length of the batch: positions beyond it are padding in every row, so a
    /// sequence model that never attends to padding may leave them out.
    var longest: Int { realLengths.max() ?? 1 }
}

/// Runs `body` on the rows of `input` in evaluation: chunks of `chunk` rows without recording a
/// graph, so that scoring a whole validation set never holds its activations at once.
func evaluatedInChunks(_ input: Tensor, outputWidth: Int, chunk: Int = 32, _ body: (Range<Int>) -> Tensor) -> Tensor {
    let rows = input.shape.first ?? 0
    let parts = stride(from: 0, to: rows, by: chunk).map { start in
        Tensor.withoutRecording { body(start..<min(start + chunk, rows)).data }
    }
    return Tensor(shape: [rows, outputWidth], data: parts.flatMap { $0 })
}

extension Tensor {
    /// The rows of this embedding table for `ids`, one output row per entry (nil: a zero row), as
    /// [ids.count, d]; the gradient reaches only the rows looked up (row-sparse, `bagMeans`).
    func embeddingRows(_ ids: [Int?]) -> Tensor {
        var present: [Int] = [], starts: [Int] = []
        present.reserveCapacity(ids.count)
        starts.reserveCapacity(ids.count)
        for id in ids {
            starts.append(present.count)
            if let id { present.append(id) }
        }
        return bagMeans(ids: present, starts: starts)
    }
}
