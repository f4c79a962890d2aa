import CNNCore
/// The register-blocked matrix-multiply tiles the fast Conv2D and Dense kernels are built on:
/// `tile` (below, any shape up to 4 × 16), `strip4` (a row of 4 × 16 tiles in one call) and
/// `tile3x32` (GemmTile3x32.swift, for products with exactly 32 columns).
///
/// One call computes a tile of at most 4 rows × 16 columns of C = A·B (+ bias, or added into C):
///   C[r, j] (+)= bias[j] + Σ_s Σ_t A_r[s, t] · B[s·T + t, j]     r < rows ≤ 4, j < cols ≤ 16
/// with A_r[s, t] = a[rowOffsets[r] + s·segmentStride + t·kStride] (row r of A, cut into S segments
/// of T values: a convolution patch is KH segments of KW·C values), B[k, j] = b[k·bStride + j] for
/// all 16 j (pad B with zero columns when it has fewer), and C[r, j] = c[r·cRowStride + j·cColStride].
///
/// Why 4×16: eight SIMD8 accumulators, two B vectors and four broadcasts fit the 16 AVX2
/// registers however the compiler schedules the loads (a 6×16 tile, BLIS' Haswell shape, needs
/// the broadcasts interleaved by hand; Swift's code for it spilled accumulators to the stack and
/// ran at half speed), and each step does 8 FMAs for 6 loads. Addressing
/// rows through offsets and strides lets the callers use their arrays in place (no im2col, no
/// transposed copies of X). Reference: Goto & van de Geijn, "Anatomy of High-Performance Matrix
/// Multiplication" (2008); BLIS `bli_sgemm_haswell_asm_6x16`.
/// Portable builds (no `-target-cpu native`) run the same code with scalar FMA calls: correct, slow.
public enum Gemm {
    /// Rows of A (and of C) one tile covers.
    public static let tileRows = 4
    /// Columns of B (and of C) one tile covers: two SIMD8 vectors.
    public static let tileColumns = 16

    /// Computes one tile; see the type's documentation for the formula.
    /// - Parameters:
    ///   - rows: rows of C to compute, 1...4 (A needs `rows` entries in `rowOffsets`).
    ///   - cols: columns of C to write, 1...16 (B always supplies 16).
    ///   - accumulate: add into C (true) or overwrite it (false).
    ///   - bias: 16 values to start every row from, or nil for zero.
    public static func tile(rows: Int, a: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>, kStride: Int,
                            segments: Int, segmentLength: Int, segmentStride: Int,
                            b: UnsafePointer<Float>, bStride: Int,
                            c: UnsafeMutablePointer<Float>, cRowStride: Int, cColStride: Int, cols: Int,
                            accumulate: Bool, bias: UnsafePointer<Float>? = nil) {
        let shape = Shape(kStride: kStride, segments: segments, segmentLength: segmentLength,
                          segmentStride: segmentStride, bStride: bStride, cRowStride: cRowStride,
                          cColStride: cColStride, cols: cols, accumulate: accumulate)
        switch rows {
        case 4: block(Rows4.self, a, rowOffsets, b, c, bias, shape)
        case 3: block(Rows3.self, a, rowOffsets, b, c, bias, shape)
        case 2: block(Rows2.self, a, rowOffsets, b, c, bias, shape)
        case 1: block(Rows1.self, a, rowOffsets, b, c, bias, shape)
        default: preconditionFailure("a tile has 1 to \(tileRows) rows, got \(rows)")
        }
    }

    struct Shape {
        var kStride, segments, segmentLength, segmentStride, bStride, cRowStride, cColStride, cols: Int
        var accumulate: Bool
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// A row count known at compile time: `block` is specialised for each, so the `R > r` tests
    /// vanish and only R×2 accumulators stay live. (A plain `Int` argument was not always
    /// inlined, and the generic-R loop ran several times slower.)
    protocol RowCount { static var value: Int { get } }
    enum Rows1: RowCount { static var value: Int { 1 } }
    enum Rows2: RowCount { static var value: Int { 2 } }
    enum Rows3: RowCount { static var value: Int { 3 } }
    enum Rows4: RowCount { static var value: Int { 4 } }

