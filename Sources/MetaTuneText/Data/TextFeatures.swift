import Neural

extension SentenceEncoder {
    /// The texts of `dataset` as a numeric data set: one row of sentence-embedding values per
    /// text (features `e0`, `e1`, …) with its class — what a head trained on the frozen encoder
    /// sees. Computed once per data set, so each trial then costs only the head's training.
    public func features(of dataset: TextDataset, batchSize: Int = 32, progress: ((Int) -> Void)? = nil) throws -> Dataset {
        guard dataset.count > 0 else { throw TextDataError("no texts to embed") }
        let embeddings = try embed(dataset.texts, batchSize: batchSize, progress: progress)
        let width = embeddings.first?.count ?? 0
        return Dataset(features: embeddings.flatMap { $0 }, labels: dataset.labels, featureCount: width, classCount: dataset.classNames.count,
                       featureNames: (0..<width).map { "e\($0)" })
    }
}
