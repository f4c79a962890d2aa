import CNNCore

/// A Conv2D on the plan's kernels, with its activation (ReLU in the same pass as z on the fast
/// backend). For a conv the plan cannot merge with the layer after it.
///
/// input (N, H, W, C) → z (N, OH, OW, F) → y = activation(z); kernel (KH, KW, C, F), bias (F).
/// Naive twin: `ConvNaive` and `Activation`, the reference layer's own kernels.
public final class ConvStage: Stage {
    public let conv: Conv2D
    public let backend: KernelBackend
    public let how: String
    public var layers: [Layer] { [conv] }

    /// What the backward needs from the last forward: x, and y for the activation's backward.
    private var input: Tensor?
    private var output: Tensor?
    public private(set) var lastPreActivation: Tensor?

    public init(_ conv: Conv2D, backend: KernelBackend, how: String) {
        self.conv = conv
        self.backend = backend
        self.how = how
    }

    public func forward(_ x: Tensor, training: Bool) throws -> Tensor {
        let (kernel, g) = try convInput(conv, x)
        let shape = [g.batch, g.outHeight, g.outWidth, conv.filters]
        let (z, y) = Kernels.convForwardActivated(backend, conv.activation, input: x.data, kernel: kernel.value.data,
                                                  bias: conv.bias?.value.data, geometry: g, filters: conv.filters)
        input = x
        lastPreActivation = Tensor(shape: shape, data: z)
        output = Tensor(shape: shape, data: y)
        return output!
    }

    public func backward(_ gradient: Tensor, _ pass: BackwardPass) throws -> Tensor {
        guard let x = input, let y = output else { throw notRunYet(self) }
        let dz = pass.isPreActivation ? gradient
            : Kernels.activationBackward(backend, conv.activation, output: y, outputGradient: gradient)
        return try convBackward(conv, backend: backend, input: x, preActivationGradient: dz, pass)
    }
}

/// The kernel of `conv` and its geometry for batch `x`, or an error when the layer is not built
/// or `x` is not a batch of its input shape.
func convInput(_ conv: Conv2D, _ x: Tensor) throws -> (kernel: Parameter, geometry: ConvGeometry) {
    guard let kernel = conv.kernel, x.rank == 4 else {
        throw CNNError.impossibleLayer(layer: conv.name, reason: "the layer was used before it was built, or given a batch that is not (N, H, W, C)")
    }
    let g = conv.geometry(batch: x.shape[0])
    guard Array(x.shape.dropFirst()) == [g.height, g.width, g.channels] else {
        throw CNNError.shapeMismatch(layer: conv.name, expected: [-1, g.height, g.width, g.channels], got: x.shape)
    }
    return (kernel, g)
}

/// dLoss/dinput of `conv` from dLoss/dz, adding (or, in a training step, storing) its kernel and
/// bias gradients; an empty tensor when the conv is the model's first layer.
func convBackward(_ conv: Conv2D, backend: KernelBackend, input x: Tensor, preActivationGradient dz: Tensor,
                  _ pass: BackwardPass) throws -> Tensor {
    guard let kernel = conv.kernel else {
        throw CNNError.impossibleLayer(layer: conv.name, reason: "the layer was used before it was built")
    }
    if pass.storesGradients { for p in conv.parameters { p.zeroGradient() } }
    let g = conv.geometry(batch: x.shape[0])
    var biasGradient = conv.bias?.gradient.data ?? []
    defer { conv.bias?.gradient.data = biasGradient }
    let dx = Kernels.convBackward(backend, input: x.data, kernel: kernel.value.data, outputGradient: dz.data,
                                  geometry: g, filters: conv.filters, kernelGradient: &kernel.gradient.data,
                                  biasGradient: &biasGradient, inputGradient: conv.needsInputGradient)
    return conv.needsInputGradient ? Tensor(shape: x.shape, data: dx) : Tensor(shape: [0], data: [])
}
