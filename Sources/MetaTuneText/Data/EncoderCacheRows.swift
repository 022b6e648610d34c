import Neural

extension SentenceEncoder {
    /// The texts of `dataset` as `EncoderCache` rows with their classes — what the pretrained
    /// encoder's classifier (`Architectures.encoderTop`) trains on. Each text is encoded once, without
    /// a graph: its states after all but the top `fineTunable` blocks are kept (zero-padded to
    /// `maximumLength` positions) with its real length and its final mean-pooled output (not
    /// normalised), so a trial runs at most those top blocks. `progress` gets the texts done.
    public func cachedRows(of dataset: TextDataset, fineTunable: Int, batchSize: Int = 32,
                           progress: ((Int) -> Void)? = nil) throws -> (rows: Dataset, cache: EncoderCache) {
        let configuration = encoder.configuration
        guard dataset.count > 0 else { throw TextDataError("no texts to encode") }
        guard (0...configuration.layers).contains(fineTunable) else {
            throw TextModelError("the encoder has \(configuration.layers) blocks; cannot fine-tune \(fineTunable)")
        }
        let lower = configuration.layers - fineTunable, hidden = configuration.hiddenSize
        let cache = EncoderCache(hidden: hidden, length: maximumLength, heads: configuration.heads, epsilon: configuration.layerNormEpsilon,
                                 blocksAbove: encoder.blocks.suffix(fineTunable).map(\.values))
        let ids = dataset.texts.map { tokenizer.encode($0, maximumLength: maximumLength) }
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        var features = [Float](repeating: 0, count: dataset.count * cache.rowWidth)
        var done = 0
        for start in stride(from: 0, to: order.count, by: max(1, batchSize)) {
            let batch = Array(order[start..<min(start + max(1, batchSize), order.count)])
            let (states, pooled, length) = try Tensor.withoutRecording { () -> (Tensor, Tensor, Int) in
                let (states, length, mask) = try encoder.hiddenStates(batch.map { ids[$0] }, paddingID: tokenizer.paddingID, throughBlock: lower)
                var top = states
                for block in encoder.blocks.suffix(fineTunable) { top = encoder.apply(block, to: top, length: length, mask: mask) }
                return (states, top.sequenceMeans(length: length, mask: mask), length)
            }
            for (position, index) in batch.enumerated() {
                let row = cache.row(realLength: ids[index].count, pooled: pooled.data[(position * hidden)..<((position + 1) * hidden)],
                                    states: states.data[(position * length * hidden)..<((position + 1) * length * hidden)])
                features.replaceSubrange((index * cache.rowWidth)..<((index + 1) * cache.rowWidth), with: row)
            }
            done += batch.count
            progress?(done)
        }
        let rows = Dataset(features: features, labels: dataset.labels, featureCount: cache.rowWidth, classCount: dataset.classNames.count,
                           featureNames: (0..<cache.rowWidth).map { "c\($0)" })
        return (rows, cache)
    }
}
