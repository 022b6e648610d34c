import Foundation

/// A meta-learned few-shot model on disk (JSON): the method, benchmark and settings it was
/// trained with, its weights and Meta-SGD's learning rates.
struct FewShotModelFile: Codable {
    static let currentFormat = 1
    var format: Int
    var method: FewShotMethod
    var benchmark: String
    var ways: Int?
    var settings: FewShotSettings
    var weights: [[Float]]
    var learningRates: [[Float]]
}

extension FewShotLearner {
    /// Writes the learner to `url` as JSON (atomically).
    public func save(to url: URL) throws {
        let file = FewShotModelFile(format: FewShotModelFile.currentFormat, method: method, benchmark: benchmark.name, ways: benchmark.ways,
                                    settings: settings, weights: model.parameters.map(\.data), learningRates: learningRates.map(\.data))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try encoder.encode(file).write(to: url, options: .atomic)
        } catch {
            throw FewShotError("cannot write the model to \(url.path): \(error.localizedDescription)")
        }
    }

    /// The benchmark name a saved model was trained on (to build that benchmark before `load`).
    public static func benchmarkName(of url: URL) throws -> (name: String, ways: Int?) {
        let file = try read(url)
        return (file.benchmark, file.ways)
    }

    /// Reads a learner saved by `save(to:)`; `benchmark` must be the one it was trained on.
    public static func load(from url: URL, benchmark: FewShotBenchmark) throws -> FewShotLearner {
        let file = try read(url)
        guard file.benchmark == benchmark.name, file.ways == benchmark.ways else {
            throw FewShotError("\(url.path) holds a model for \(file.benchmark)\(file.ways.map { " (\($0)-way)" } ?? ""), not \(benchmark.name)\(benchmark.ways.map { " (\($0)-way)" } ?? "")")
        }
        return try FewShotLearner(method: file.method, benchmark: benchmark, settings: file.settings, weights: file.weights,
                                  learningRates: file.learningRates)
    }

    private static func read(_ url: URL) throws -> FewShotModelFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw FewShotError("cannot read \(url.path): \(error.localizedDescription)") }
        let file: FewShotModelFile
        do { file = try JSONDecoder().decode(FewShotModelFile.self, from: data) } catch {
            throw FewShotError("\(url.path) is not a MetaTune few-shot model")
        }
        guard file.format == FewShotModelFile.currentFormat else {
            throw FewShotError("\(url.path) is a few-shot model of format \(file.format); this MetaTune reads format \(FewShotModelFile.currentFormat)")
        }
        return file
    }
}
