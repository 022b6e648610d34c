import ArgumentParser
import Foundation
import MetaTuneText
import Neural

/// `metatune text`: a pretrained text model's tokenizer (and encoder) for people and scripts.
struct TextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Tokenize and embed text with a pretrained model.",
        subcommands: [TextTokenizeCommand.self, TextEmbedCommand.self]
    )
}

/// Lines of a file (or standard input): split on "\n" only, a final newline ends the last line.
struct TextLines {
    static func read(_ path: String) throws -> [String] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else { throw UsageError("\(path) is not UTF-8 text") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Prints each element of `rows` as one JSON array line (numbers already as text), buffered.
    static func printArrays(_ rows: some Sequence<[String]>) {
        var output = ""
        for row in rows {
            output += "[" + row.joined(separator: ",") + "]\n"
            if output.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(output.utf8))
                output = ""
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}

struct TextTokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of each line of a file as a JSON array.",
        discussion: """
        --model names a known model (minilm: all-MiniLM-L6-v2, fetched by `make text-data` into \
        $METATUNE_TEXT_CACHE, default ~/.cache/metatune-text) or a folder with a tokenizer.json. Lines are split \
        on "\\n" only (with --column, FILE is CSV and each row's field is one text); each gives [CLS], its word \
        pieces and [SEP], cut to --max-length ids, without padding.
        """
    )

    @Option(help: "minilm, or a folder with tokenizer.json.") var model: String = "minilm"
    @Option(help: "At most this many ids per line, [CLS] and [SEP] included.") var maxLength: Int = 128
    @Option(help: "Read FILE as CSV and tokenize this column of each row.") var column: String?
    @Argument(help: "A text file, one text per line ('-': standard input), or a CSV file with --column.") var file: String

    func run() throws {
        do {
            try NumberCheck.positive(maxLength, "--max-length")
            guard maxLength >= 2 else { throw UsageError("--max-length must be at least 2 ([CLS] and [SEP])") }
            let tokenizer = try PretrainedModelFolder.resolve(model).tokenizer()
            let texts = try column.map { try TextDataset.load(path: file, textColumn: $0, labelColumn: nil).texts } ?? TextLines.read(file)
            TextLines.printArrays(texts.lazy.map { tokenizer.encode($0, maximumLength: maxLength).map(String.init) })
        } catch {
            failClearly(error)
        }
    }
}

struct TextEmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the sentence embedding of each line of a file as a JSON array of floats.",
        discussion: """
        The mean of the encoder's last hidden states over each text's real tokens, scaled to unit length (what \
        sentence-transformers' encode(..., normalize_embeddings=True) gives). --model as for `text tokenize`; texts \
        are cut to --max-length tokens and run in batches of --batch texts of similar length.
        """
    )

    @Option(help: "minilm, or a folder with tokenizer.json, config.json and model.safetensors.") var model: String = "minilm"
    @Option(help: "At most this many tokens per text, [CLS] and [SEP] included (default 128, or the model's positions if fewer).")
    var maxLength: Int?
    @Option(help: "Texts per forward pass.") var batch: Int = 32
    @Option(parsing: .unconditional, help: "Engine threads.") var threads: Int = 1
    @Option(help: "Read FILE as CSV and embed this column of each row.") var column: String?
    @Flag(help: "No progress output.") var quiet = false
    @Argument(help: "A text file, one text per line ('-': standard input), or a CSV file with --column.") var file: String

    func run() throws {
        do {
            try NumberCheck.positive(batch, "--batch")
            try NumberCheck.positive(threads, "--threads")
            Engine.threads = threads
            let encoder = try SentenceEncoder(folder: try PretrainedModelFolder.resolve(model), maximumLength: maxLength)
            let texts = try column.map { try TextDataset.load(path: file, textColumn: $0, labelColumn: nil).texts } ?? TextLines.read(file)
            let line = ProgressLine(enabled: !quiet, total: texts.count, label: "embedding")
            let embeddings = try encoder.embed(texts, batchSize: batch) { line.update(done: $0, best: nil) }
            line.finish()
            TextLines.printArrays(embeddings.lazy.map { $0.map { "\($0)" } })
        } catch {
            failClearly(error)
        }
    }
}
