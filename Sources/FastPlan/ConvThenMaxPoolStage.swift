import CNNCore

/// A ReLU Conv2D and a max pooling that cannot be fused (overlapping windows or `same`
/// padding): each runs its own forward, but the backward goes through the pooling and the ReLU
/// in one pass.
///
/// input (N, H, W, C) → y = relu(conv(x)) (N, OH, OW, F) → pooled (N, PH, PW, F)
///   dz[k] = Σ over windows whose maximum is k of dPooled, where y[k] > 0 (or NaN), else 0
/// A gradient only lands on a window's maximum, so the ReLU mask needs only that value: one
/// pass over dPooled instead of writing the pooling's input gradient (N, OH, OW, F) and reading
/// it back for the ReLU. Kernel: `Kernels.maxPoolBackwardReLU`, whose naive twin is the two
/// passes (bit for bit the same, FastFusedTests).
public final class ConvThenMaxPoolStage: Stage {
    public let conv: Conv2D
    public let pool: Pooling2D
    public let backend: KernelBackend
    public let how: String
    public var layers: [Layer] { [conv, pool] }

    /// What the backward needs from the last forward: the conv's input and ReLU output, the
    /// pooled output (where the fast kernel reads the ReLU mask) and where each maximum was.
    private var input: Tensor?
    private var relu: Tensor?
    private var pooled: Tensor?
    private var argmax: [Int32] = []

    /// For a ReLU `conv` followed by max pooling `pool`; `why` says why they are not fused.
    public init(conv: Conv2D, pool: Pooling2D, backend: KernelBackend, notFusedBecause why: String) throws {
        guard conv.activation == .relu, pool.mode == .max else {
            throw CNNError.impossibleLayer(layer: conv.name, reason: "this stage needs a ReLU conv followed by max pooling; run the layers one by one")
        }
        self.conv = conv
        self.pool = pool
        self.backend = backend
        how = "Conv2D+ReLU, then MaxPooling2D; backward through both in one pass (not fused: \(why))"
    }

    public func forward(_ x: Tensor, training: Bool) throws -> Tensor {
        let (kernel, g) = try convInput(conv, x)
        let (_, y) = Kernels.convForwardActivated(backend, .relu, input: x.data, kernel: kernel.value.data,
                                                  bias: conv.bias?.value.data, geometry: g, filters: conv.filters)
        let p = pool.geometry(batch: g.batch)
        let (output, maxima) = Kernels.maxPoolForward(backend, input: y, geometry: p)
        input = x
        relu = Tensor(shape: [g.batch, g.outHeight, g.outWidth, conv.filters], data: y)
        pooled = Tensor(shape: [g.batch, p.outHeight, p.outWidth, p.channels], data: output)
        argmax = maxima
        return pooled!
    }

    public func backward(_ gradient: Tensor, _ pass: BackwardPass) throws -> Tensor {
        guard let x = input, let relu, let pooled, gradient.count == pooled.count else { throw notRunYet(self) }
        let dz = Kernels.maxPoolBackwardReLU(backend, outputGradient: gradient.data, argmax: argmax,
                                             relu: relu.data, pooled: pooled.data, geometry: pool.geometry(batch: x.shape[0]))
        return try convBackward(conv, backend: backend, input: x, preActivationGradient: Tensor(shape: relu.shape, data: dz), pass)
    }
}
