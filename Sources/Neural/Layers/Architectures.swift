import MetaTuneNumerics

/// Ready-made model shapes for the built-in tasks.
public enum Architectures {
    /// A multilayer perceptron: `depth` hidden dense layers of `width` units, each followed by the
    /// activation (after batch normalisation with `batchNorm`) and, if `dropout` > 0, dropout; then a
    /// dense output layer of `classes` logits.
    public static func mlp(inputs: Int, classes: Int, depth: Int, width: Int, activation: Activation, dropout: Float,
                           batchNorm: Bool = false, seed: UInt64) -> Sequential {
        precondition(depth >= 0 && width >= 1, "an MLP needs depth ≥ 0 and width ≥ 1")
        var generator = SeededGenerator(seeds: [seed, stableHash("mlp-init")])
        let initializer: Initializer = activation == .relu || activation == .gelu ? .he : .glorot
        var layers: [Layer] = [FlattenLayer()]
        var fanIn = inputs
        for _ in 0..<depth {
            layers.append(Dense(fanIn, width, initializer: initializer, generator: &generator))
            if batchNorm { layers.append(BatchNorm(features: width)) }
            layers.append(ActivationLayer(activation))
            if dropout > 0 { layers.append(DropoutLayer(rate: dropout)) }
            fanIn = width
        }
        layers.append(Dense(fanIn, classes, initializer: .glorot, generator: &generator))
        return Sequential(layers)
    }

    /// A small convolutional network for images [channels, height, width]: `depth` blocks of
    /// (k×k convolution with "same" padding, activation, 2×2 max pooling while the image is at
    /// least 2×2), the channel count doubling from `channels` each block, then dropout and a dense
    /// output layer.
    public static func cnn(imageShape: [Int], classes: Int, depth: Int, channels: Int, kernel: Int, activation: Activation,
                           dropout: Float, batchNorm: Bool = false, seed: UInt64) -> Sequential {
        precondition(imageShape.count == 3 && depth >= 1 && channels >= 1 && kernel >= 1, "invalid CNN shape")
        var generator = SeededGenerator(seeds: [seed, stableHash("cnn-init")])
        var layers: [Layer] = []
        var (c, h, w) = (imageShape[0], imageShape[1], imageShape[2])
        for block in 0..<depth {
            let out = channels << block
            layers.append(Conv2D(c, out, kernel: kernel, generator: &generator))
            if batchNorm { layers.append(BatchNorm(features: out)) }
            layers.append(ActivationLayer(activation))
            if h >= 2 && w >= 2 {
                layers.append(MaxPool2D(size: 2))
                (h, w) = (h / 2, w / 2)
            }
            c = out
        }
        layers.append(FlattenLayer())
        if dropout > 0 { layers.append(DropoutLayer(rate: dropout)) }
        layers.append(Dense(c * h * w, classes, initializer: .glorot, generator: &generator))
        return Sequential(layers)
    }
}
