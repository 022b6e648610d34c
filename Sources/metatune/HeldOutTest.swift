import Foundation
import MetaTune
import MetaTuneTasks

/// `tune --test-fraction`: once tuning is over, the best trial's configuration is trained again
/// (same seed, the full epochs — the same model, since training is deterministic) and scored on
/// the rows no trial saw.
enum HeldOutTest {
    /// Prints the test score of the study's best trial: a sentence, or a JSON line with `json`.
    static func report(study: Study, task: BuiltinTask, json: Bool) {
        guard let test = task.test else { return }
        do {
            guard let best = try study.bestTrial else {
                FileHandle.standardError.write(Data("no complete trial to score on the test split\n".utf8))
                return
            }
            let score = try task.testScore(params: best.params, trialNumber: best.number)
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
                print("held-out test \(metric) of trial \(best.number)'s configuration, retrained for \(task.epochs) epochs on the same training rows: \(score) (\(test.count) test rows)")
            }
        } catch {
            failClearly(error)
        }
    }
}
