/// Max and average pooling, as `keras.layers.MaxPooling2D` and `AveragePooling2D`.
///
/// input (N, H, W, C) → output (N, OH, OW, C); no parameters. Strides default to the pool size
/// and padding to `valid`, as in Keras. Max pooling keeps the largest value of each window and
/// sends the gradient back only to it; average pooling shares the gradient equally.
public final class Pooling2D: Layer {
    public enum Mode: String, Sendable { case max, average }

    public var name: String
    public let mode: Mode
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public var kind: LayerKind { mode == .max ? .maxPooling2D : .averagePooling2D }
    public var parameters: [Parameter] { [] }
    public var backend: KernelBackend = .fast
    public var needsInputGradient = true

    private var inputShape: [Int] = []
    private var lastBatch = 0
    /// For max pooling: the input index of each kept maximum in the last forward pass.
    public private(set) var lastArgmax: [Int32] = []
    /// For max pooling: the last output (shared with the next layer, not copied), the ReLU mask
    /// of `backwardThroughReLU`.
    private var lastMaxOutput: [Float] = []
    /// True when the last forward ran fused with the Conv2D before it (`Conv2D.forwardReLUMaxPool`):
    /// argmax and output are this layer's as usual, but the layer below kept no ReLU output.
    private(set) var ranFused = false

    public init(_ mode: Mode, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil,
                padding: Padding = .valid, name: String = "") {
        self.mode = mode
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        self.name = name
    }

    func geometry(batch: Int) -> ConvGeometry {
        ConvGeometry(sample: inputShape, batch: batch, kernel: poolSize, strides: strides, padding: padding)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw CNNError.impossibleLayer(layer: name, reason: "\(kind) needs an input of rank 3 (height, width, channels), got \(CNNError.format(inputShape))")
        }
        guard poolSize.0 > 0, poolSize.1 > 0, strides.0 > 0, strides.1 > 0 else {
            throw CNNError.impossibleLayer(layer: name, reason: "pool size and strides must be positive")
        }
        let g = ConvGeometry(sample: inputShape, batch: 1, kernel: poolSize, strides: strides, padding: padding)
        guard !g.isEmpty else {
            throw CNNError.impossibleLayer(layer: name, reason: "a \(poolSize.0)×\(poolSize.1) window does not fit a \(inputShape[0])×\(inputShape[1]) input with '\(padding.rawValue)' padding")
        }
        return [g.outHeight, g.outWidth, inputShape[2]]
    }

    public func build(inputShape: [Int], rng: inout SeededRNG) throws {
        _ = try outputShape(for: inputShape)
        self.inputShape = inputShape
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try check(input, against: inputShape)
        let g = geometry(batch: input.shape[0])
        lastBatch = g.batch
        let shape = [g.batch, g.outHeight, g.outWidth, g.channels]
        switch mode {
        case .max:
            let (y, arg) = Kernels.maxPoolForward(backend, input: input.data, geometry: g)
            lastArgmax = arg
            lastMaxOutput = y
            ranFused = false
            return Tensor(shape: shape, data: y)
        case .average:
            ranFused = false
            return Tensor(shape: shape, data: PoolNaive.averageForward(input: input.data, geometry: g))
        }
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let g = geometry(batch: lastBatch)
        let inputCount = g.batch * g.height * g.width * g.channels
        switch mode {
        case .max:
            return Tensor(shape: [g.batch] + inputShape,
                          data: Kernels.maxPoolBackward(backend, outputGradient: outputGradient.data,
                                                        argmax: lastArgmax, inputCount: inputCount, batch: g.batch,
                                                        geometry: g))
        case .average:
            return Tensor(shape: [g.batch] + inputShape,
                          data: PoolNaive.averageBackward(outputGradient: outputGradient.data, geometry: g))
        }
    }

    /// Max pooling backward fused with the ReLU backward of the layer before it: returns that
    /// layer's dLoss/dz directly. `relu` is this layer's input (the ReLU output y of the layer
    /// before). Same values as `backward` then the ReLU backward; see `Kernels.maxPoolBackwardReLU`.
    public func backwardThroughReLU(_ outputGradient: Tensor, relu: Tensor) throws -> Tensor {
        let g = geometry(batch: lastBatch)
        guard mode == .max, relu.count == g.batch * g.height * g.width * g.channels,
              lastMaxOutput.count == outputGradient.count else {
            throw CNNError.impossibleLayer(layer: name, reason: "the fused ReLU backward needs max pooling and its input")
        }
        return Tensor(shape: [g.batch] + inputShape,
                      data: Kernels.maxPoolBackwardReLU(backend, outputGradient: outputGradient.data, argmax: lastArgmax,
                                                        relu: relu.data, pooled: lastMaxOutput, geometry: g))
    }

    /// Stores what the fused conv-ReLU-pool forward computed for this layer, as its own forward
    /// would have, and returns the output tensor (N, PH, PW, C).
    func rememberFusedForward(output: [Float], argmax: [Int32], batch: Int) throws -> Tensor {
        let g = geometry(batch: batch)
        let shape = [g.batch, g.outHeight, g.outWidth, g.channels]
        guard mode == .max, output.count == shape.reduce(1, *), argmax.count == output.count else {
            throw CNNError.impossibleLayer(layer: name, reason: "the fused forward gave \(output.count) values for an output of shape \(CNNError.format(shape)); run the layers unfused")
        }
        lastBatch = batch
        lastArgmax = argmax
        lastMaxOutput = output
        ranFused = true
        return Tensor(shape: shape, data: output)
    }

    /// Argmax and output of the last forward when it ran fused, else nil.
    func fusedForwardState() -> (argmax: [Int32], output: [Float])? {
        ranFused ? (lastArgmax, lastMaxOutput) : nil
    }

    /// After a fused forward: the dLoss/dz of the ReLU conv below, from this layer's output
    /// gradient, with the ReLU mask read from the pooled output (`Kernels.maxPoolBackwardPooledMask`;
    /// the windows do not overlap). For a conv that needs its input gradient.
    func preActivationGradientAfterFusedForward(_ outputGradient: Tensor) throws -> Tensor {
        let g = geometry(batch: lastBatch)
        guard ranFused, lastMaxOutput.count == outputGradient.count else {
            throw CNNError.impossibleLayer(layer: name, reason: "this backward needs a fused forward of the same batch first")
        }
        return Tensor(shape: [g.batch] + inputShape,
                      data: Kernels.maxPoolBackwardPooledMask(backend, outputGradient: outputGradient.data, argmax: lastArgmax,
                                                              pooled: lastMaxOutput, geometry: g))
    }

    public var config: [String: JSONValue] {
        ["name": .string(name), "pool_size": .ints([poolSize.0, poolSize.1]),
         "strides": .ints([strides.0, strides.1]), "padding": .string(padding.rawValue)]
    }
}
