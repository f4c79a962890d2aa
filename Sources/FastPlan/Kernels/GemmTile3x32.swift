import CNNCore
/// A 3 × 32 register tile, for products whose B has exactly 32 columns: the conv forward and
/// kernel gradient when F = 32 (the coursework's conv), and the Dense layer on a batch of 32.
/// C[r, 0..<32] = bias + Σ_s Σ_t A_r[s, t] · B[s·T + t, 0..<32] for r < 3, with A_r and B as in
/// `Gemm.tile` (A's values `kStride` apart, bStride 32, C rows 32 apart; with `accumulate` the
/// sums are added to C, and bias nil is zero).
///
/// Why: `Gemm.tile` covers 16 columns, so 32 take two calls per 4 rows and read each A value
/// twice; here each step broadcasts 3 A values and does 12 FMAs on 4 B vectors (loaded once
/// each, or folded into the FMAs as memory operands): 12 accumulators, 3 broadcasts and one B
/// vector fit AVX2's 16 registers. Each value is the same sequence of `plusProduct` steps as in
/// `Gemm.tile`, so the results are the same bits.
extension Gemm {
    @inline(never)
    static func tile3x32(a: UnsafePointer<Float>, offsets o: (Int, Int, Int), kStride: Int = 1, segments: Int, segmentLength: Int,
                         segmentStride: Int, b: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                         c: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        var l0 = SIMD8<Float>(), l1 = l0, l2 = l0, l3 = l0
        if let bias { l0 = Gemm.load(bias); l1 = Gemm.load(bias + 8); l2 = Gemm.load(bias + 16); l3 = Gemm.load(bias + 24) }
        var c00 = l0, c01 = l1, c02 = l2, c03 = l3
        var c10 = l0, c11 = l1, c12 = l2, c13 = l3
        var c20 = l0, c21 = l1, c22 = l2, c23 = l3
        let p0 = a + o.0, p1 = a + o.1, p2 = a + o.2
        var pb = b
        for segment in 0..<segments {
            var k = segment &* segmentStride
            for _ in 0..<segmentLength {
                let x0 = SIMD8<Float>(repeating: p0[k]), x1 = SIMD8<Float>(repeating: p1[k])
                let x2 = SIMD8<Float>(repeating: p2[k])
                var v = Gemm.load(pb)
                c00 = c00.plusProduct(x0, v); c10 = c10.plusProduct(x1, v); c20 = c20.plusProduct(x2, v)
                v = Gemm.load(pb + 8)
                c01 = c01.plusProduct(x0, v); c11 = c11.plusProduct(x1, v); c21 = c21.plusProduct(x2, v)
                v = Gemm.load(pb + 16)
                c02 = c02.plusProduct(x0, v); c12 = c12.plusProduct(x1, v); c22 = c22.plusProduct(x2, v)
                v = Gemm.load(pb + 24)
                c03 = c03.plusProduct(x0, v); c13 = c13.plusProduct(x1, v); c23 = c23.plusProduct(x2, v)
                k &+= kStride
                pb += 32
            }
        }
        if accumulate {  // as `Gemm.tile` accumulates: this call's sums, then plus C
            c00 += Gemm.load(c); c01 += Gemm.load(c + 8); c02 += Gemm.load(c + 16); c03 += Gemm.load(c + 24)
            c10 += Gemm.load(c + 32); c11 += Gemm.load(c + 40); c12 += Gemm.load(c + 48); c13 += Gemm.load(c + 56)
            c20 += Gemm.load(c + 64); c21 += Gemm.load(c + 72); c22 += Gemm.load(c + 80); c23 += Gemm.load(c + 88)
        }
        store4(c00, c01, c02, c03, c)
        store4(c10, c11, c12, c13, c + 32)
        store4(c20, c21, c22, c23, c + 64)
    }

    @inline(__always)
    static func store4(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>, _ d: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        let raw = UnsafeMutableRawPointer(p)
        raw.storeBytes(of: a, as: SIMD8<Float>.self)
        raw.storeBytes(of: b, toByteOffset: 32, as: SIMD8<Float>.self)
        raw.storeBytes(of: c, toByteOffset: 64, as: SIMD8<Float>.self)
        raw.storeBytes(of: d, toByteOffset: 96, as: SIMD8<Float>.self)
    }
}
