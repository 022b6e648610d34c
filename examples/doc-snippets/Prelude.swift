// What the Swift blocks of README.md and of the DocC articles leave to the reader ("your code"),
// defined just enough for scripts/doc-snippets.py to compile those blocks against MetaTune
// (`make test` does). The blocks are never run, so neither is this.

/// Your training step: trains the model with these hyperparameters through `epoch` and returns
/// its validation accuracy (README.md's `optimize` example).
func train(lr: Double, layers: Int, width: Int, epoch: Int) -> Double {
    0
}

/// Your asynchronous evaluation: a request, a job, a file to wait for (GettingStarted.md).
func measure(_ x: Double) async throws -> Double {
    x
}
