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

    /// The pooled output of the last forward: where the fast kernel reads the ReLU mask.
    private var pooled: Tensor?

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
        let y = try pool.forward(try conv.forward(x, training: training), training: training)
        pooled = y
        return y
    }

    public func backward(_ gradient: Tensor, _ pass: BackwardPass) throws -> Tensor {
        guard let pooled, let relu = conv.lastOutput, gradient.count == pooled.count else {
            throw CNNError.impossibleLayer(layer: pool.name, reason: "backward was called before forward")
        }
        if pass.storesGradients { for p in conv.parameters { p.zeroGradient() } }
        let g = pool.geometry(batch: relu.shape[0])
        let dz = Kernels.maxPoolBackwardReLU(backend, outputGradient: gradient.data, argmax: pool.lastArgmax,
                                             relu: relu.data, pooled: pooled.data, geometry: g)
        return try conv.backward(preActivationGradient: Tensor(shape: relu.shape, data: dz))
    }
}