    /// The tile body for R = `Count.value` rows.
    @inline(never)
    static func block<Count: RowCount>(_: Count.Type, _ a: UnsafePointer<Float>, _ o: UnsafePointer<Int>, _ b: UnsafePointer<Float>,
                      _ c: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>?, _ s: Shape) {
        let R = Count.value
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        if let bias {
            let lo = load(bias), hi = load(bias + 8)
            c00 = lo; c01 = hi
            if R > 1 { c10 = lo; c11 = hi }
            if R > 2 { c20 = lo; c21 = hi }
            if R > 3 { c30 = lo; c31 = hi }
        }
        let p0 = a + o[0]
        let p1 = R > 1 ? a + o[1] : p0, p2 = R > 2 ? a + o[2] : p0
        let p3 = R > 3 ? a + o[3] : p0
        var pb = b
        for segment in 0..<s.segments {
            // Wrapping arithmetic: the overflow checks were a third of the loop's instructions.
            var k = segment &* s.segmentStride
            for _ in 0..<s.segmentLength {
                let b0 = load(pb), b1 = load(pb + 8)
                let x0 = SIMD8<Float>(repeating: p0[k])
                c00 = c00.plusProduct(x0, b0); c01 = c01.plusProduct(x0, b1)
                if R > 1 { let x = SIMD8<Float>(repeating: p1[k]); c10 = c10.plusProduct(x, b0); c11 = c11.plusProduct(x, b1) }
                if R > 2 { let x = SIMD8<Float>(repeating: p2[k]); c20 = c20.plusProduct(x, b0); c21 = c21.plusProduct(x, b1) }
                if R > 3 { let x = SIMD8<Float>(repeating: p3[k]); c30 = c30.plusProduct(x, b0); c31 = c31.plusProduct(x, b1) }
                k &+= s.kStride
                pb += s.bStride
            }
        }
        store(c00, c01, c, s)
        if R > 1 { store(c10, c11, c + s.cRowStride, s) }
        if R > 2 { store(c20, c21, c + 2 * s.cRowStride, s) }
        if R > 3 { store(c30, c31, c + 3 * s.cRowStride, s) }
    }

