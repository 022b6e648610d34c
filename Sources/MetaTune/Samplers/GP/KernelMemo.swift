import Foundation

/// The kernel a GP sampler fitted last for a study and a joint space, to warm-start the next fit.
final class KernelMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var studyKey = ""
    private var kernels: [[String]: MaternKernel] = [:]

    /// The last kernel fitted for `history`'s study over `axes`, if any.
    func kernel(for history: StudyHistory, axes: [String]) -> MaternKernel? {
        lock.lock()
        defer { lock.unlock() }
        return history.cacheKey == studyKey ? kernels[axes] : nil
    }

    func remember(_ kernel: MaternKernel, for history: StudyHistory, axes: [String]) {
        lock.lock()
        defer { lock.unlock() }
        if history.cacheKey != studyKey {
            studyKey = history.cacheKey
            kernels = [:]
        }
        kernels[axes] = kernel
    }
}
