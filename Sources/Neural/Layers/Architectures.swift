import Numerics

/// Ready-made model shapes for the built-in tasks.
public enum Architectures {
    /// A multilayer perceptron: `depth` hidden dense layers of `width` units, each followed by the
    /// activation and (if `dropout` > 0) dropout, then a dense output layer of `classes` logits.
    public static func mlp(inputs: Int, classes: Int, depth: Int, width: Int, activation: Activation, dropout: Float,
                           seed: UInt64) -> Sequential {
        precondition(depth >= 0 && width >= 1, "an MLP needs depth ≥ 0 and width ≥ 1")
        var generator = SeededGenerator(seeds: [seed, stableHash("mlp-init")])
        let initializer: Initializer = activation == .relu || activation == .gelu ? .he : .glorot
        var layers: [Layer] = [FlattenLayer()]
        var fanIn = inputs
        for _ in 0..<depth {
            layers.append(Dense(fanIn, width, initializer: initializer, generator: &generator))
            layers.append(ActivationLayer(activation))
            if dropout > 0 { layers.append(DropoutLayer(rate: dropout)) }
            fanIn = width
        }
        layers.append(Dense(fanIn, classes, initializer: .glorot, generator: &generator))
        return Sequential(layers)
    }
}
