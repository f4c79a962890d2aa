import CNNCore

/// An Activation layer (`keras.layers.Activation`, `ReLU`) on the plan's kernels: ReLU runs
/// vectorised on the fast backend, every other activation as the reference layer computes it.
public final class ActivationStage: Stage {
    public let layer: ActivationLayer
    public let backend: KernelBackend
    public let how: String
    public var layers: [Layer] { [layer] }

    /// The last forward's output, which every activation's backward is written from.
    private var output: Tensor?
    private var inputShape: [Int]

    /// `inputShape` is per sample, as the model's plan of shapes gives it.
    public init(_ layer: ActivationLayer, inputShape: [Int], backend: KernelBackend, how: String) {
        self.layer = layer
        self.inputShape = inputShape
        self.backend = backend
        self.how = how
    }

    public func forward(_ x: Tensor, training: Bool) throws -> Tensor {
        try check(x, against: inputShape)
        let y = Kernels.activationForward(backend, layer.activation, x)
        output = y
        return y
    }

    public func backward(_ gradient: Tensor, _ pass: BackwardPass) throws -> Tensor {
        guard let y = output, y.shape == gradient.shape else { throw notRunYet(self) }
        return Kernels.activationBackward(backend, layer.activation, output: y, outputGradient: gradient)
    }
}
