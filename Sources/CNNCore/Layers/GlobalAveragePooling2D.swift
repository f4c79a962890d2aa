/// Averages each channel over the whole image, as `keras.layers.GlobalAveragePooling2D`
/// (alias `GlobalAvgPool2D`).
///
/// input (N, H, W, C) → output (N, C), or (N, 1, 1, C) with `keepdims`; no parameters.
///
///     forward:  y[n, c] = Σ_{h,w} x[n, h, w, c] / (H·W)
///     backward: dx[n, h, w, c] = dy[n, c] / (H·W)   (every position had the same share)
///
/// Keras' defaults: data_format channels_last, keepdims false. Why: it turns feature maps of
/// any size into one number per filter ("how much of this pattern is in the image"), with no
/// weights, where Flatten → Dense would need a weight per position.
public final class GlobalAveragePooling2D: Layer {
    public var name: String
    public var kind: LayerKind { .globalAveragePooling2D }
    public let keepDims: Bool
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    private var inputShape: [Int] = []
    private var lastBatch = 0

    public init(keepDims: Bool = false, name: String = "") {
        self.keepDims = keepDims
        self.name = name
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw CNNError.impossibleLayer(layer: name, reason: "\(kind) needs an input of rank 3 (height, width, channels), got \(CNNError.format(inputShape))")
        }
        return keepDims ? [1, 1, inputShape[2]] : [inputShape[2]]
    }

    public func build(inputShape: [Int], rng: inout SeededRNG) throws {
        _ = try outputShape(for: inputShape)
        self.inputShape = inputShape
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try check(input, against: inputShape)
        let n = input.shape[0], positions = inputShape[0] * inputShape[1], c = inputShape[2]
        var y = [Float](repeating: 0, count: n * c)
        for sample in 0..<n {
            for p in 0..<positions {
                let base = (sample * positions + p) * c
                for ch in 0..<c { y[sample * c + ch] += input.data[base + ch] }
            }
        }
        let share = 1 / Float(positions)
        for i in y.indices { y[i] *= share }
        lastBatch = n
        return Tensor(shape: [n] + (try outputShape(for: inputShape)), data: y)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let positions = inputShape[0] * inputShape[1], c = inputShape[2]
        guard outputGradient.count == lastBatch * c else {
            throw CNNError.invalidInput("backward before forward in '\(name)'", hint: "run forward first")
        }
        let share = 1 / Float(positions)
        var dx = [Float](repeating: 0, count: lastBatch * positions * c)
        for sample in 0..<lastBatch {
            for p in 0..<positions {
                let base = (sample * positions + p) * c
                for ch in 0..<c { dx[base + ch] = outputGradient.data[sample * c + ch] * share }
            }
        }
        return Tensor(shape: [lastBatch] + inputShape, data: dx)
    }

    public var config: [String: JSONValue] {
        ["name": .string(name), "data_format": .string("channels_last"), "keepdims": .bool(keepDims)]
    }
}
