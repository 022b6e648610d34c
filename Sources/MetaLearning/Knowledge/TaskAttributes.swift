import Foundation
import MetaTune
import MetaTuneTasks

/// How a study records the task it tuned, in its system attributes, so that the knowledge base
/// can find it later: the task's name, the model, and the task's meta-features.
public enum TaskAttributes {
    public static let taskKey = "metatune.task"
    public static let modelKey = "metatune.model"
    public static let metaFeaturesKey = "metatune.meta_features"
    /// On collected studies: {"configs", "epochs", "seed", "metric"} of `meta collect`.
    public static let collectionKey = "metatune.collection"
    /// On collected trials (user attribute): the index of the configuration in the pool.
    public static let configIndexKey = "config_index"

    /// Records task, model and meta-features on a study.
    public static func record(task: String, model: String, metaFeatures: MetaFeatures, studyID: Int, storage: Storage) throws {
        try storage.setStudyAttribute(studyID: studyID, key: taskKey, value: .string(task), system: true)
        try storage.setStudyAttribute(studyID: studyID, key: modelKey, value: .string(model), system: true)
        let object = JSONValue.object(metaFeatures.values.mapValues { .number($0) })
        try storage.setStudyAttribute(studyID: studyID, key: metaFeaturesKey, value: object, system: true)
    }

    /// Records on a collected study how `meta collect` trained and scored its trials, the pool size
    /// and the seed.
    public static func recordCollection(_ scoring: PastTask.CollectionSettings, configs: Int, seed: UInt64,
                                        studyID: Int, storage: Storage) throws {
        try storage.setStudyAttribute(studyID: studyID, key: collectionKey, value: .object([
            "configs": .number(Double(configs)), "epochs": .number(Double(scoring.epochs)),
            "seed": .number(Double(seed)), "metric": .string(scoring.metric),
        ]), system: true)
    }

    /// The seed a collected study's pool and data split were drawn with, if recorded.
    public static func collectionSeed(of record: StudyRecord) -> UInt64? {
        guard case .object(let object)? = record.systemAttributes[collectionKey], case .number(let seed)? = object["seed"] else { return nil }
        return UInt64(seed)
    }

    /// How `meta collect` trained and scored a study's trials, if it collected them (collections
    /// that predate `--metric` were scored by the best epoch).
    public static func collection(of record: StudyRecord) -> PastTask.CollectionSettings? {
        guard case .object(let object)? = record.systemAttributes[collectionKey],
              case .number(let epochs)? = object["epochs"] else { return nil }
        return PastTask.CollectionSettings(epochs: Int(epochs), metric: object["metric"]?.stringValue ?? TaskMetric.bestAccuracy.rawValue)
    }

    /// The meta-features recorded on a study, if any.
    public static func metaFeatures(of record: StudyRecord) -> MetaFeatures? {
        guard case .object(let object)? = record.systemAttributes[metaFeaturesKey] else { return nil }
        var values: [String: Double] = [:]
        for (name, value) in object {
            if case .number(let number) = value { values[name] = number }
        }
        return MetaFeatures(values: values)
    }
}