    /// C (4 × 16·panels) = A (4 × K) · B (K × 16·panels), overwriting C: a row of whole tiles in
    /// one call, for the short products of the Dense backward (K = 32 images), where
    /// `tile`'s per-call setup cost a third of the time. A row r is a[r·lda ..< r·lda + k],
    /// B row k is b[k·ldb ..< k·ldb + 16·panels], C row r is c[r·ldc ...]. Each value is the same
    /// sequence of `plusProduct`s from zero as `tile` computes, so the bits are the same.
    @inline(never)
    public static func strip4(a: UnsafePointer<Float>, lda: Int, k: Int, b: UnsafePointer<Float>, ldb: Int,
                              panels: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let a0 = a, a1 = a + lda, a2 = a + 2 &* lda, a3 = a + 3 &* lda
        for panel in 0..<panels {
            var c00 = SIMD8<Float>(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00
            var pb = b + panel &* tileColumns
            for kk in 0..<k {
                let b0 = load(pb), b1 = load(pb + 8)
                var x = SIMD8<Float>(repeating: a0[kk])
                c00 = c00.plusProduct(x, b0); c01 = c01.plusProduct(x, b1)
                x = SIMD8<Float>(repeating: a1[kk])
                c10 = c10.plusProduct(x, b0); c11 = c11.plusProduct(x, b1)
                x = SIMD8<Float>(repeating: a2[kk])
                c20 = c20.plusProduct(x, b0); c21 = c21.plusProduct(x, b1)
                x = SIMD8<Float>(repeating: a3[kk])
                c30 = c30.plusProduct(x, b0); c31 = c31.plusProduct(x, b1)
                pb += ldb
            }
            let out = UnsafeMutableRawPointer(c + panel &* tileColumns)
            let row = ldc &* MemoryLayout<Float>.stride
            out.storeBytes(of: c00, as: SIMD8<Float>.self); out.storeBytes(of: c01, toByteOffset: 32, as: SIMD8<Float>.self)
            out.storeBytes(of: c10, toByteOffset: row, as: SIMD8<Float>.self)
            out.storeBytes(of: c11, toByteOffset: row + 32, as: SIMD8<Float>.self)
            out.storeBytes(of: c20, toByteOffset: 2 * row, as: SIMD8<Float>.self)
            out.storeBytes(of: c21, toByteOffset: 2 * row + 32, as: SIMD8<Float>.self)
            out.storeBytes(of: c30, toByteOffset: 3 * row, as: SIMD8<Float>.self)
            out.storeBytes(of: c31, toByteOffset: 3 * row + 32, as: SIMD8<Float>.self)
        }
    }

    /// Writes (or adds) one row of the tile: two vector stores when the row is whole and
    /// contiguous, otherwise one value at a time.
    @inline(__always)
    static func store(_ lo: SIMD8<Float>, _ hi: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ s: Shape) {
        if s.cols == tileColumns && s.cColStride == 1 {
            var lo = lo, hi = hi
            if s.accumulate { lo += load(p); hi += load(p + 8) }
            UnsafeMutableRawPointer(p).storeBytes(of: lo, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(p + 8).storeBytes(of: hi, as: SIMD8<Float>.self)
            return
        }
        for j in 0..<s.cols {
            let value = j < 8 ? lo[j] : hi[j - 8]
            if s.accumulate { p[j * s.cColStride] += value } else { p[j * s.cColStride] = value }
        }
    }

    /// Copies columns [first, first + 16) of a K×N row-major matrix (row stride `ld`) into a
    /// K×16 panel, zero-filling columns past N, so the tile can always read 16 columns.
    public static func packPanel(_ m: UnsafePointer<Float>, rows k: Int, columns n: Int, ld: Int,
                                 first: Int, into panel: UnsafeMutablePointer<Float>) {
        let width = min(tileColumns, n - first)
        for row in 0..<k {
            let src = m + row * ld + first, dst = panel + row * tileColumns
            if width == tileColumns {
                UnsafeMutableRawPointer(dst).storeBytes(of: load(src), as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(dst + 8).storeBytes(of: load(src + 8), as: SIMD8<Float>.self)
            } else {
                for j in 0..<tileColumns { dst[j] = j < width ? src[j] : 0 }
            }
        }
    }

    /// A rows × columns row-major matrix with zero columns added up to whole tiles, so a tile can
    /// always read 16 columns; the matrix itself when it already has whole tiles.
    public static func padColumns(_ m: [Float], rows: Int, columns: Int) -> [Float] {
        let padded = paddedColumns(columns)
        guard padded != columns else { return m }
        return (0..<(rows * padded)).map { k in k % padded < columns ? m[k / padded * columns + k % padded] : 0 }
    }

    /// The transpose (columns × rows) of a rows × columns row-major matrix, its rows padded with
    /// zeros to whole tiles of columns.
    public static func transposedPadded(_ m: [Float], rows: Int, columns: Int) -> [Float] {
        let padded = paddedColumns(rows)
        var t = [Float](repeating: 0, count: columns * padded)
        for r in 0..<rows { for c in 0..<columns { t[c * padded + r] = m[r * columns + c] } }
        return t
    }

    /// `n` rounded up to whole tiles of columns.
    @inline(__always)
    public static func paddedColumns(_ n: Int) -> Int { (n + tileColumns - 1) / tileColumns * tileColumns }
}

extension SIMD8 where Scalar == Float {
    /// self + a·b. One FMA instruction when the build targets a CPU that has it (`CNNVIZ_FMA`,
    /// set for native release builds in Package.swift); otherwise a vector multiply and add,
    /// because on baseline x86-64 `addingProduct` becomes a call to libm's fmaf for every lane.
    @inline(__always)
    func plusProduct(_ a: Self, _ b: Self) -> Self {
        #if CNNVIZ_FMA
        return addingProduct(a, b)
        #else
        return self + a * b
        #endif
    }
}
