import MetaTuneTasks

extension KnowledgeBase {
    /// The knowledge as a collection run like `settings` would have scored it: every collected
    /// task whose learning curves reach `settings.epochs` (and that was collected otherwise) is
    /// scored again from its curves — by the value after epoch `settings.epochs` for `accuracy`,
    /// by the best of the first `settings.epochs` values for `best-accuracy`. Training is the same
    /// for the first epochs of a longer run, so this is what collecting at `settings` would have
    /// recorded. Other tasks, and settings with another metric, are left as they are; `rescored`
    /// counts the tasks scored again.
    public func rescored(for settings: PastTask.CollectionSettings) -> (knowledge: KnowledgeBase, rescored: Int) {
        guard let metric = TaskMetric(rawValue: settings.metric), metric == .accuracy || metric == .bestAccuracy else {
            return (self, 0)
        }
        var count = 0
        let rescoredTasks = tasks.map { task -> PastTask in
            guard let collection = task.collection, collection != settings,
                  task.trials.allSatisfy({ $0.curve.count >= settings.epochs }) else { return task }
            count += 1
            let trials = task.trials.map { trial in
                let curve = trial.curve.prefix(settings.epochs)
                let score = metric == .accuracy ? curve.last! : curve.max()!
                return PastTrial(params: trial.params, score: score, configIndex: trial.configIndex, curve: Array(curve))
            }
            let objective = ObjectiveSignature(metric: settings.metric, model: task.objective?.model, epochs: settings.epochs)
            return PastTask(name: task.name, metaFeatures: task.metaFeatures, trials: trials, collection: settings, objective: objective)
        }
        return (KnowledgeBase(tasks: rescoredTasks, leftOut: leftOut), count)
    }
}
