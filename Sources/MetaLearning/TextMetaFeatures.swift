import Foundation
import MetaTuneText
import Neural

extension MetaFeatures {
    /// The meta-features of a text classification data set, so that text studies are compared
    /// with one another by what their texts are like rather than by how a model's input encodes
    /// them. The texts become L2-normalised TF-IDF rows over their `terms` words found in the most
    /// documents; those rows give the class-balance, moment, spectrum and landmarker values (the
    /// linear landmarker is then a TF-IDF linear classifier). `features` is the vocabulary size
    /// (distinct words), and the word counts per document are added as `words_mean`,
    /// `words_median` and `words_cv` (outside `names`, so the vector keeps its length).
    public static func compute(texts: TextDataset, seed: UInt64 = 0, terms: Int = 256, landmarkRows: Int = 2000) throws -> MetaFeatures {
        guard texts.count >= 4 else { throw DatasetError("meta-features need at least 4 texts (the data set has \(texts.count))") }
        let documents = texts.texts.map { TextVocabulary.tokens($0, bigrams: false) }
        var documentFrequency: [String: Int] = [:]
        for words in documents { for word in Set(words) { documentFrequency[word, default: 0] += 1 } }
        guard !documentFrequency.isEmpty else { throw DatasetError("the texts hold no words to describe") }
        let kept = documentFrequency.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(max(terms, 1))
        let column = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1.key, $0) })
        let n = Double(texts.count)
        let inverse = kept.map { log((1 + n) / (1 + Double($0.value))) + 1 }
        let width = kept.count
        var rows = [Float](repeating: 0, count: texts.count * width)
        for (index, words) in documents.enumerated() {
            var weights = [Double](repeating: 0, count: width)
            for word in words { if let j = column[word] { weights[j] += 1 } }
            for j in 0..<width { weights[j] *= inverse[j] }
            let norm = weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for j in 0..<width where norm > 0 { rows[index * width + j] = Float(weights[j] / norm) }
        }
        let tfidf = Dataset(features: rows, labels: texts.labels, featureCount: width, classCount: texts.classNames.count,
                            featureNames: kept.map(\.key))
        var values = try compute(tfidf, seed: seed, landmarkRows: landmarkRows).values
        let vocabulary = Double(documentFrequency.count)
        values["features"] = vocabulary
        values["log_features"] = log(vocabulary)
        values["features_per_row"] = vocabulary / n
        values["log_rows_per_feature"] = log(n / vocabulary)
        let counts = documents.map { Double($0.count) }.sorted()
        let mean = counts.reduce(0, +) / n
        let deviation = (counts.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        values["words_mean"] = mean
        values["words_median"] = counts[counts.count / 2]
        values["words_cv"] = mean > 0 ? deviation / mean : 0
        return MetaFeatures(values: values)
    }
}
