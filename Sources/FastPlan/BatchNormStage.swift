import CNNCore

/// A BatchNormalization on the plan's kernels: batch statistics in training (and the moving
/// statistics updated, as the layer does), moving statistics in inference.
///
/// input (…, C) → output of the same shape; x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β.
/// Naive twin: `BatchNormNaive`, the reference layer's own kernels.
public final class BatchNormStage: Stage {
    public let layer: BatchNormalization
    public let backend: KernelBackend
    public let how: String
    public var layers: [Layer] { [layer] }

    /// What the backward needs from the last forward.
    private var normalized: Tensor?
    private var inverseStd: [Float] = []
    private var usedBatchStatistics = false
    private let inputShape: [Int]

    /// `inputShape` is per sample, as the model's plan of shapes gives it.
    public init(_ layer: BatchNormalization, inputShape: [Int], backend: KernelBackend, how: String) {
        self.layer = layer
        self.inputShape = inputShape
        self.backend = backend
        self.how = how
    }

    public func forward(_ x: Tensor, training: Bool) throws -> Tensor {
        try check(x, against: inputShape)
        var mean = layer.movingMean.value.data, variance = layer.movingVariance.value.data
        if training && x.count > 0 {
            (mean, variance) = Kernels.batchNormStatistics(backend, x.data, channels: mean.count)
            layer.updateMovingStatistics(mean: mean, variance: variance)
        }
        inverseStd = layer.inverseStandardDeviation(variance)
        let (xhat, y) = Kernels.batchNormNormalize(backend, x.data, mean: mean, inverseStd: inverseStd,
                                                   gamma: layer.gamma?.value.data, beta: layer.beta?.value.data)
        normalized = Tensor(shape: x.shape, data: xhat)
        usedBatchStatistics = training
        return Tensor(shape: x.shape, data: y)
    }

    public func backward(_ gradient: Tensor, _ pass: BackwardPass) throws -> Tensor {
        guard let normalized, normalized.count == gradient.count else { throw notRunYet(self) }
        prepareGradients(pass)
        let (dx, sumDy, sumDyX) = Kernels.batchNormBackward(backend, outputGradient: gradient.data, normalized: normalized.data,
                                                            inverseStd: inverseStd, gamma: layer.gamma?.value.data,
                                                            batchStatistics: usedBatchStatistics,
                                                            inputGradient: layer.needsInputGradient)
        layer.addParameterGradients(sumDy: sumDy, sumDyX: sumDyX)
        return layer.needsInputGradient ? Tensor(shape: gradient.shape, data: dx) : Tensor(shape: [0], data: [])
    }
}
