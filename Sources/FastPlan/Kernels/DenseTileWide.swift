import CNNCore
import CKernelShims
/// The Dense layer's register tile at AVX-512's width (`TileWidth.wide`): up to 8 rows × 32
/// columns of C in sixteen SIMD16 accumulators, two per row.
///
///   C[r, j] (+)= bias[j] + Σ_k A[r, k] · B[k, j]     r < rows ≤ 8, j < 32, k < depth
/// with A[r, k] = a[r·lda + k·kStep], B[k, j] = b[k·ldb + j] (32 columns, always read), and
/// C[r, j] = c[r·ldc + j]. The three Dense products are all this shape:
///   forward   y (N × O) = X · W       A = rows of X (lda I, kStep 1), B = a packed block of W
///   dx        dxᵀ (I × N) = W · dYᵀ   A = rows of W (lda O, kStep 1), B = dYᵀ
///   dW        dW (I × O) = Xᵀ · dY    A = columns of X read in place (lda 1, kStep I), B = dY
///
/// Why this shape: 16 accumulators, two B vectors and a broadcast (folded into the FMA as a
/// memory operand) use 19 of AVX-512's 32 registers; each step is 16 FMAs for 2 + rows loads,
/// and 16 independent sums cover the FMA latency (4 cycles × 2 ports). Each value is the same
/// sequence of `plusProduct` steps from `bias` (or zero) as `Gemm.tile` and `Gemm.tile3x32`
/// compute, and `accumulate` adds the sums to C the same way (sums + C), so every width gives
/// the same bits. SIMD16 is correct on any CPU (two AVX2 registers, four NEON ones): only speed
/// depends on `TileWidth`.
extension DenseFast {
    /// Rows of C one wide tile covers at most.
    static let wideRows = 8
    /// Columns of C one wide tile covers: two SIMD16 vectors.
    static let wideColumns = 32

    /// A row count known at compile time: `wideBlock` is specialised for each, so only
    /// 2 × rows accumulators are live and the `R > r` tests vanish (as `Gemm.RowCount`).
    protocol WideRowCount { static var value: Int { get } }
    enum WideRows1: WideRowCount { static var value: Int { 1 } }
    enum WideRows2: WideRowCount { static var value: Int { 2 } }
    enum WideRows3: WideRowCount { static var value: Int { 3 } }
    enum WideRows4: WideRowCount { static var value: Int { 4 } }
    enum WideRows5: WideRowCount { static var value: Int { 5 } }
    enum WideRows6: WideRowCount { static var value: Int { 6 } }
    enum WideRows7: WideRowCount { static var value: Int { 7 } }
    enum WideRows8: WideRowCount { static var value: Int { 8 } }

    /// One tile of `rows` (1...8) rows; see the extension's documentation for the formula.
    @inline(__always)
    static func wideTile(rows: Int, a: UnsafePointer<Float>, lda: Int, kStep: Int, depth: Int,
                         b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                         bias: UnsafePointer<Float>?, accumulate: Bool, ahead: Ahead = Ahead()) {
        let s = WideShape(lda: lda, kStep: kStep, depth: depth, ldb: ldb, ldc: ldc, accumulate: accumulate, ahead: ahead)
        switch rows {
        case 8: wideBlock(WideRows8.self, a, b, c, bias, s)
        case 7: wideBlock(WideRows7.self, a, b, c, bias, s)
        case 6: wideBlock(WideRows6.self, a, b, c, bias, s)
        case 5: wideBlock(WideRows5.self, a, b, c, bias, s)
        case 4: wideBlock(WideRows4.self, a, b, c, bias, s)
        case 3: wideBlock(WideRows3.self, a, b, c, bias, s)
        case 2: wideBlock(WideRows2.self, a, b, c, bias, s)
        case 1: wideBlock(WideRows1.self, a, b, c, bias, s)
        default: preconditionFailure("a wide tile has 1 to \(wideRows) rows, got \(rows)")
        }
    }

    struct WideShape {
        var lda, kStep, depth, ldb, ldc: Int
        var accumulate: Bool
        var ahead = Ahead()
    }

    /// Cache lines a tile asks L2 to load while it computes, one per step of its k loop (the
    /// memory a later tile needs: the next block of W, the next columns of X). Spread like this
    /// the requests overlap the arithmetic; issued all at once they fill the core's few
    /// outstanding-miss slots and the core waits on the prefetch instructions themselves.
    /// The lines are `lines` lines in runs of `run` consecutive lines, runs `stride` bytes apart.
    struct Ahead {
        var start: UnsafeRawPointer? = nil
        var lines = 0, run = 1, stride = 0
    }

    /// Steps through an `Ahead`: each `issue()` asks L2 for its next cache line, if any is left.
    /// (`wideBlock` writes these steps out itself.)
    struct AheadCursor {
        var line: UnsafeRawPointer?, runStart: UnsafeRawPointer?
        var left: Int, inRun = 0
        let run: Int, stride: Int

        init(_ a: Ahead) {
            (line, runStart, left, run, stride) = (a.start, a.start, a.lines, a.run, a.stride)
        }

        @inline(__always)
        mutating func issue() {
            guard left > 0, let current = line else { return }
            cnnviz_prefetch_to_l2(current)
            left &-= 1
            inRun &+= 1
            if inRun == run {
                inRun = 0
                runStart = runStart.map { $0 + stride }
                line = runStart
            } else {
                line = current + 64
            }
        }
    }

