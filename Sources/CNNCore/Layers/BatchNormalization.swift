import Foundation

/// Normalises every channel to mean 0 and variance 1, then scales and shifts it, as
/// `keras.layers.BatchNormalization` (axis −1, channels last).
///
/// input (N, H, W, C) or (N, C) → output of the same shape. Per channel c, over the
/// M = N·H·W values of that channel in the batch:
///
///     training (batch statistics):   μ = Σx / M,   σ² = Σ(x − μ)² / M   (biased, as Keras)
///         moving_mean     ← moving_mean · momentum + μ · (1 − momentum)
///         moving_variance ← moving_variance · momentum + σ² · (1 − momentum)
///     inference (moving statistics): μ = moving_mean,   σ² = moving_variance
///     x̂ = (x − μ) / √(σ² + ε),   y = γ · x̂ + β
///
/// Weights, in Keras' order: gamma (C), ones, and beta (C), zeros, are trainable; moving_mean (C),
/// zeros, and moving_variance (C), ones, are buffers: saved with the model, never given to an
/// optimizer. Defaults as Keras: momentum 0.99, epsilon 1e-3, center (β) and scale (γ) on.
///
/// Why: each channel's values arrive in a range the next layer's weights were not tuned for;
/// normalising them keeps that range steady while the layers below change. In training the
/// statistics of the batch are used and the gradient flows through them (a value changes the
/// mean and variance of its whole channel); the moving statistics are what inference uses,
/// so one image gives the same answer whatever batch it comes in.
public final class BatchNormalization: Layer {
    public var name: String
    public var kind: LayerKind { .batchNormalization }
    /// Keras' `axis`: −1, or the index of the last axis counting the batch axis (3 for images).
    public let axis: Int
    public let momentum: Float
    public let epsilon: Float
    /// Whether the layer has beta (Keras' `center`) and gamma (Keras' `scale`).
    public let center: Bool
    public let scale: Bool
    public private(set) var gamma: Parameter?
    public private(set) var beta: Parameter?
    public private(set) var movingMean = Parameter(name: "moving_mean", value: Tensor.zeros([0]))
    public private(set) var movingVariance = Parameter(name: "moving_variance", value: Tensor.zeros([0]))
    public var parameters: [Parameter] { [gamma, beta].compactMap { $0 } }
    public var buffers: [Parameter] { [movingMean, movingVariance] }
    public var backend: KernelBackend = .fast
    public var needsInputGradient = true

    private var inputShape: [Int] = []
    /// What backward needs from the last forward: x̂, 1/√(σ² + ε) per channel, and which statistics.
    private var lastNormalized: Tensor?
    private var lastInverseStd: [Float] = []
    private var lastUsedBatchStatistics = false

    public init(axis: Int = -1, momentum: Float = 0.99, epsilon: Float = 1e-3, center: Bool = true, scale: Bool = true,
                name: String = "") {
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.name = name
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard !inputShape.isEmpty else {
            throw CNNError.impossibleLayer(layer: name, reason: "BatchNormalization needs an input with a channel axis, got \(CNNError.format(inputShape))")
        }
        guard axis == -1 || axis == inputShape.count else {
            throw CNNError.impossibleLayer(layer: name, reason: "axis \(axis) is not the channel axis: only the last axis (-1) is supported")
        }
        guard momentum.isFinite, momentum >= 0, momentum <= 1, epsilon.isFinite, epsilon > 0 else {
            throw CNNError.impossibleLayer(layer: name, reason: "momentum must be in [0, 1] and epsilon a positive number, got \(momentum) and \(epsilon)")
        }
        return inputShape
    }

