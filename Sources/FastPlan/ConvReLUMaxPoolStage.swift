import CNNCore

/// A ReLU Conv2D and the max pooling after it as one kernel: the conv output is never written.
///
/// input (N, H, W, C) → conv z, y = relu(z) (N, OH, OW, F) → pooled (N, PH, PW, F)
///   pooled[n, ph, pw, f] = max over the window (PH·KH … , PW·KW …) of relu(z)
/// Only for windows that tile the conv output (strides = pool size, `valid` padding): then each
/// conv output value lies in at most one window, the argmax says where each maximum came from,
/// and the ReLU mask can be read from the pooled value itself (pooled > 0 ⟺ relu(z) > 0 there).
/// For the coursework that skips writing and reading a 62×62×32 map per image (16 MB a batch).
/// Kernels: `Kernels.convReLUMaxPoolForward` / `convReLUMaxPoolBackward` (ConvPoolFast), whose
/// naive twins run conv, ReLU and pooling one after another.
public final class ConvReLUMaxPoolStage: Stage {
    public let conv: Conv2D
    public let pool: Pooling2D
    public let backend: KernelBackend
    public var layers: [Layer] { [conv, pool] }
    public var how: String { "fused Conv2D+ReLU+MaxPooling2D" }

    /// What the backward needs: the conv input, the pooled output and where each maximum was.
    private var input: Tensor?
    private var pooled: [Float] = []
    private var argmax: [Int32] = []

    /// Why `conv` and `pool` cannot run as this stage, or nil when they can.
    public static func whyNotFused(_ conv: Conv2D, _ pool: Pooling2D) -> String? {
        if conv.activation != .relu { return "activation is \(conv.activation.rawValue), not relu" }
        if pool.mode != .max { return "average pooling" }
        if pool.strides != pool.poolSize { return "pooling windows overlap (strides \(pool.strides.0)×\(pool.strides.1) ≠ pool size \(pool.poolSize.0)×\(pool.poolSize.1))" }
        if pool.padding != .valid { return "pooling padding is '\(pool.padding.rawValue)', not 'valid'" }
        return nil
    }

    /// Throws unless the two layers can be fused (`whyNotFused` is nil). On `.naive` the stage
    /// runs the three steps one after another: its naive twin.
    public init(conv: Conv2D, pool: Pooling2D, backend: KernelBackend) throws {
        if let why = ConvReLUMaxPoolStage.whyNotFused(conv, pool) {
            throw CNNError.impossibleLayer(layer: conv.name, reason: "it cannot run fused with \(pool.name): \(why); run the layers one by one")
        }
        self.conv = conv
        self.pool = pool
        self.backend = backend
    }

    public func forward(_ x: Tensor, training: Bool) throws -> Tensor {
        let (kernel, g) = try convInput(conv, x)
        // Inference skips the argmax; a backward after it finds it again (`maxima(of:)`).
        let (output, maxima) = Kernels.convReLUMaxPoolForward(backend, input: x.data, kernel: kernel.value.data,
                                                              bias: conv.bias?.value.data, geometry: g,
                                                              filters: conv.filters, pool: pool.poolSize, keepArgmax: training)
        let p = pool.geometry(batch: g.batch)
        let shape = [g.batch, p.outHeight, p.outWidth, p.channels]
        guard output.count == shape.reduce(1, *), maxima.isEmpty || maxima.count == output.count else {
            throw CNNError.impossibleLayer(layer: pool.name, reason: "the fused forward gave \(output.count) values for an output of shape \(CNNError.format(shape)); run the layers unfused")
        }
        input = x
        pooled = output
        argmax = maxima
        return Tensor(shape: shape, data: output)
    }

    /// dPooled (N, PH, PW, F) → the conv's kernel and bias gradients, and dLoss/dinput when the
    /// conv needs it. The model's first layer needs no input gradient: then dz is built a few rows
    /// at a time inside the kernel and never stored whole.
    public func backward(_ gradient: Tensor, _ pass: BackwardPass) throws -> Tensor {
        guard let x = input, let kernel = conv.kernel, gradient.count == pooled.count else {
            throw CNNError.impossibleLayer(layer: conv.name, reason: "the fused backward needs the fused forward of the same batch first")
        }
        let g = conv.geometry(batch: x.shape[0])
        if argmax.count != pooled.count {  // the forward was an inference pass
            argmax = Kernels.convReLUMaxPoolForward(backend, input: x.data, kernel: kernel.value.data, bias: conv.bias?.value.data,
                                                    geometry: g, filters: conv.filters, pool: pool.poolSize).argmax
        }
        guard conv.needsInputGradient else {
            prepareGradients(pass)
            var biasGradient = conv.bias?.gradient.data ?? []
            defer { conv.bias?.gradient.data = biasGradient }
            Kernels.convReLUMaxPoolBackward(backend, input: x.data, kernel: kernel.value.data, outputGradient: gradient.data,
                                            argmax: argmax, pooled: pooled, geometry: g, filters: conv.filters,
                                            pool: pool.poolSize, kernelGradient: &kernel.gradient.data, biasGradient: &biasGradient)
            return Tensor(shape: [0], data: [])
        }
        // dz of the conv: the pooling backward with the ReLU mask read from the pooled output.
        let dz = Kernels.maxPoolBackwardPooledMask(backend, outputGradient: gradient.data, argmax: argmax, pooled: pooled,
                                                   geometry: pool.geometry(batch: g.batch))
        return try convBackward(conv, backend: backend, input: x,
                                preActivationGradient: Tensor(shape: [g.batch, g.outHeight, g.outWidth, conv.filters], data: dz), pass)
    }
}
