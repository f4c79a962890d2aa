/// Flattens each sample, as `keras.layers.Flatten`.
///
/// input (N, H, W, C) → output (N, H·W·C), keeping Keras' order: index = (h·W + w)·C + c.
/// NHWC data is already in that order, so forward and backward only change the shape, and a
/// Dense kernel that follows is interchangeable with one trained in Keras.
public final class Flatten: Layer {
    public var name: String
    public var kind: LayerKind { .flatten }
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    private var inputShape: [Int] = []

    public init(name: String = "") { self.name = name }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let count = Limits.product(inputShape) else {
            throw CNNError.impossibleLayer(layer: name, reason: "its input \(CNNError.format(inputShape)) has more values than can be counted")
        }
        return [count]
    }

    public func build(inputShape: [Int], rng: inout SeededRNG) throws { self.inputShape = inputShape }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try check(input, against: inputShape)
        return input.reshaped([input.shape[0], inputShape.reduce(1, *)])
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        outputGradient.reshaped([outputGradient.shape[0]] + inputShape)
    }

    public var config: [String: JSONValue] { ["name": .string(name)] }
}
