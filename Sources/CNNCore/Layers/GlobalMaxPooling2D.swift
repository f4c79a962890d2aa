/// Keeps each channel's largest value over the whole image, as `keras.layers.GlobalMaxPooling2D`
/// (alias `GlobalMaxPool2D`).
///
/// input (N, H, W, C) → output (N, C), or (N, 1, 1, C) with `keepdims`; no parameters.
///
///     forward:  y[n, c] = max_{h,w} x[n, h, w, c]
///     backward: dx[n, h, w, c] = dy[n, c] / k where x[n, h, w, c] = y[n, c], 0 elsewhere
///
/// k is the number of positions holding the maximum: on a tie the gradient is split equally
/// between them, as TensorFlow's gradient of `reduce_max` does (Keras runs `ops.max` over the
/// image). (MaxPooling2D, a different op in TensorFlow, gives a tie's gradient to one position.)
/// Keras' defaults: data_format channels_last, keepdims false. Why: "is this pattern anywhere in
/// the image?", one number per filter, with no weights.
public final class GlobalMaxPooling2D: Layer {
    public var name: String
    public var kind: LayerKind { .globalMaxPooling2D }
    public let keepDims: Bool
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    private var inputShape: [Int] = []
    /// The last forward's input and output, to find every position holding each maximum.
    private var lastInput: Tensor?
    private var lastOutput: [Float] = []

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
            for ch in 0..<c {
                var best = input.data[sample * positions * c + ch]
                for p in 1..<max(positions, 1) {
                    let value = input.data[(sample * positions + p) * c + ch]
                    if value > best { best = value }
                }
                y[sample * c + ch] = best
            }
        }
        lastInput = input
        lastOutput = y
        return Tensor(shape: [n] + (try outputShape(for: inputShape)), data: y)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let x = lastInput, outputGradient.count == lastOutput.count, inputShape.count == 3 else {
            throw CNNError.invalidInput("backward before forward in '\(name)'", hint: "run forward first")
        }
        let n = x.shape[0], positions = inputShape[0] * inputShape[1], c = inputShape[2]
        var dx = [Float](repeating: 0, count: x.count)
        for sample in 0..<n {
            for ch in 0..<c {
                let top = lastOutput[sample * c + ch]
                let holders = (0..<positions).map { (sample * positions + $0) * c + ch }.filter { x.data[$0] == top }
                guard !holders.isEmpty else { continue }  // a NaN maximum equals nothing
                let share = 1 / Float(holders.count) * outputGradient.data[sample * c + ch]
                for i in holders { dx[i] = share }
            }
        }
        return Tensor(shape: x.shape, data: dx)
    }

    public var config: [String: JSONValue] {
        ["name": .string(name), "data_format": .string("channels_last"), "keepdims": .bool(keepDims)]
    }
}
