import Neural

extension SentenceEncoder {
    /// The texts of `dataset` as `EncoderCache` rows with their classes — what the pretrained
    /// encoder's classifier (`Architectures.encoderTop`) trains on. Each text is encoded once, without
    /// a graph, cut to `length` tokens (default `maximumLength`): its states after all but the top
    /// `fineTunable` blocks are kept (zero-padded to `length` positions) with its real length and
    /// its final mean-pooled output (not normalised), so a trial runs at most those top blocks.
    /// `progress` gets the texts done.
    public func cachedRows(of dataset: TextDataset, fineTunable: Int, length: Int? = nil, batchSize: Int = 32,
                           progress: ((Int) -> Void)? = nil) throws -> (rows: Dataset, cache: EncoderCache) {
        let configuration = encoder.configuration
        let textLength = length ?? maximumLength
        guard (2...configuration.maximumPositions).contains(textLength) else {
            throw TextModelError("the encoder reads 2 to \(configuration.maximumPositions) tokens per text, not \(textLength)")
        }
        guard dataset.count > 0 else { throw TextDataError("no texts to encode") }
        guard (0...configuration.layers).contains(fineTunable) else {
            throw TextModelError("the encoder has \(configuration.layers) blocks; cannot fine-tune \(fineTunable)")
        }
        let lower = configuration.layers - fineTunable, hidden = configuration.hiddenSize
        let cache = EncoderCache(hidden: hidden, length: textLength, heads: configuration.heads, epsilon: configuration.layerNormEpsilon,
                                 blocksAbove: encoder.blocks.suffix(fineTunable).map(\.values))
        let ids = dataset.texts.map { tokenizer.encode($0, maximumLength: textLength) }
        var features = [Float](repeating: 0, count: dataset.count * cache.rowWidth)
        try inBatches(of: ids, batchSize: batchSize, progress: progress, encode: { batch -> (Tensor, Tensor, Int) in
            let (states, length, mask) = try encoder.hiddenStates(batch.map { ids[$0] }, paddingID: tokenizer.paddingID, throughBlock: lower)
            var top = states
            for block in encoder.blocks.suffix(fineTunable) { top = encoder.apply(block, to: top, length: length, mask: mask) }
            return (states, top.sequenceMeans(length: length, mask: mask), length)
        }, collect: { batch, encoded in
            let (states, pooled, length) = encoded
            for (position, index) in batch.enumerated() {
                let row = cache.row(realLength: ids[index].count, pooled: pooled.data[(position * hidden)..<((position + 1) * hidden)],
                                    states: states.data[(position * length * hidden)..<((position + 1) * length * hidden)])
                features.replaceSubrange((index * cache.rowWidth)..<((index + 1) * cache.rowWidth), with: row)
            }
        })
        let rows = Dataset(features: features, labels: dataset.labels, featureCount: cache.rowWidth, classCount: dataset.classNames.count,
                           featureNames: (0..<cache.rowWidth).map { "c\($0)" })
        return (rows, cache)
    }
}
