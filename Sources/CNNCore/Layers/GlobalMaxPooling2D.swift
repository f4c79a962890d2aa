/// Keeps each channel's largest value over the whole image, as `keras.layers.GlobalMaxPooling2D`
/// (alias `GlobalMaxPool2D`).
///
/// input (N, H, W, C) → output (N, C), or (N, 1, 1, C) with `keepdims`; no parameters.
///
///     forward:  y[n, c] = max_{h,w} x[n, h, w, c]
///     backward: dx[n, h, w, c] = dy[n, c] at the position of that maximum, 0 elsewhere
///
/// On a tie the first position in (h, w) order gets the whole gradient, as MaxPooling2D does
/// here. Keras' defaults: data_format channels_last, keepdims false. Why: "is this pattern
/// anywhere in the image?", one number per filter, with no weights.
public final class GlobalMaxPooling2D: Layer {
    public var name: String
    public var kind: LayerKind { .globalMaxPooling2D }
    public let keepDims: Bool
    public var parameters: [Parameter] { [] }
    public var backend: KernelBackend = .fast
    public var needsInputGradient = true
    private var inputShape: [Int] = []
    /// For every (sample, channel) of the last forward: the input index of its maximum.
    private var lastArgmax: [Int] = []

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
        var argmax = [Int](repeating: 0, count: n * c)
        var y = [Float](repeating: 0, count: n * c)
        for sample in 0..<n {
            for ch in 0..<c {
                var best = sample * positions * c + ch
                for p in 1..<max(positions, 1) {
                    let i = (sample * positions + p) * c + ch
                    if input.data[i] > input.data[best] { best = i }
                }
                argmax[sample * c + ch] = best
                y[sample * c + ch] = input.data[best]
            }
        }
        lastArgmax = argmax
        return Tensor(shape: [n] + (try outputShape(for: inputShape)), data: y)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard outputGradient.count == lastArgmax.count, inputShape.count == 3 else {
            throw CNNError.invalidInput("backward before forward in '\(name)'", hint: "run forward first")
        }
        let batch = lastArgmax.count / max(inputShape[2], 1)
        var dx = [Float](repeating: 0, count: batch * inputShape.reduce(1, *))
        for (j, i) in lastArgmax.enumerated() { dx[i] += outputGradient.data[j] }
        return Tensor(shape: [batch] + inputShape, data: dx)
    }

    public var config: [String: JSONValue] {
        ["name": .string(name), "data_format": .string("channels_last"), "keepdims": .bool(keepDims)]
    }
}
