import CNNCore

/// Runs the tutorials' numbers through CNNCore's real layers, the ones training uses.
///
/// Each function builds the layer for the input's shape (as `Sequential` does), then overwrites
/// the random initial weights through `Parameter.value` with the tutorial's kernel and bias, and
/// runs `forward` (and `backward` where the tutorial shows gradients).
public enum Engine {
    /// Builds a layer for a per-sample input shape. The seed only fills weights we overwrite.
    static func built<L: Layer>(_ layer: L, inputShape: [Int]) throws -> L {
        var rng = SeededRNG(seed: 0)
        try layer.build(inputShape: inputShape, rng: &rng)
        return layer
    }

    /// A Conv2D with one filter and the given kernel (one matrix per input channel) and bias.
    ///
    /// input channels C matrices of H×W, kernel C matrices of KH×KW → Conv2D kernel (KH, KW, C, 1).
    public static func conv2D(input: [Matrix], kernel: [Matrix], bias: Float, stride: Int, padding: Padding,
                              activation: Activation = .linear) throws -> Conv2D {
        let first = kernel[0]
        let layer = try built(Conv2D(filters: 1, kernelSize: (first.rows, first.cols), strides: (stride, stride),
                                     padding: padding, activation: activation, name: "conv2d"),
                              inputShape: [input[0].rows, input[0].cols, input.count])
        layer.kernel?.value = Matrix.tensor(channels: kernel).reshaped([first.rows, first.cols, kernel.count, 1])
        layer.bias?.value = Tensor(shape: [1], data: [bias])
        return layer
    }

    /// A Conv2D with several single-channel filters at once (the edges tutorial): kernel (KH, KW, 1, F).
    public static func conv2D(filtersOf kernels: [Matrix], biases: [Float], inputShape: [Int]) throws -> Conv2D {
        let (kh, kw) = (kernels[0].rows, kernels[0].cols)
        let layer = try built(Conv2D(filters: kernels.count, kernelSize: (kh, kw), name: "conv2d"), inputShape: inputShape)
        var k = [Float](repeating: 0, count: kh * kw * kernels.count)
        for (f, m) in kernels.enumerated() {
            for (i, v) in m.values.enumerated() { k[i * kernels.count + f] = v }
        }
        layer.kernel?.value = Tensor(shape: [kh, kw, 1, kernels.count], data: k)
        layer.bias?.value = Tensor(shape: [kernels.count], data: biases)
        return layer
    }

    /// The first filter's kernel gradient of a one-filter Conv2D, as matrices per input channel.
    public static func kernelGradient(_ layer: Conv2D) -> [Matrix] {
        guard let g = layer.kernel?.gradient else { return [] }
        let (kh, kw, c) = (g.shape[0], g.shape[1], g.shape[2])
        return Matrix.channels(of: g.reshaped([1, kh, kw, c]))
    }

    /// The first filter's kernel of a one-filter Conv2D, as matrices per input channel.
    public static func kernelValue(_ layer: Conv2D) -> [Matrix] {
        guard let v = layer.kernel?.value else { return [] }
        return Matrix.channels(of: v.reshaped([1, v.shape[0], v.shape[1], v.shape[2]]))
    }

    /// The per-sample output shape (H, W, C) a layer built for `inputShape` gives: what Keras
    /// prints as (None, H, W, C). The layer is built, as `Sequential` builds it, so its own
    /// `outputShape` decides (the output-size exercises take their keys from here).
    public static func outputShape(of layer: some Layer, inputShape: [Int]) throws -> [Int] {
        try built(layer, inputShape: inputShape).outputShape(for: inputShape)
    }

    public static func pooling(_ mode: Pooling2D.Mode, inputShape: [Int], poolSize: Int, stride: Int, padding: Padding) throws -> Pooling2D {
        try built(Pooling2D(mode, poolSize: (poolSize, poolSize), strides: (stride, stride), padding: padding,
                            name: mode == .max ? "max_pooling2d" : "average_pooling2d"),
                  inputShape: inputShape)
    }

    public static func activation(_ a: Activation, inputShape: [Int]) throws -> ActivationLayer {
        try built(ActivationLayer(a, name: "activation"), inputShape: inputShape)
    }

    public static func flatten(inputShape: [Int]) throws -> Flatten {
        try built(Flatten(name: "flatten"), inputShape: inputShape)
    }

    /// A Dense layer with one unit: kernel (I, 1) from `weights`, bias (1).
    public static func dense(weights: [Float], bias: Float, activation: Activation) throws -> Dense {
        let layer = try built(Dense(units: 1, activation: activation, name: "dense"), inputShape: [weights.count])
        layer.kernel?.value = Tensor(shape: [weights.count, 1], data: weights)
        layer.bias?.value = Tensor(shape: [1], data: [bias])
        return layer
    }
}
