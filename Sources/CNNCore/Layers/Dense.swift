/// A fully connected layer, as `keras.layers.Dense`.
///
/// input (N, I) → output (N, O); kernel (I, O), bias (O).
///   z[n, o] = b[o] + Σ_i x[n, i] · W[i, o],   y = activation(z)
/// Parameters: I·O + O (3,936,384 for 30752 → 128).
public final class Dense: ActivatedLayer {
    public var name: String
    public var kind: LayerKind { .dense }
    public let units: Int
    public let activation: Activation
    public let useBias: Bool
    public var needsInputGradient = true

    public private(set) var kernel: Parameter?
    public private(set) var bias: Parameter?
    public var parameters: [Parameter] { [kernel, bias].compactMap { $0 } }

    /// Input features I, known once built.
    public private(set) var inputs = 0
    private var lastInput: Tensor?
    public private(set) var lastPreActivation: Tensor?
    public private(set) var lastOutput: Tensor?

    public init(units: Int, activation: Activation = .linear, useBias: Bool = true, name: String = "") {
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 1 else {
            throw CNNError.impossibleLayer(layer: name, reason: "Dense needs a flat input (features), got \(CNNError.format(inputShape)); put a Flatten layer before it")
        }
        guard units > 0 else { throw CNNError.impossibleLayer(layer: name, reason: "units must be positive") }
        return [units]
    }

    public func build(inputShape: [Int], rng: inout SeededRNG) throws {
        _ = try outputShape(for: inputShape)
        inputs = inputShape[0]
        kernel = Parameter(name: "kernel", value: Initializers.glorotUniform(
            shape: [inputs, units], fanIn: inputs, fanOut: units, rng: &rng))
        bias = useBias ? Parameter(name: "bias", value: .zeros([units])) : nil
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try check(input, against: [inputs])
        guard let kernel else { throw CNNError.impossibleLayer(layer: name, reason: "the layer was used before it was built") }
        let batch = input.shape[0]
        let z = Tensor(shape: [batch, units],
                       data: DenseNaive.forward(input: input.data, kernel: kernel.value.data,
                                                bias: bias?.value.data, batch: batch, inputs: inputs, outputs: units))
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
        let batch = x.shape[0]
        var biasGradient = bias?.gradient.data ?? []
        let dx = DenseNaive.backward(input: x.data, kernel: kernel.value.data, outputGradient: dz.data,
                                     batch: batch, inputs: inputs, outputs: units,
                                     kernelGradient: &kernel.gradient.data, biasGradient: &biasGradient,
                                     inputGradient: needsInputGradient)
        bias?.gradient.data = biasGradient
        return needsInputGradient ? Tensor(shape: x.shape, data: dx) : Tensor(shape: [0], data: [])
    }

    public var config: [String: JSONValue] {
        ["name": .string(name), "units": .int(units), "activation": .string(activation.rawValue), "use_bias": .bool(useBias)]
    }
}
