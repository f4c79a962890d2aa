import CNNCore

/// Which implementation of the numeric kernels a plan's stages run.
public enum KernelBackend: String, Codable, Sendable {
    /// Plain loops that follow the formula: the reference layers' own kernels (CNNCore), the
    /// twin every fast kernel is tested against.
    case naive
    /// Blocked, vectorised, multi-threaded kernels (this module).
    case fast
}

/// Updates `elements` of one parameter in place: `w` and `g` point at the first of those
/// elements (its weight and its gradient). Called from several cores at once on disjoint slices.
public typealias SliceUpdate = (_ elements: Range<Int>, _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>) -> Void

/// The one place stages call numeric kernels: picks the naive (CNNCore) or fast implementation.
///
/// Stages never call the fast kernels directly, so swapping a kernel, or testing fast against
/// naive, happens here and nowhere else.
public enum Kernels {
    /// Conv2D forward. Shapes: see `ConvNaive.forward`.
    public static func convForward(_ backend: KernelBackend, input: [Float], kernel: [Float], bias: [Float]?,
                                   geometry: ConvGeometry, filters: Int) -> [Float] {
        switch backend {
        case .naive:
            return ConvNaive.forward(input: input, kernel: kernel, bias: bias, geometry: geometry, filters: filters)
        case .fast:
            return ConvFast.forward(input: input, kernel: kernel, bias: bias, geometry: geometry, filters: filters)
        }
    }

    /// Conv2D forward and its activation: (z, y = activation(z)). The fast backend computes
    /// ReLU in the same pass as z (`ConvFast.forwardReLU`); otherwise z, then the activation.
    public static func convForwardActivated(_ backend: KernelBackend, _ activation: Activation, input: [Float],
                                            kernel: [Float], bias: [Float]?, geometry g: ConvGeometry,
                                            filters: Int) -> (preActivation: [Float], output: [Float]) {
        if backend == .fast && activation == .relu {
            return ConvFast.forwardReLU(input: input, kernel: kernel, bias: bias, geometry: g, filters: filters)
        }
        let z = convForward(backend, input: input, kernel: kernel, bias: bias, geometry: g, filters: filters)
        if activation == .linear { return (z, z) }
        let shape = [g.batch, g.outHeight, g.outWidth, filters]
        return (z, activationForward(backend, activation, Tensor(shape: shape, data: z)).data)
    }

    /// Conv2D backward. Shapes: see `ConvNaive.backward`.
    public static func convBackward(_ backend: KernelBackend, input: [Float], kernel: [Float], outputGradient: [Float],
                                    geometry: ConvGeometry, filters: Int,
                                    kernelGradient: inout [Float], biasGradient: inout [Float],
                                    inputGradient: Bool) -> [Float] {
        switch backend {
        case .naive:
            return ConvNaive.backward(input: input, kernel: kernel, outputGradient: outputGradient,
                                      geometry: geometry, filters: filters, kernelGradient: &kernelGradient,
                                      biasGradient: &biasGradient, inputGradient: inputGradient)
        case .fast:
            return ConvFast.backward(input: input, kernel: kernel, outputGradient: outputGradient,
                                     geometry: geometry, filters: filters, kernelGradient: &kernelGradient,
                                     biasGradient: &biasGradient, inputGradient: inputGradient)
        }
    }

    /// Dense forward. Shapes: see `DenseNaive.forward`.
    /// `packed`: the kernel in `DenseFast.packPairs` order, which the fast kernel reads instead
    /// of copying blocks (the naive one ignores it).
    public static func denseForward(_ backend: KernelBackend, input: [Float], kernel: [Float], bias: [Float]?,
                                    batch: Int, inputs: Int, outputs: Int, packed: [Float]? = nil) -> [Float] {
        switch backend {
        case .naive:
            return DenseNaive.forward(input: input, kernel: kernel, bias: bias, batch: batch, inputs: inputs, outputs: outputs)
        case .fast:
            return DenseFast.forward(input: input, kernel: kernel, bias: bias, batch: batch, inputs: inputs, outputs: outputs,
                                     packed: packed)
        }
    }