    /// The tile body for R = `Count.value` rows.
    @inline(never)
    static func wideBlock<Count: WideRowCount>(_: Count.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                               _ c: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>?, _ s: WideShape) {
        let R = Count.value
        var lo = SIMD16<Float>(), hi = lo
        if let bias { lo = Gemm.load16(bias); hi = Gemm.load16(bias + 16) }
        var c0 = lo, d0 = hi, c1 = lo, d1 = hi, c2 = lo, d2 = hi, c3 = lo, d3 = hi
        var c4 = lo, d4 = hi, c5 = lo, d5 = hi, c6 = lo, d6 = hi, c7 = lo, d7 = hi
        let p0 = a, p1 = a + (R > 1 ? s.lda : 0), p2 = a + (R > 2 ? 2 &* s.lda : 0), p3 = a + (R > 3 ? 3 &* s.lda : 0)
        let p4 = a + (R > 4 ? 4 &* s.lda : 0), p5 = a + (R > 5 ? 5 &* s.lda : 0)
        let p6 = a + (R > 6 ? 6 &* s.lda : 0), p7 = a + (R > 7 ? 7 &* s.lda : 0)
        var pb = b
        var k = 0
        // `AheadCursor`'s steps written out: with the cursor here the tiles looked slower (8
        // interleaved pairs of `bench --all` on the 2-core AMD EPYC: training about 2,600 against
        // 3,400 images/s), likely its fields taking registers the sixteen accumulators need.
        var (pf, runStart, left, inRun) = (s.ahead.start, s.ahead.start, s.ahead.lines, 0)
        for _ in 0..<s.depth {
            if left > 0, let line = pf {
                cnnviz_prefetch_to_l2(line)
                left &-= 1
                inRun &+= 1
                if inRun == s.ahead.run {
                    inRun = 0
                    runStart = runStart.map { $0 + s.ahead.stride }
                    pf = runStart
                } else {
                    pf = line + 64
                }
            }
            let b0 = Gemm.load16(pb), b1 = Gemm.load16(pb + 16)
            var x = SIMD16<Float>(repeating: p0[k])
            c0 = c0.plusProduct(x, b0); d0 = d0.plusProduct(x, b1)
            if R > 1 { x = SIMD16<Float>(repeating: p1[k]); c1 = c1.plusProduct(x, b0); d1 = d1.plusProduct(x, b1) }
            if R > 2 { x = SIMD16<Float>(repeating: p2[k]); c2 = c2.plusProduct(x, b0); d2 = d2.plusProduct(x, b1) }
            if R > 3 { x = SIMD16<Float>(repeating: p3[k]); c3 = c3.plusProduct(x, b0); d3 = d3.plusProduct(x, b1) }
            if R > 4 { x = SIMD16<Float>(repeating: p4[k]); c4 = c4.plusProduct(x, b0); d4 = d4.plusProduct(x, b1) }
            if R > 5 { x = SIMD16<Float>(repeating: p5[k]); c5 = c5.plusProduct(x, b0); d5 = d5.plusProduct(x, b1) }
            if R > 6 { x = SIMD16<Float>(repeating: p6[k]); c6 = c6.plusProduct(x, b0); d6 = d6.plusProduct(x, b1) }
            if R > 7 { x = SIMD16<Float>(repeating: p7[k]); c7 = c7.plusProduct(x, b0); d7 = d7.plusProduct(x, b1) }
            k &+= s.kStep
            pb += s.ldb
        }
        wideStore(c0, d0, c, s)
        if R > 1 { wideStore(c1, d1, c + s.ldc, s) }
        if R > 2 { wideStore(c2, d2, c + 2 &* s.ldc, s) }
        if R > 3 { wideStore(c3, d3, c + 3 &* s.ldc, s) }
        if R > 4 { wideStore(c4, d4, c + 4 &* s.ldc, s) }
        if R > 5 { wideStore(c5, d5, c + 5 &* s.ldc, s) }
        if R > 6 { wideStore(c6, d6, c + 6 &* s.ldc, s) }
        if R > 7 { wideStore(c7, d7, c + 7 &* s.ldc, s) }
    }

    /// Writes one row of 32 sums, or adds them to C (sums + C, as `Gemm.store`).
    @inline(__always)
    static func wideStore(_ lo: SIMD16<Float>, _ hi: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, _ s: WideShape) {
        var lo = lo, hi = hi
        if s.accumulate { lo += Gemm.load16(p); hi += Gemm.load16(p + 16) }
        Gemm.store16(lo, p)
        Gemm.store16(hi, p + 16)
    }

    /// A rows × columns row-major matrix with zero columns added up to a multiple of `multiple`
    /// (so a wide tile can always read 32 columns); the matrix itself when none are needed.
    static func padColumns(_ m: [Float], rows: Int, columns: Int, toMultipleOf multiple: Int) -> [Float] {
        let padded = (columns + multiple - 1) / multiple * multiple
        guard padded != columns else { return m }
        var out = [Float](repeating: 0, count: rows * padded)
        for r in 0..<rows { for j in 0..<columns { out[r * padded + j] = m[r * columns + j] } }
        return out
    }
}
