/// Randomly zeroes inputs during training, as `keras.layers.Dropout`.
///
/// Each value is kept with probability 1 − rate and scaled by 1 / (1 − rate) (inverted dropout),
/// so nothing changes at inference. The mask comes from the layer's seeded generator.
public final class Dropout: Layer {
    public var name: String
    public var kind: LayerKind { .dropout }
    public let rate: Float
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    private var inputShape: [Int] = []
    private var rng = SeededRNG(seed: 0)
    private var lastMask: [Float]?

    public init(rate: Float, name: String = "") {
        self.rate = rate
        self.name = name
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard rate >= 0 && rate < 1 else {
            throw CNNError.impossibleLayer(layer: name, reason: "the dropout rate must be in [0, 1), got \(rate)")
        }
        return inputShape
    }

    public func build(inputShape: [Int], rng: inout SeededRNG) throws {
        _ = try outputShape(for: inputShape)
        self.inputShape = inputShape
        self.rng = rng.fork(0xD80)
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try check(input, against: inputShape)
        guard training, rate > 0 else { lastMask = nil; return input }
        let scale = 1 / (1 - rate)
        var mask = [Float](repeating: 0, count: input.count)
        var y = input
        for i in mask.indices {
            mask[i] = rng.nextUnitFloat() >= rate ? scale : 0
            y.data[i] *= mask[i]
        }
        lastMask = mask
        return y
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let mask = lastMask else { return outputGradient }
        var dx = outputGradient
        for i in dx.data.indices { dx.data[i] *= mask[i] }
        return dx
    }

    public var config: [String: JSONValue] { ["name": .string(name), "rate": .number(Double(rate))] }
}
