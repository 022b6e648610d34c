/// Implemented by samplers that can run out of new points (the grid sampler).
public protocol FiniteSampler: Sampler {
    /// How many new configurations are left to evaluate.
    func remainingCount(history: StudyHistory) -> Int
}