    /// Dense backward. Shapes: see `DenseNaive.backward`. With `overwriteKernelGradient` the
    /// kernel gradient is set to this batch's gradient instead of added to (the fast plan's `DenseStage` in a training step).
    public static func denseBackward(_ backend: KernelBackend, input: [Float], kernel: [Float], outputGradient: [Float],
                                     batch: Int, inputs: Int, outputs: Int,
                                     kernelGradient: inout [Float], biasGradient: inout [Float],
                                     inputGradient: Bool, overwriteKernelGradient: Bool = false) -> [Float] {
        switch backend {
        case .naive:
            if overwriteKernelGradient {
                kernelGradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            }
            return DenseNaive.backward(input: input, kernel: kernel, outputGradient: outputGradient,
                                       batch: batch, inputs: inputs, outputs: outputs,
                                       kernelGradient: &kernelGradient, biasGradient: &biasGradient,
                                       inputGradient: inputGradient)
        case .fast:
            return DenseFast.backward(input: input, kernel: kernel, outputGradient: outputGradient,
                                      batch: batch, inputs: inputs, outputs: outputs,
                                      kernelGradient: &kernelGradient, biasGradient: &biasGradient,
                                      inputGradient: inputGradient, overwriteKernelGradient: overwriteKernelGradient)
        }
    }

    /// Dense backward with the kernel's optimizer update folded in (see `DenseFast.backwardUpdatingKernel`):
    /// returns dx, adds db, and passes dW to `update` instead of storing it. The naive backend
    /// computes the whole dW first, then updates the whole kernel: the same values.
    public static func denseBackwardUpdatingKernel(_ backend: KernelBackend, input: [Float], kernel: UnsafeMutablePointer<Float>,
                                                   outputGradient: [Float], batch: Int, inputs: Int, outputs: Int,
                                                   biasGradient: inout [Float], inputGradient: Bool,
                                                   update: SliceUpdate) -> [Float] {
        switch backend {
        case .naive:
            let count = inputs * outputs
            var dw = [Float](repeating: 0, count: count)
            let dx = DenseNaive.backward(input: input, kernel: Array(UnsafeBufferPointer(start: kernel, count: count)),
                                         outputGradient: outputGradient, batch: batch, inputs: inputs, outputs: outputs,
                                         kernelGradient: &dw, biasGradient: &biasGradient, inputGradient: inputGradient)
            dw.withUnsafeBufferPointer { update(0..<count, kernel, $0.baseAddress!) }
            return dx
        case .fast:
            return DenseFast.backwardUpdatingKernel(input: input, kernel: kernel, outputGradient: outputGradient,
                                                    batch: batch, inputs: inputs, outputs: outputs, biasGradient: &biasGradient,
                                                    inputGradient: inputGradient, update: update)
        }
    }

    /// Max pooling forward, with the index of each kept maximum.
    public static func maxPoolForward(_ backend: KernelBackend, input: [Float], geometry: ConvGeometry) -> (output: [Float], argmax: [Int32]) {
        switch backend {
        case .naive: return PoolNaive.maxForward(input: input, geometry: geometry)
        case .fast: return PoolFast.maxForward(input: input, geometry: geometry)
        }
    }

    /// Max pooling backward: the gradient goes to each window's kept maximum. `batch` lets the
    /// fast kernel share the images between cores (each maximum lies in its own image).
    public static func maxPoolBackward(_ backend: KernelBackend, outputGradient: [Float], argmax: [Int32], inputCount: Int,
                                       batch: Int = 1, geometry: ConvGeometry? = nil) -> [Float] {
        switch backend {
        case .naive: return PoolNaive.maxBackward(outputGradient: outputGradient, argmax: argmax, inputCount: inputCount)
        case .fast: return PoolFast.maxBackward(outputGradient: outputGradient, argmax: argmax, inputCount: inputCount,
                                                batch: batch, geometry: geometry)
        }
    }

