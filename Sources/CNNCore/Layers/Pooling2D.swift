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
    public var needsInputGradient = true

    private var inputShape: [Int] = []
    private var lastBatch = 0
    /// For max pooling: the input index of each kept maximum in the last forward pass.
    public private(set) var lastArgmax: [Int32] = []

    public init(_ mode: Mode, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil,
                padding: Padding = .valid, name: String = "") {
        self.mode = mode
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        self.name = name
    }

    /// The pooling's geometry for a batch of `batch` inputs of the built shape.
    public func geometry(batch: Int) -> ConvGeometry {
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
            let (y, arg) = PoolNaive.maxForward(input: input.data, geometry: g)
            lastArgmax = arg
            return Tensor(shape: shape, data: y)
        case .average:
            return Tensor(shape: shape, data: PoolNaive.averageForward(input: input.data, geometry: g))
        }
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let g = geometry(batch: lastBatch)
        let inputCount = g.batch * g.height * g.width * g.channels
        switch mode {
        case .max:
            return Tensor(shape: [g.batch] + inputShape,
                          data: PoolNaive.maxBackward(outputGradient: outputGradient.data,
                                                      argmax: lastArgmax, inputCount: inputCount))
        case .average:
            return Tensor(shape: [g.batch] + inputShape,
                          data: PoolNaive.averageBackward(outputGradient: outputGradient.data, geometry: g))
        }
    }

    public var config: [String: JSONValue] {
        ["name": .string(name), "pool_size": .ints([poolSize.0, poolSize.1]),
         "strides": .ints([strides.0, strides.1]), "padding": .string(padding.rawValue)]
    }
}
