import Foundation
import MetaTune
import MetaTuneNumerics

/// A large study of known shape for the report's and the dashboard's benchmarks and tests:
/// `x1…xk` uniform on [0, 1] (x2 on a log scale), value 10·x1 + 3·x2 + x3 (minimised), a learning
/// curve of `steps` values falling towards it, one trial in ten pruned halfway and one in fifty
/// failed, spread over four workers one second apart.
public enum ReportBenchmark {
    /// The study, named `name`.
    public static func study(name: String = "report-bench", trials count: Int, parameters: Int = 8, steps: Int = 50, seed: UInt64 = 0) throws -> StudySnapshot {
        let unit = Distribution.float(try FloatDistribution(low: 0, high: 1))
        let logUnit = Distribution.float(try FloatDistribution(low: 1e-3, high: 1, log: true))
        var generator = SeededGenerator(seed: seed)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let workers = (0..<4).map { TrialOwner(host: "bench", pid: Int32(100 + $0), processStart: 0) }
        var trials: [FrozenTrial] = []
        trials.reserveCapacity(count)
        for number in 0..<count {
            var params: [String: ParamValue] = [:], distributions: [String: Distribution] = [:]
            var value = 0.0
            for index in 0..<parameters {
                let name = "x\(index + 1)"
                let isLog = index == 1
                let x = isLog ? exp(log(1e-3) * (1 - generator.nextUniform())) : generator.nextUniform()
                params[name] = .float(x)
                distributions[name] = isLog ? logUnit : unit
                value += (index < 3 ? [10.0, 3, 1][index] : 0) * x
            }
            let state: TrialState = number % 50 == 49 ? .failed : number % 10 == 9 ? .pruned : .complete
            let reported = state == .pruned ? steps / 2 : state == .failed ? 0 : steps
            var curve: [Int: Double] = [:]
            for step in 0..<reported { curve[step] = value + 5 * exp(-Double(step) / 8) }
            let began = start.addingTimeInterval(Double(number / 4))
            trials.append(FrozenTrial(id: number, number: number, state: state, value: state == .complete ? value : nil,
                                      params: params, distributions: distributions, intermediateValues: curve,
                                      startedAt: began, completedAt: began.addingTimeInterval(0.9),
                                      failReason: state == .failed ? "diverged" : nil, owner: workers[number % 4]))
        }
        return StudySnapshot(record: StudyRecord(id: 1, name: name, direction: .minimize, createdAt: start), trials: trials)
    }
}

extension ReportBenchmark {
    /// Writes `study` into `storage` as a new study through the `Storage` protocol, as runners
    /// would; `progress` is told how many trials are written.
    public static func store(_ study: StudySnapshot, in storage: Storage, progress: (Int) -> Void = { _ in }) throws {
        let record = try storage.createStudy(name: study.record.name, direction: study.direction)
        for trial in study.trials {
            let stored = try storage.createTrial(studyID: record.id, state: .running, systemAttributes: [:], owner: trial.owner, limit: nil)
            guard let stored else { continue }
            for (name, value) in trial.params.sorted(by: { $0.key < $1.key }) {
                guard let distribution = trial.distributions[name] else { continue }
                try storage.setTrialParam(trialID: stored.id, name: name, value: value, distribution: distribution)
            }
            if !trial.intermediateValues.isEmpty { try storage.setIntermediateValues(trialID: stored.id, values: trial.intermediateValues) }
            try storage.finishTrial(trialID: stored.id, state: trial.state, value: trial.value, reason: trial.failReason)
            if trial.number % 500 == 499 { progress(trial.number + 1) }
        }
        progress(study.trials.count)
    }
}