    /// Max pooling backward followed by the ReLU backward of the layer before it, in one pass:
    /// dz[k] = dx[k] where relu[k] > 0 (or NaN), else 0 — exactly
    /// `activationBackward(.relu, output: relu, outputGradient: maxPoolBackward(…))`, because a
    /// gradient only lands on a window's maximum and the mask needs only that one value. Saves a
    /// pass over the (16 MB) feature map. `relu` is the pooling layer's input (the ReLU output),
    /// `pooled` its output (the fast kernel reads the mask from it: pooled[k] = relu[argmax[k]]).
    public static func maxPoolBackwardReLU(_ backend: KernelBackend, outputGradient: [Float], argmax: [Int32],
                                           relu: [Float], pooled: [Float], geometry: ConvGeometry) -> [Float] {
        switch backend {
        case .naive:
            let dx = PoolNaive.maxBackward(outputGradient: outputGradient, argmax: argmax, inputCount: relu.count)
            return Activation.relu.backward(output: Tensor(shape: [relu.count], data: relu),
                                            outputGradient: Tensor(shape: [dx.count], data: dx)).data
        case .fast:
            return PoolFast.maxBackward(outputGradient: outputGradient, argmax: argmax, inputCount: relu.count,
                                        batch: geometry.batch, reluMask: pooled, geometry: geometry)
        }
    }

    /// Max pooling backward through the ReLU before it, with the ReLU mask read from the pooled
    /// output instead of the pooling input: dz[argmax[k]] += dy[k] where !(pooled[k] ≤ 0).
    /// Equals `maxPoolBackwardReLU` when no two windows share a maximum (non-overlapping
    /// windows), since pooled[k] is the ReLU output at argmax[k]. Used after the fused
    /// conv-ReLU-pool forward, which keeps no ReLU output.
    public static func maxPoolBackwardPooledMask(_ backend: KernelBackend, outputGradient dy: [Float], argmax: [Int32],
                                                 pooled: [Float], geometry g: ConvGeometry) -> [Float] {
        let inputCount = g.batch * g.height * g.width * g.channels
        switch backend {
        case .naive:
            let masked = zip(dy, pooled).map { d, y in y <= 0 ? 0 : d }
            return PoolNaive.maxBackward(outputGradient: masked, argmax: argmax, inputCount: inputCount)
        case .fast:
            return PoolFast.maxBackward(outputGradient: dy, argmax: argmax, inputCount: inputCount,
                                        batch: g.batch, reluMask: pooled, geometry: g)
        }
    }

    /// Conv2D with ReLU, then max pooling with non-overlapping windows (strides = `pool`, valid
    /// padding), in one call: (pooled (N, PH, PW, F), argmax into the conv output (N, OH, OW, F)).
    /// Fast: `ConvPoolFast.forward`, which never writes the conv output. Naive: the three steps.
    /// With `keepArgmax` false the fast kernel skips the argmax (returned empty): inference.
    public static func convReLUMaxPoolForward(_ backend: KernelBackend, input: [Float], kernel: [Float], bias: [Float]?,
                                              geometry g: ConvGeometry, filters: Int,
                                              pool: (Int, Int), keepArgmax: Bool = true) -> (output: [Float], argmax: [Int32]) {
        switch backend {
        case .naive:
            let z = ConvNaive.forward(input: input, kernel: kernel, bias: bias, geometry: g, filters: filters)
            let y = Activation.relu.apply(Tensor(shape: [z.count], data: z)).data
            return PoolNaive.maxForward(input: y, geometry: poolGeometry(g, filters: filters, pool: pool))
        case .fast:
            return ConvPoolFast.forward(input: input, kernel: kernel, bias: bias, geometry: g, filters: filters, pool: pool,
                                        keepArgmax: keepArgmax)
        }
    }

