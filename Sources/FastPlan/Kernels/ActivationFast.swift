import CNNCore
/// Fast element-wise activations: ReLU 8 values at a time, large arrays split over the cores.
/// Same results as `Activation.apply`/`backward` bit for bit (only comparisons and selections);
/// the other activations use the plain versions.
///
/// z, y, dy, dz: any shape, e.g. (N, OH, OW, F) after a convolution. Reference: keras.activations.relu.
public enum ActivationFast {
    /// y = z where z ≥ 0 (or NaN), else 0 — exactly `Activation.relu.apply`.
    public static func reluForward(_ z: [Float]) -> [Float] {
        map(z, z) { v, _ in v.replacing(with: 0, where: v .< 0) } scalar: { v, _ in v < 0 ? 0 : v }
    }

    /// dz = dy where y > 0, else 0 — exactly `Activation.relu.backward` (zero where y ≤ 0).
    public static func reluBackward(output y: [Float], outputGradient dy: [Float]) -> [Float] {
        map(dy, y) { d, out in d.replacing(with: 0, where: out .<= 0) } scalar: { d, out in out <= 0 ? 0 : d }
    }

    /// y[i] = max(z[i], 0) for one row of a feature map, exactly as `reluForward`: used by the
    /// kernels that fuse ReLU into their output pass (`ConvFast.forwardReLU`).
    @inline(__always)
    static func reluRow(_ z: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(z + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: v.replacing(with: 0, where: v .< 0), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { y[i] = z[i] < 0 ? 0 : z[i]; i += 1 }
    }

    /// r[i] = f(a[i], b[i]) with a vector body for 8 values and a scalar one for the rest.
    @inline(__always)
    static func map(_ a: [Float], _ b: [Float], _ vector: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>,
                    scalar: (Float, Float) -> Float) -> [Float] {
        precondition(a.count == b.count, "activation arrays differ in length")
        let count = a.count
        return .uninitialized(count) { r in
            a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                let blocks = count / 8
                Parallel.forEachRange(blocks, minimumChunk: 1 << 14) { _, mine in
                    for block in mine {
                        let i = block * 8
                        let va = UnsafeRawPointer(ap.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
                        let vb = UnsafeRawPointer(bp.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(r.baseAddress! + i).storeBytes(of: vector(va, vb), as: SIMD8<Float>.self)
                    }
                }
                for i in (blocks * 8)..<count { r[i] = scalar(ap[i], bp[i]) }
            }}
        }
    }
}
