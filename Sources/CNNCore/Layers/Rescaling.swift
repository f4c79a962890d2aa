/// Multiplies every value by a scale and adds an offset, as `keras.layers.Rescaling`: the
/// `rescale=1./255` of ImageDataGenerator written into the model itself.
///
/// input (any shape) → output (same shape); no parameters.
///
///     forward:  y = x · scale + offset
///     backward: dx = dy · scale
///
/// Keras' defaults: offset 0. A model that starts with Rescaling(1/255) takes raw pixel values
/// (0…255), so its images are not rescaled again before it.
public final class Rescaling: Layer {
    public var name: String
    public var kind: LayerKind { .rescaling }
    public let scale: Float
    public let offset: Float
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    private var inputShape: [Int] = []

    public init(scale: Float, offset: Float = 0, name: String = "") {
        self.scale = scale
        self.offset = offset
        self.name = name
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    public func build(inputShape: [Int], rng: inout SeededRNG) throws { self.inputShape = inputShape }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try check(input, against: inputShape)
        var y = input
        for i in y.data.indices { y.data[i] = input.data[i] * scale + offset }
        return y
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        var dx = outputGradient
        for i in dx.data.indices { dx.data[i] *= scale }
        return dx
    }

    public var config: [String: JSONValue] {
        // Through the Float's shortest text, so model.json says 0.003921569, not 0.003921568859368563.
        func number(_ x: Float) -> JSONValue { .number(Double(x.description) ?? Double(x)) }
        return ["name": .string(name), "scale": number(scale), "offset": number(offset)]
    }
}
