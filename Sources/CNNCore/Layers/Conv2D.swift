/// A 2-D convolution layer, as `keras.layers.Conv2D`.
///
/// input (N, H, W, C) → output (N, OH, OW, F); kernel (KH, KW, C, F), bias (F).
///   z[n, oh, ow, f] = b[f] + Σ_{i, j, c} x[n, oh·SH − padTop + i, ow·SW − padLeft + j, c] · K[i, j, c, f]
///   y = activation(z)
/// OH and OW follow `Padding`. Parameters: KH·KW·C·F + F (896 for 3×3×3×32).
public final class Conv2D: ActivatedLayer {
    public var name: String
    public var kind: LayerKind { .conv2D }
    public let filters: Int
    public let kernelSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let activation: Activation
    public let useBias: Bool
    public var needsInputGradient = true

    public private(set) var kernel: Parameter?
    public private(set) var bias: Parameter?
    public var parameters: [Parameter] { [kernel, bias].compactMap { $0 } }

    private var inputShape: [Int] = []
    private var lastInput: Tensor?
    public private(set) var lastPreActivation: Tensor?
    public private(set) var lastOutput: Tensor?

    public init(filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                activation: Activation = .linear, useBias: Bool = true, name: String = "") {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    /// The convolution's geometry for a batch of `batch` inputs of the built shape.
    public func geometry(batch: Int) -> ConvGeometry {
        ConvGeometry(sample: inputShape, batch: batch, kernel: kernelSize, strides: strides, padding: padding)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw CNNError.impossibleLayer(layer: name, reason: "Conv2D needs an input of rank 3 (height, width, channels), got \(CNNError.format(inputShape))")
        }
        guard filters > 0, kernelSize.0 > 0, kernelSize.1 > 0, strides.0 > 0, strides.1 > 0 else {
            throw CNNError.impossibleLayer(layer: name, reason: "filters, kernel size and strides must be positive")
        }
        let g = ConvGeometry(sample: inputShape, batch: 1, kernel: kernelSize, strides: strides, padding: padding)
        guard !g.isEmpty else {
            throw CNNError.impossibleLayer(layer: name, reason: "a \(kernelSize.0)×\(kernelSize.1) kernel does not fit a \(inputShape[0])×\(inputShape[1]) input with '\(padding.rawValue)' padding")
        }
        return [g.outHeight, g.outWidth, filters]
    }

    public func build(inputShape: [Int], rng: inout SeededRNG) throws {
        _ = try outputShape(for: inputShape)
        self.inputShape = inputShape
        let (kh, kw) = kernelSize
        let c = inputShape[2]
        kernel = Parameter(name: "kernel", value: Initializers.glorotUniform(
            shape: [kh, kw, c, filters], fanIn: kh * kw * c, fanOut: kh * kw * filters, rng: &rng))
        bias = useBias ? Parameter(name: "bias", value: .zeros([filters])) : nil
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try check(input, against: inputShape)
        guard let kernel else { throw CNNError.impossibleLayer(layer: name, reason: "the layer was used before it was built") }
        let g = geometry(batch: input.shape[0])
        let shape = [g.batch, g.outHeight, g.outWidth, filters]
        let z = Tensor(shape: shape, data: ConvNaive.forward(input: input.data, kernel: kernel.value.data,
                                                             bias: bias?.value.data, geometry: g, filters: filters))
        let y = activation.apply(z)
        lastInput = input
        lastPreActivation = z
        lastOutput = y
        return y
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let y = lastOutput else { throw CNNError.impossibleLayer(layer: name, reason: "backward was called before forward") }
        return try backward(preActivationGradient: activation.backward(output: y, outputGradient: outputGradient))
    }

    public func backward(preActivationGradient dz: Tensor) throws -> Tensor {
        guard let x = lastInput, let kernel else {
            throw CNNError.impossibleLayer(layer: name, reason: "backward was called before forward")
        }
        let g = geometry(batch: x.shape[0])
        var biasGradient = bias?.gradient.data ?? []
        let dx = ConvNaive.backward(input: x.data, kernel: kernel.value.data, outputGradient: dz.data,
                                    geometry: g, filters: filters,
                                    kernelGradient: &kernel.gradient.data, biasGradient: &biasGradient,
                                    inputGradient: needsInputGradient)
        bias?.gradient.data = biasGradient
        return needsInputGradient ? Tensor(shape: x.shape, data: dx) : Tensor(shape: [0], data: [])
    }

    public var config: [String: JSONValue] {
        ["name": .string(name), "filters": .int(filters), "kernel_size": .ints([kernelSize.0, kernelSize.1]),
         "strides": .ints([strides.0, strides.1]), "padding": .string(padding.rawValue),
         "activation": .string(activation.rawValue), "use_bias": .bool(useBias)]
    }
}