    public func build(inputShape: [Int], rng: inout SeededRNG) throws {
        _ = try outputShape(for: inputShape)
        self.inputShape = inputShape
        let channels = inputShape[inputShape.count - 1]
        gamma = scale ? Parameter(name: "gamma", value: Tensor(shape: [channels], repeating: 1)) : nil
        beta = center ? Parameter(name: "beta", value: Tensor.zeros([channels])) : nil
        movingMean = Parameter(name: "moving_mean", value: Tensor.zeros([channels]))
        movingVariance = Parameter(name: "moving_variance", value: Tensor(shape: [channels], repeating: 1))
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try check(input, against: inputShape)
        let channels = movingMean.value.count
        let rows = input.count / max(channels, 1)
        var mean = movingMean.value.data, variance = movingVariance.value.data
        if training && rows > 0 {
            // Sums in Double: a channel of a batch of images holds tens of thousands of values.
            var sum = [Double](repeating: 0, count: channels), squares = [Double](repeating: 0, count: channels)
            for i in input.data.indices { sum[i % channels] += Double(input.data[i]) }
            for c in 0..<channels { mean[c] = Float(sum[c] / Double(rows)) }
            for i in input.data.indices {
                let d = Double(input.data[i]) - sum[i % channels] / Double(rows)
                squares[i % channels] += d * d
            }
            for c in 0..<channels { variance[c] = Float(squares[c] / Double(rows)) }
            for c in 0..<channels {
                movingMean.value.data[c] = movingMean.value.data[c] * momentum + mean[c] * (1 - momentum)
                movingVariance.value.data[c] = movingVariance.value.data[c] * momentum + variance[c] * (1 - momentum)
            }
        }
        let inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let g = gamma?.value.data, b = beta?.value.data
        var normalized = input, y = input
        for i in input.data.indices {
            let c = i % channels
            normalized.data[i] = (input.data[i] - mean[c]) * inverseStd[c]
            y.data[i] = normalized.data[i] * (g?[c] ?? 1) + (b?[c] ?? 0)
        }
        lastNormalized = normalized
        lastInverseStd = inverseStd
        lastUsedBatchStatistics = training
        return y
    }

    /// dγ += Σ dy·x̂, dβ += Σ dy (per channel, over the batch and positions), and
    ///
    ///     training:  dx = γ/(M·√(σ² + ε)) · (M·dy − Σdy − x̂·Σ(dy·x̂))   (through μ and σ² of the batch)
    ///     inference: dx = γ/√(σ² + ε) · dy                              (the moving statistics are constants)
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let normalized = lastNormalized, normalized.count == outputGradient.count else {
            throw CNNError.invalidInput("backward before forward in '\(name)'", hint: "run forward first")
        }
        let channels = lastInverseStd.count
        let rows = normalized.count / max(channels, 1)
        let dy = outputGradient.data, xhat = normalized.data
        var sumDy = [Double](repeating: 0, count: channels), sumDyX = [Double](repeating: 0, count: channels)
        for i in dy.indices {
            sumDy[i % channels] += Double(dy[i])
            sumDyX[i % channels] += Double(dy[i]) * Double(xhat[i])
        }
        if let gamma { for c in 0..<channels { gamma.gradient.data[c] += Float(sumDyX[c]) } }
        if let beta { for c in 0..<channels { beta.gradient.data[c] += Float(sumDy[c]) } }
        guard needsInputGradient else { return Tensor(shape: [0], data: []) }
        let g = gamma?.value.data
        var dx = outputGradient
        for i in dy.indices {
            let c = i % channels
            let factor = (g?[c] ?? 1) * lastInverseStd[c]
            if lastUsedBatchStatistics {
                let m = Double(rows)
                dx.data[i] = factor * Float((m * Double(dy[i]) - sumDy[c] - Double(xhat[i]) * sumDyX[c]) / m)
            } else {
                dx.data[i] = factor * dy[i]
            }
        }
        return dx
    }

    public var config: [String: JSONValue] {
        // Through the Float's shortest text, so model.json says 0.99, not 0.9900000095367432.
        func number(_ x: Float) -> JSONValue { .number(Double(x.description) ?? Double(x)) }
        return ["name": .string(name), "axis": .int(axis), "momentum": number(momentum),
                "epsilon": number(epsilon), "center": .bool(center), "scale": .bool(scale)]
    }
}
