import ArgumentParser
import Foundation
import MetaTune
import MetaTuneText
import Neural

/// `metatune bench text-encoder`: forward throughput of a pretrained text encoder.
struct BenchTextEncoderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text-encoder",
        abstract: "Measure a pretrained encoder's forward throughput (sentences per second).",
        discussion: """
        Batches of --batch sequences of exactly --length tokens ([CLS], 'hello' repeated, [SEP]) run through the \\
        encoder without gradients for about --seconds after one warm-up batch; prints the median batch's rate. \\
        bench/text_reference.py throughput measures PyTorch's the same way. With --json: {"threads", "length", \\
        "batch", "batches", "sentences_per_second"}.
        """
    )

    @Option(help: "minilm, or a model folder.") var model: String = "minilm"
    @Option(parsing: .unconditional, help: "Engine threads.") var threads: Int = 1
    @Option(help: "Tokens per sequence.") var length: Int = 128
    @Option(help: "Sequences per batch.") var batch: Int = 32
    @Option(help: "Seconds of timed batches.") var seconds: Double = 10
    @Flag(help: "Time one batch at a time, every op split over the threads.") var oneBatch = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        do {
            try NumberCheck.positive(threads, "--threads")
            try NumberCheck.positive(batch, "--batch")
            guard length >= 2 else { throw UsageError("--length must be at least 2") }
            guard seconds > 0, seconds.isFinite else { throw UsageError("--seconds must be above 0") }
            Engine.threads = threads
            let folder = try PretrainedModelFolder.resolve(model)
            let tokenizer = try folder.tokenizer()
            let encoder = try BertEncoder(folder: folder)
            guard let word = tokenizer.vocabulary["hello"] else { throw UsageError("the model's vocabulary has no 'hello'") }
            let (rate, batches) = try EncoderThroughput.measure(encoder, tokenizer: tokenizer, wordID: word, length: length, batch: batch, seconds: seconds,
                                                                oneBatch: oneBatch)
            if json {
                var object = OrderedJSONObject()
                object.add("threads", threads)
                object.add("length", length)
                object.add("batch", batch)
                object.add("mode", oneBatch ? "one batch" : "batches side by side")
                object.add("batches", batches)
                object.add("sentences_per_second", rate)
                print(object.text)
            } else {
                let mode = oneBatch ? "one batch at a time" : "a batch per thread side by side"
                print(String(format: "%.1f sentences/s (%d tokens, batches of %d, %d threads, ", rate, length, batch, threads)
                      + "\(mode), median of \(batches) rounds)")
            }
        } catch {
            failClearly(error)
        }
    }
}
