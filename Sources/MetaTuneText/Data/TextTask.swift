import MetaTune
import MetaTuneTasks
import Neural

extension BuiltinTask {
    /// A built-in text model's task on labelled texts. `text-bow` reads token ids of words and
    /// bigrams seen twice or more, `text-cnn` and `text-transformer` of words seen twice or more in
    /// text order: as many per text as `space`'s largest `max_length`, or `tokensPerText` when it
    /// has none (default: the largest `max_length` of the model's default space; at most
    /// `BuiltinModel.longestTokenRow`). `minilm` reads the
    /// pretrained encoder's outputs, computed once here (`SentenceEncoder.cachedRows`) for texts cut
    /// to the space's largest `max_length` (default: the encoder's `maximumLength`), with as many
    /// top blocks kept trainable as `space` can ask for (its largest `fine_tuned_layers`, at most
    /// the encoder's blocks).
    /// `progress` gets the texts encoded so far (minilm only; there are `texts.count`).
    public static func text(name: String, texts: TextDataset, model: BuiltinModel, space: SearchSpace, encoder: SentenceEncoder?,
                            epochs: Int, metric: TaskMetric = .bestAccuracy, testFraction: Double = 0, seed: UInt64 = 0,
                            tokensPerText: Int? = nil, progress: ((Int) -> Void)? = nil) throws -> BuiltinTask {
        guard texts.classNames.count >= 2 else { throw TextDataError("\(name) has a single class") }
        switch model {
        case .textBow, .textCNN, .textTransformer:
            let length = min(space.largestInteger(of: "max_length") ?? tokensPerText ?? model.defaultSpace.largestInteger(of: "max_length") ?? 256,
                             BuiltinModel.longestTokenRow)
            let vocabulary = TextVocabulary(texts: texts.texts, bigrams: model == .textBow)
            let rows = try texts.tokenIDs(vocabulary, length: length)
            return try BuiltinTask(name: name, data: rows, model: model, epochs: epochs, metric: metric, testFraction: testFraction, seed: seed)
        case .pretrainedEncoder:
            guard let encoder else { throw TextModelError("the minilm model needs the pretrained encoder") }
            // At most the encoder's blocks: a trial asking for more then fails with the reason.
            let fineTunable = min(max(space.largestInteger(of: "fine_tuned_layers") ?? 0, 0), encoder.encoder.configuration.layers)
            let (rows, cache) = try encoder.cachedRows(of: texts, fineTunable: fineTunable, length: space.largestInteger(of: "max_length"),
                                                       progress: progress)
            return try BuiltinTask(name: name, data: rows, model: model, epochs: epochs, metric: metric, testFraction: testFraction,
                                   seed: seed, encoderCache: cache)
        case .mlp, .cnn:
            throw TextModelError("the \(model.rawValue) model does not read texts (text models: text-bow, text-cnn, text-transformer, minilm)")
        }
    }
}
