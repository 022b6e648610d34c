import Foundation
import MetaTune
import MetaTuneTasks

/// How a study records the task it tuned, in its system attributes, so that the knowledge base
/// can find it later: the task's name, the model, the task's meta-features (when known) and what
/// the study measured (`ObjectiveSignature`).
public enum TaskAttributes {
    public static let taskKey = "metatune.task"
    public static let modelKey = "metatune.model"
    public static let metaFeaturesKey = "metatune.meta_features"
    /// On collected studies: {"configs", "epochs", "seed", "metric"} of `meta collect`.
    public static let collectionKey = "metatune.collection"
    /// On collected trials (user attribute): the index of the configuration in the pool.
    public static let configIndexKey = "config_index"
    /// What the study measured: {"metric", "model", "epochs"} (`ObjectiveSignature`).
    public static let objectiveKey = "metatune.objective"

    /// Records what a study measures.
    public static func record(objective: ObjectiveSignature, studyID: Int, storage: Storage) throws {
        var object: [String: JSONValue] = ["metric": .string(objective.metric)]
        if let model = objective.model { object["model"] = .string(model) }
        if let epochs = objective.epochs { object["epochs"] = .number(Double(epochs)) }
        try storage.setStudyAttribute(studyID: studyID, key: objectiveKey, value: .object(object), system: true)
    }

    /// What a study recorded that it measures: its `ObjectiveSignature`; for collected studies
    /// that predate it, the collection's model and metric; nil when nothing was recorded.
    public static func objective(of record: StudyRecord) -> ObjectiveSignature? {
        if case .object(let object)? = record.systemAttributes[objectiveKey], let metric = object["metric"]?.stringValue {
            var epochs: Int?
            if case .number(let number)? = object["epochs"] { epochs = Int(number) }
            return ObjectiveSignature(metric: metric, model: object["model"]?.stringValue, epochs: epochs)
        }
        guard let collection = collection(of: record) else { return nil }
        return ObjectiveSignature(metric: collection.metric, model: record.systemAttributes[modelKey]?.stringValue, epochs: collection.epochs)
    }

    /// Records on a study the task it tunes, the model (nil: not a built-in one), the task's
    /// meta-features when known, and what it measures when given, so that later studies can learn
    /// from it.
    public static func record(task: String, model: String?, metaFeatures: MetaFeatures?, objective: ObjectiveSignature? = nil,
                              studyID: Int, storage: Storage) throws {
        try storage.setStudyAttribute(studyID: studyID, key: taskKey, value: .string(task), system: true)
        if let model { try storage.setStudyAttribute(studyID: studyID, key: modelKey, value: .string(model), system: true) }
        if let metaFeatures {
            let object = JSONValue.object(metaFeatures.values.mapValues { .number($0) })
            try storage.setStudyAttribute(studyID: studyID, key: metaFeaturesKey, value: object, system: true)
        }
        if let objective { try record(objective: objective, studyID: studyID, storage: storage) }
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