    /// Backward of `convReLUMaxPoolForward` from dPooled: adds the kernel and bias gradients
    /// (the input gradient is not computed). Fast: `ConvPoolFast.backward`, which builds dz a few
    /// rows at a time. Naive: dz from `maxPoolBackwardPooledMask`, then `ConvNaive.backward`.
    public static func convReLUMaxPoolBackward(_ backend: KernelBackend, input: [Float], kernel: [Float],
                                               outputGradient: [Float], argmax: [Int32], pooled: [Float],
                                               geometry g: ConvGeometry, filters: Int, pool: (Int, Int),
                                               kernelGradient: inout [Float], biasGradient: inout [Float]) {
        switch backend {
        case .naive:
            let dz = maxPoolBackwardPooledMask(.naive, outputGradient: outputGradient, argmax: argmax, pooled: pooled,
                                               geometry: poolGeometry(g, filters: filters, pool: pool))
            _ = ConvNaive.backward(input: input, kernel: kernel, outputGradient: dz, geometry: g, filters: filters,
                                   kernelGradient: &kernelGradient, biasGradient: &biasGradient, inputGradient: false)
        case .fast:
            ConvPoolFast.backward(input: input, outputGradient: outputGradient, argmax: argmax, output: pooled,
                                  geometry: g, filters: filters, pool: pool,
                                  kernelGradient: &kernelGradient, biasGradient: &biasGradient)
        }
    }

    /// The geometry of a max pooling with non-overlapping windows over the output of conv `g`.
    public static func poolGeometry(_ g: ConvGeometry, filters: Int, pool: (Int, Int)) -> ConvGeometry {
        ConvGeometry(batch: g.batch, height: g.outHeight, width: g.outWidth, channels: filters,
                     kernel: pool, strides: pool, padding: .valid)
    }

    /// y = activation(z). Shapes: any. The fast ReLU gives the same bits as the plain one.
    public static func activationForward(_ backend: KernelBackend, _ activation: Activation, _ z: Tensor) -> Tensor {
        guard backend == .fast, activation == .relu else { return activation.apply(z) }
        return Tensor(shape: z.shape, data: ActivationFast.reluForward(z.data))
    }

    /// dLoss/dz from the output y and dLoss/dy. Shapes: any, y and dy alike.
    public static func activationBackward(_ backend: KernelBackend, _ activation: Activation,
                                          output y: Tensor, outputGradient dy: Tensor) -> Tensor {
        guard backend == .fast, activation == .relu, y.shape == dy.shape else {
            return activation.backward(output: y, outputGradient: dy)
        }
        return Tensor(shape: dy.shape, data: ActivationFast.reluBackward(output: y.data, outputGradient: dy.data))
    }

    /// Per-channel mean and biased variance (see `BatchNormNaive.statistics`).
    public static func batchNormStatistics(_ backend: KernelBackend, _ x: [Float], channels: Int) -> (mean: [Float], variance: [Float]) {
        switch backend {
        case .naive: return BatchNormNaive.statistics(x, channels: channels)
        case .fast: return BatchNormFast.statistics(x, channels: channels)
        }
    }

    /// x̂ and y = γ·x̂ + β (see `BatchNormNaive.normalize`).
    public static func batchNormNormalize(_ backend: KernelBackend, _ x: [Float], mean: [Float], inverseStd: [Float],
                                          gamma: [Float]?, beta: [Float]?) -> (normalized: [Float], output: [Float]) {
        switch backend {
        case .naive: return BatchNormNaive.normalize(x, mean: mean, inverseStd: inverseStd, gamma: gamma, beta: beta)
        case .fast: return BatchNormFast.normalize(x, mean: mean, inverseStd: inverseStd, gamma: gamma, beta: beta)
        }
    }

    /// dx, Σdy and Σdy·x̂ (see `BatchNormNaive.backward`).
    public static func batchNormBackward(_ backend: KernelBackend, outputGradient dy: [Float], normalized: [Float],
                                         inverseStd: [Float], gamma: [Float]?, batchStatistics: Bool,
                                         inputGradient: Bool) -> (dx: [Float], sumDy: [Double], sumDyX: [Double]) {
        switch backend {
        case .naive:
            return BatchNormNaive.backward(outputGradient: dy, normalized: normalized, inverseStd: inverseStd, gamma: gamma,
                                           batchStatistics: batchStatistics, inputGradient: inputGradient)
        case .fast:
            return BatchNormFast.backward(outputGradient: dy, normalized: normalized, inverseStd: inverseStd, gamma: gamma,
                                          batchStatistics: batchStatistics, inputGradient: inputGradient)
        }
    }
}
