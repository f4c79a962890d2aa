import CNNCore

/// A Dense layer on the plan's kernels, whose backward can store its kernel gradient or hand it
/// to the optimizer.
///
/// input (N, I) → z = x·W + b (N, O) → y = activation(z); kernel (I, O), bias (O).
/// Two differences from `Dense.backward`, neither changing a number:
/// - in a training step the kernel gradient is stored, not added to zeros (`BackwardPass.storesGradients`);
/// - for the plan's chosen kernel (`updatesKernelInPass`), dW is never stored: each block of it
///   goes to the optimizer's `SliceUpdate` while that block of W and dW is still in cache
///   (`DenseFast.backwardUpdatingKernel`). For the coursework's 30752×128 kernel that saves
///   writing and reading 15.7 MB of gradient per step. The kernel's `gradient` then keeps its
///   old values. Naive twin: the whole dW first, then the update on all of it.
public final class DenseStage: Stage {
    public let dense: Dense
    public let updatesKernelInPass: Bool
    public let backend: KernelBackend
    public let how: String
    public var layers: [Layer] { [dense] }

    /// What the backward needs from the last forward: x, and y for the activation's backward.
    private var input: Tensor?
    private var output: Tensor?
    public private(set) var lastPreActivation: Tensor?
    /// Inference only: the kernel in `DenseFast.packPairs` order and the kernel version it was
    /// made from. Packing once instead of for every batch saves a sixth of an inference pass of
    /// the coursework model; any change to the kernel (its `version`) makes a new one.
    private var packedKernel: (version: Int, data: [Float])?

    public init(_ dense: Dense, updatesKernelInPass: Bool, backend: KernelBackend, how: String) {
        self.dense = dense
        self.updatesKernelInPass = updatesKernelInPass
        self.backend = backend
        self.how = how
    }

    public func forward(_ x: Tensor, training: Bool) throws -> Tensor {
        try check(x, against: [dense.inputs])
        guard let kernel = dense.kernel else { throw CNNError.impossibleLayer(layer: dense.name, reason: "the layer was used before it was built") }
        let batch = x.shape[0]
        let z = Tensor(shape: [batch, dense.units],
                       data: Kernels.denseForward(backend, input: x.data, kernel: kernel.value.data, bias: dense.bias?.value.data,
                                                  batch: batch, inputs: dense.inputs, outputs: dense.units,
                                                  packed: training ? nil : packed(kernel, batch: batch)))
        let y = Kernels.activationForward(backend, dense.activation, z)
        input = x
        lastPreActivation = z
        output = y
        return y
    }

    /// The kernel packed for inference on this batch size, or nil where the kernel would not read it.
    /// Training never keeps one (its weights change every step; its copy per block is in the pass).
    private func packed(_ kernel: Parameter, batch: Int) -> [Float]? {
        guard backend == .fast, DenseFast.readsPackedPairs(batch: batch, inputs: dense.inputs, outputs: dense.units) else { return nil }
        if let packedKernel, packedKernel.version == kernel.version { return packedKernel.data }
        packedKernel = nil  // let the old copy go before the new one is made
        let data = DenseFast.packPairs(kernel.value.data, inputs: dense.inputs, outputs: dense.units)
        packedKernel = (kernel.version, data)
        return data
    }

    public func backward(_ gradient: Tensor, _ pass: BackwardPass) throws -> Tensor {
        guard let x = input, let y = output, let kernel = dense.kernel else { throw notRunYet(self) }
        let dz = pass.isPreActivation ? gradient
            : Kernels.activationBackward(backend, dense.activation, output: y, outputGradient: gradient)
        let (batch, inputs, units) = (x.shape[0], dense.inputs, dense.units)
        if pass.storesGradients { dense.bias?.zeroGradient() }
        var biasGradient = dense.bias?.gradient.data ?? []
        defer { dense.bias?.gradient.data = biasGradient }
        let dx: [Float]
        if updatesKernelInPass, let update = pass.kernelUpdate {
            dx = kernel.value.data.withUnsafeMutableBufferPointer { w in
                guard let base = w.baseAddress else { return [] }
                return Kernels.denseBackwardUpdatingKernel(backend, input: x.data, kernel: base, outputGradient: dz.data,
                                                           batch: batch, inputs: inputs, outputs: units,
                                                           biasGradient: &biasGradient,
                                                           inputGradient: dense.needsInputGradient, update: update)
            }
        } else {
            dx = Kernels.denseBackward(backend, input: x.data, kernel: kernel.value.data, outputGradient: dz.data,
                                       batch: batch, inputs: inputs, outputs: units,
                                       kernelGradient: &kernel.gradient.data, biasGradient: &biasGradient,
                                       inputGradient: dense.needsInputGradient, overwriteKernelGradient: pass.storesGradients)
        }
        return dense.needsInputGradient ? Tensor(shape: x.shape, data: dx) : Tensor(shape: [0], data: [])
    }
}
