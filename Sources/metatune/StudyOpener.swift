import MetaTune

/// Opens the study a long-running command works on.
enum StudyOpener {
    /// Loads the study named `name`, checking that `direction` (if given) agrees with the stored
    /// one, or creates it (with `direction`, default minimize). Safe when several runners start
    /// at once.
    static func open(_ storage: Storage, name: String, direction: StudyDirection?, sampler: Sampler,
                     pruner: Pruner) throws -> Study {
        if let existing = try storage.study(named: name) {
            if let direction, direction != existing.direction {
                throw StudyError.directionMismatch(study: name, stored: existing.direction, requested: direction)
            }
            return try Study.load(name: name, storage: storage, sampler: sampler, pruner: pruner)
        }
        do {
            return try Study.create(name: name, direction: direction ?? .minimize, sampler: sampler, pruner: pruner,
                                    storage: storage)
        } catch StorageError.studyExists {
            return try Study.load(name: name, storage: storage, sampler: sampler, pruner: pruner)
        }
    }
}
