/// Surrounds each feature map with rows and columns of zeros, as `keras.layers.ZeroPadding2D`.
///
/// input (N, H, W, C) → output (N, top + H + bottom, left + W + right, C); no parameters.
///
///     forward:  y[n, top + h, left + w, c] = x[n, h, w, c], every other y is 0
///     backward: dx[n, h, w, c] = dy[n, top + h, left + w, c]   (the border's gradients go nowhere)
///
/// Keras' `padding`: 1 (every side), (rows, columns) on both sides, or ((top, bottom),
/// (left, right)); channels_last. Why: it lets a following `valid` convolution keep the size,
/// or pad unevenly where `same` cannot.
public final class ZeroPadding2D: Layer {
    public var name: String
    public var kind: LayerKind { .zeroPadding2D }
    public let top: Int, bottom: Int, left: Int, right: Int
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    private var inputShape: [Int] = []
    private var lastBatch = 0

    public init(top: Int, bottom: Int, left: Int, right: Int, name: String = "") {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
        self.name = name
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw CNNError.impossibleLayer(layer: name, reason: "ZeroPadding2D needs an input of rank 3 (height, width, channels), got \(CNNError.format(inputShape))")
        }
        let height = inputShape[0] + top + bottom, width = inputShape[1] + left + right
        guard height <= Limits.maxImageSide, width <= Limits.maxImageSide else {
            throw CNNError.impossibleLayer(layer: name, reason: "padding makes the maps \(height)×\(width), more than \(Limits.maxImageSide) a side")
        }
        return [height, width, inputShape[2]]
    }

    public func build(inputShape: [Int], rng: inout SeededRNG) throws {
        _ = try outputShape(for: inputShape)
        self.inputShape = inputShape
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try check(input, against: inputShape)
        let (h, w, c) = (inputShape[0], inputShape[1], inputShape[2])
        let (outH, outW) = (h + top + bottom, w + left + right)
        let n = input.shape[0]
        var y = [Float](repeating: 0, count: n * outH * outW * c)
        for sample in 0..<n {
            for row in 0..<h {
                for col in 0..<w {
                    let from = ((sample * h + row) * w + col) * c
                    let to = ((sample * outH + row + top) * outW + col + left) * c
                    for ch in 0..<c { y[to + ch] = input.data[from + ch] }
                }
            }
        }
        lastBatch = n
        return Tensor(shape: [n, outH, outW, c], data: y)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let (h, w, c) = (inputShape[0], inputShape[1], inputShape[2])
        let (outH, outW) = (h + top + bottom, w + left + right)
        guard outputGradient.count == lastBatch * outH * outW * c else {
            throw CNNError.invalidInput("backward before forward in '\(name)'", hint: "run forward first")
        }
        var dx = [Float](repeating: 0, count: lastBatch * h * w * c)
        for sample in 0..<lastBatch {
            for row in 0..<h {
                for col in 0..<w {
                    let to = ((sample * h + row) * w + col) * c
                    let from = ((sample * outH + row + top) * outW + col + left) * c
                    for ch in 0..<c { dx[to + ch] = outputGradient.data[from + ch] }
                }
            }
        }
        return Tensor(shape: [lastBatch] + inputShape, data: dx)
    }

    public var config: [String: JSONValue] {
        ["name": .string(name), "padding": .array([.ints([top, bottom]), .ints([left, right])]),
         "data_format": .string("channels_last")]
    }
}
