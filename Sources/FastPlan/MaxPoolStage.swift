import CNNCore

/// A MaxPooling2D on the plan's kernels, for one the plan cannot merge with the conv before it.
///
/// input (N, H, W, C) → output (N, OH, OW, C); the gradient goes back to each window's kept
/// maximum (the first, on a tie, as the reference layer). Naive twin: `PoolNaive`.
public final class MaxPoolStage: Stage {
    public let pool: Pooling2D
    public let backend: KernelBackend
    public let how: String
    public var layers: [Layer] { [pool] }

    /// Where each kept maximum was in the last forward's input.
    private var argmax: [Int32] = []
    private var batch = 0

    public init(_ pool: Pooling2D, backend: KernelBackend, how: String) throws {
        guard pool.mode == .max else {
            throw CNNError.impossibleLayer(layer: pool.name, reason: "this stage runs max pooling only")
        }
        self.pool = pool
        self.backend = backend
        self.how = how
    }

    public func forward(_ x: Tensor, training: Bool) throws -> Tensor {
        guard x.rank == 4 else { throw CNNError.shapeMismatch(layer: pool.name, expected: [-1, -1, -1, -1], got: x.shape) }
        let g = pool.geometry(batch: x.shape[0])
        try check(x, against: [g.height, g.width, g.channels])
        let (y, maxima) = Kernels.maxPoolForward(backend, input: x.data, geometry: g)
        argmax = maxima
        batch = g.batch
        return Tensor(shape: [g.batch, g.outHeight, g.outWidth, g.channels], data: y)
    }

    public func backward(_ gradient: Tensor, _ pass: BackwardPass) throws -> Tensor {
        guard gradient.count == argmax.count, batch > 0 else { throw notRunYet(self) }
        let g = pool.geometry(batch: batch)
        let dx = Kernels.maxPoolBackward(backend, outputGradient: gradient.data, argmax: argmax,
                                         inputCount: g.batch * g.height * g.width * g.channels, batch: g.batch, geometry: g)
        return Tensor(shape: [g.batch, g.height, g.width, g.channels], data: dx)
    }
}
