import ArgumentParser
import Foundation
import MetaLearning
import MetaTune
import MetaTuneTasks
import MetaTuneNumerics

extension MetaCommand {
    /// `metatune meta bench`.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare meta-learning and cold-start methods on collected pools (tabular meta-benchmark).",
            discussion: """
            Each target task's collected configurations are its pool; every method picks configurations one at a
            time from the pool (a suggestion becomes the nearest configuration not yet picked). Reported per method:
            median normalised regret (pool best - best so far) / (pool best - pool median) at trials 1, 3, 5, 10, 20,
            30; median trials to come within 0.5 accuracy points of the pool's best (budget + 1 when never); average
            rank; and the learned mapping's Spearman correlation on each target's pool before it sees any result.
            Knowledge and targets: 'builtin', a knowledge-base .json file, or a storage URL (any studies: tasks without
            meta-features, e.g. an external command's, are compared by the methods that need none). --space gives the
            search space of such pools; --knowledge-names and --target-names keep only the tasks a file lists (a frozen
            design/evaluation split).
            With --json: {"method", "regret": {"1", "3", "5", "10", "20", "30"}, "trials_to_target", "average_rank", "spearman"}.
            """
        )

        @Option(help: "What the meta methods learn from (with --targets).") var knowledge: String?
        @Option(help: "The target tasks (with --knowledge).") var targets: String?
        @Option(help: "Each task of this source in turn is the target, the others the knowledge.") var leaveOneOut: String?
        @Option(help: "Comma-separated methods.") var methods = PoolMethodList(PoolMethod.allCases)
        @Option(parsing: .unconditional, help: "Trials per run.") var budget: Int = 30
        @Option(parsing: .unconditional, help: "Seeds per target.") var seeds: Int = 5
        @Option(help: "The model whose pools are compared.") var model: BuiltinModel = .mlp
        @Option(help: "The pools' search space, a YAML or JSON file (default: the model's).") var space: String?
        @Option(help: "A file of task names, one per line: the knowledge keeps only these tasks.") var knowledgeNames: String?
        @Option(help: "A file of task names, one per line: only these tasks are targets.") var targetNames: String?
        @Option(parsing: .unconditional, help: "Targets run at once (default: one per core); the results do not depend on it.")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount
        @Option(parsing: .unconditional, help: "With --metric: score every collected task again from its learning curves as a run of this many epochs scores (knowledge and targets alike).")
        var epochs: Int?
        @Option(help: "With --epochs: accuracy (the last epoch's) or best-accuracy (the best of the epochs).") var metric: TaskMetric?
        @Flag(help: "One JSON object per method on standard output.") var json = false
        @Flag(help: "No progress output.") var quiet = false

        func validate() throws {
            try NumberCheck.positive(budget, "--budget")
            try NumberCheck.positive(seeds, "--seeds")
            try NumberCheck.positive(threads, "--threads")
            if let epochs { try NumberCheck.positive(epochs, "--epochs") }
            if (epochs == nil) != (metric == nil) || (metric.map { ![.accuracy, .bestAccuracy].contains($0) } ?? false) {
                throw UsageError("--epochs (at least 1) and --metric (accuracy or best-accuracy) go together")
            }
            if leaveOneOut != nil && (knowledge != nil || targets != nil) { throw UsageError("--leave-one-out replaces --knowledge and --targets") }
            if leaveOneOut == nil && (knowledge == nil || targets == nil) { throw UsageError("give --knowledge and --targets, or --leave-one-out") }
        }

        func run() throws {
            let methods = self.methods.methods
            do {
                let sources: PoolBenchmarkTasks.Sources
                if let leaveOneOut {
                    sources = .leaveOneOut(try KnowledgeSource(leaveOneOut))
                } else {
                    sources = .split(knowledge: try KnowledgeSource(knowledge ?? ""), targets: try KnowledgeSource(targets ?? ""))
                }
                let searchSpace = try space.map { try SearchSpaceFile.load(path: $0) } ?? model.defaultSpace
                var scoring: PastTask.CollectionSettings?
                if let epochs, let metric { scoring = PastTask.CollectionSettings(epochs: epochs, metric: metric.rawValue) }
                let tasks = try PoolBenchmarkTasks(sources: sources, space: searchSpace, model: model, budget: budget, scoring: scoring,
                                                   knowledgeNames: try knowledgeNames.map(KnowledgeSource.names(inFile:)),
                                                   targetNames: try targetNames.map(KnowledgeSource.names(inFile:)))
                for task in tasks.skipped {
                    FileHandle.standardError.write(Data("meta bench: skipping target \(task.name): its pool has no more configurations than the budget \(budget)\n".utf8))
                }
                guard !tasks.targets.isEmpty else { usageError("no target task has a pool larger than the budget \(budget)") }
                let benchmark = PoolBenchmark(space: searchSpace, budget: budget, seeds: seeds)
                let line = ProgressLine(enabled: !quiet, total: tasks.targets.count * seeds * methods.count, label: "meta bench")
                let runs = try benchmark.run(methods: methods, targets: tasks.targets, knowledge: tasks.knowledge, threads: threads) { done, _ in
                    line.update(done: done, best: nil)
                }
                line.finish()
                let spearman = runs.mappingSpearman.isEmpty ? [:] : [MetaMethod.mapping.rawValue: Statistics.median(runs.mappingSpearman) ?? .nan]
                let reports = MetaBenchReport.make(runs: runs, methods: methods.map(\.name), budget: budget, spearman: spearman)
                if json {
                    for report in reports { print(report.json) }
                } else {
                    print(Self.table(reports, tasks: tasks.targets.count, seeds: seeds))
                }
            } catch {
                failClearly(error)
            }
        }

        static func table(_ reports: [MetaBenchReport], tasks: Int, seeds: Int) -> String {
            let checkpoints = reports.first?.regret.map(\.trials) ?? []
            var lines = ["\(tasks) target tasks × \(seeds) seeds; median normalised regret at trial t (0 = pool best, 1 = pool median)",
                         "method     " + checkpoints.map { pad("t=\($0)", 7) }.joined() + "  to-target  avg-rank  spearman"]
            for report in reports {
                var line = report.method.padding(toLength: 11, withPad: " ", startingAt: 0)
                line += report.regret.map { String(format: "%7.3f", $0.value) }.joined()
                line += String(format: "  %9.1f  %8.2f", report.trialsToTarget, report.averageRank)
                line += report.spearman.map { String(format: "  %8.3f", $0) } ?? "         -"
                lines.append(line)
            }
            return lines.joined(separator: "\n")
        }

        /// `text` right-aligned in `width` columns.
        private static func pad(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
    }

    /// `metatune meta export --storage URL --out FILE`.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the studies of a storage as a compact knowledge-base file.",
            discussion: """
            By default the studies of the built-in --model (those `tune` and `meta collect` made with it); with --space, every
            study whose parameters overlap that search space (e.g. `metatune run` studies of one script).
            """)

        @OptionGroup var storage: StorageOption
        @Option(help: "The knowledge-base JSON file to write (never the storage itself).") var out: String
        @Flag(help: "Replace --out if it exists.") var force = false
        @Option(help: "The model whose studies are exported.") var model: BuiltinModel = .mlp
        @Option(help: "Instead of --model: export every study sharing parameters with this search space (YAML or JSON).") var space: String?

        func run() throws {
            let builtin = model
            do {
                try OutputFile.check(out, replacing: force, storage: storage.storage)
                var knowledge = try KnowledgeBase.load(from: try storage.open(readOnly: true))
                if let space {
                    knowledge = knowledge.selected(for: KnowledgeQuery(space: try SearchSpaceFile.load(path: space)))
                } else {
                    knowledge = KnowledgeBase(tasks: knowledge.tasks.filter { $0.objective?.model == builtin.rawValue })
                }
                guard !knowledge.tasks.isEmpty else {
                    usageError("\(storage.storage) has no study " + (space == nil ? "of the built-in \(model)" : "sharing parameters with \(space ?? "")"))
                }
                try KnowledgeBaseFile.write(KnowledgeBase(tasks: knowledge.tasks), to: out)
                let trials = knowledge.tasks.reduce(0) { $0 + $1.trials.count }
                FileHandle.standardError.write(Data("wrote \(knowledge.tasks.count) tasks, \(trials) trials to \(out)\n".utf8))
            } catch {
                failClearly(error)
            }
        }
    }
}
