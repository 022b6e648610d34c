import Foundation
import MetaTune
import MetaTuneTasks

/// `tune --test-fraction`: once tuning is over, the best trial's configuration is trained again
/// (same seed — the same model, since training is deterministic; under best-accuracy up to the
/// trial's best epoch, its weights restored there) and scored on the rows no trial saw.
enum HeldOutTest {
    /// Prints the test score of the study's best trial: a sentence, or a JSON line with `json`.
    static func report(study: Study, task: BuiltinTask, json: Bool) {
        guard let test = task.test else { return }
        do {
            guard let best = try study.bestTrial else {
                FileHandle.standardError.write(Data("no complete trial to score on the test split\n".utf8))
                return
            }
            let curve = best.intermediateValues.keys.sorted().compactMap { best.intermediateValues[$0] }
            let score = try task.testScore(params: best.params, trialNumber: best.number, curve: curve)
            let bestEpoch = task.metric == .bestAccuracy ? BuiltinTask.bestEpoch(of: curve) : nil
            let epochs = bestEpoch.map { "up to its best epoch (\($0) of \(task.epochs))" } ?? "for \(task.epochs) epochs"
            let metric = task.metric.isLoss ? task.metric.rawValue : "accuracy"
            if json {
                var object = OrderedJSONObject()
                object.add("trial", best.number)
                object.add("metric", metric)
                object.add("value", score)
                object.add("rows", test.count)
                var line = OrderedJSONObject()
                line.addRaw("test", object.text)
                print(line.text)
            } else {
                print("held-out test \(metric) of trial \(best.number)'s configuration, retrained \(epochs) on the same training rows: \(score) (\(test.count) test rows)")
            }
        } catch {
            failClearly(error)
        }
    }
}
