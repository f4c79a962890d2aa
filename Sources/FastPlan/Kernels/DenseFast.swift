import CNNCore
/// Fast fully connected layer: `Gemm.tile` blocks, split over the cores. Same results as
/// `DenseNaive` up to float rounding (sums run in another order).
///
/// input (N, I), kernel (I, O), bias (O), output (N, O); N = batch. Reference: keras.layers.Dense.
/// For the coursework's dense layer I = 30752, O = 128: the kernel (15.7 MB) is larger than the
/// caches, so each kernel pass is planned to read it, and its gradient, exactly once.
public enum DenseFast {
    /// Rows of the kernel kept in cache while every batch row passes over them (256 × 128 × 4 B = 128 KB).
    static let kBlock = 256

    /// y[n, o] = b[o] + Σ_i x[n, i] · W[i, o]
    ///
    /// C = X·W with X rows as A. The 16-column panels of W are shared out between the cores; each
    /// core walks I in blocks of `kBlock` rows and copies each block of its panels into a small
    /// contiguous buffer first. Why copy: W's rows are 512 B apart for O = 128, so a panel's rows
    /// fall into 8 of the 64 sets of the L1 cache and evict each other (measured: half the time
    /// waiting on those loads); packed, the block stays in L1 while every batch row uses it.
    /// `width` picks the register tiles of the one-or-two-image and 32-column-pair paths
    /// (`TileWidth.preferred`; the tests run both).
    /// `packed`: W already in `packPairs` order (inference keeps one, `DenseStage`); used where
    /// the 32-column-pair path runs, which then skips its per-block copies.
    public static func forward(input x: [Float], kernel w: [Float], bias b: [Float]?,
                               batch: Int, inputs: Int, outputs: Int, width: TileWidth = .preferred,
                               packed: [Float]? = nil) -> [Float] {
        let panels = Gemm.paddedColumns(outputs) / Gemm.tileColumns
        var biasPadded = [Float](repeating: 0, count: panels * Gemm.tileColumns)
        if let b { for o in 0..<outputs { biasPadded[o] = b[o] } }
        guard batch > 0, inputs > 0 else {
            return (0..<(batch * outputs)).map { biasPadded[$0 % outputs] }
        }
        if batch <= 2 && outputs % narrowColumns == 0 && inputs >= 4096 {
            return forwardFewRows(input: x, kernel: w, bias: biasPadded, batch: batch, inputs: inputs, outputs: outputs, width: width)
        }
        if batch >= 3 && outputs % pairColumns == 0 {
            return forwardPairs(input: x, kernel: w, bias: biasPadded, batch: batch, inputs: inputs, outputs: outputs, width: width,
                                packed: packed)
        }
        let rowOffsets = (0..<batch).map { $0 * inputs }
        return .uninitialized(batch * outputs) { y in
            x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
            biasPadded.withUnsafeBufferPointer { bp in
            rowOffsets.withUnsafeBufferPointer { op in
                let work = panels * batch * inputs
                Parallel.forEachRange(panels, minimumChunk: work > 1 << 16 ? 1 : panels) { _, mine in
                    let panelSize = kBlock * Gemm.tileColumns
                    let packed = UnsafeMutablePointer<Float>.allocate(capacity: mine.count * panelSize)
                    defer { packed.deallocate() }
                    // With one tile of rows the block is read once: copying would only add work.
                    func direct(_ panel: Int) -> Bool {
                        batch <= Gemm.tileRows && (panel + 1) * Gemm.tileColumns <= outputs
                    }
                    var k0 = 0
                    while k0 < inputs {
                        let kLength = min(kBlock, inputs - k0)
                        // This block of all my panels, copied in one pass along W's rows: each row's
                        // columns are contiguous, so the reads stream (panel by panel they were
                        // 64 B every 512 B, and waiting on them cost ~6% of a training step).
                        for row in 0..<kLength {
                            let src = wp.baseAddress! + (k0 + row) * outputs
                            for (slot, panel) in mine.enumerated() where !direct(panel) {
                                Gemm.packPanel(src, rows: 1, columns: outputs, ld: outputs, first: panel * Gemm.tileColumns,
                                               into: packed + slot * panelSize + row * Gemm.tileColumns)
                            }
                        }
                        for (slot, panel) in mine.enumerated() {
                            let first = panel * Gemm.tileColumns
                            let direct = direct(panel)
                            var m0 = 0
                            while m0 < batch {
                                let rows = min(Gemm.tileRows, batch - m0)
                                Gemm.tile(rows: rows, a: xp.baseAddress! + k0, rowOffsets: op.baseAddress! + m0, kStride: 1,
                                          segments: 1, segmentLength: kLength, segmentStride: 0,
                                          b: direct ? wp.baseAddress! + k0 * outputs + first
                                                    : UnsafePointer(packed + slot * panelSize),
                                          bStride: direct ? outputs : Gemm.tileColumns,
                                          c: y.baseAddress! + m0 * outputs + first, cRowStride: outputs, cColStride: 1,
                                          cols: min(Gemm.tileColumns, outputs - first),
                                          accumulate: k0 > 0, bias: k0 == 0 ? bp.baseAddress! + first : nil)
                                m0 += rows
                            }
                        }
                        k0 += kLength
                    }
                }
            }}}}
        }
    }

    /// dW[i, o] += Σ_n x[n, i] · dy[n, o];  db[o] += Σ_n dy[n, o];  dx[n, i] = Σ_o W[i, o] · dy[n, o].
    ///
    ///   dW (I × O) += Xᵀ (I × N) · dY (N × O): 4-row tiles of dW shared between the cores, A = the
    ///     columns of X read in place (stride I), B = dY; each row of dW is read and written once.
    ///   dx (N × I) = dY (N × O) · Wᵀ (O × I): see `dxTransposed`.
    /// With `overwriteKernelGradient` dW = Xᵀ·dY is stored instead of added: what `trainStep` wants
    /// right after clearing the gradients, without the 15.7 MB zero fill and the read of zeros.
    /// Returns dx (N, I), or an empty array when `inputGradient` is false.
    public static func backward(input x: [Float], kernel w: [Float], outputGradient dy: [Float],
                                batch: Int, inputs: Int, outputs: Int,
                                kernelGradient dw: inout [Float], biasGradient db: inout [Float],
                                inputGradient: Bool, overwriteKernelGradient: Bool = false) -> [Float] {
        if !db.isEmpty {
            for n in 0..<batch { for o in 0..<outputs { db[o] += dy[n * outputs + o] } }
        }
        let outPadded = Gemm.paddedColumns(outputs)
        // dY with zero columns up to whole panels (a copy only when O is not a multiple of 16).
        let dyPadded = Gemm.padColumns(dy, rows: batch, columns: outputs)
        var dx: [Float] = inputGradient ? .uninitialized(batch * inputs) { _ in } : []
        guard batch > 0, inputs > 0, outputs > 0 else {
            return inputGradient ? [Float](repeating: 0, count: batch * inputs) : []
        }
        let tiles = (inputs + Gemm.tileRows - 1) / Gemm.tileRows
        let identity = Array(0..<Gemm.tileRows)
        x.withUnsafeBufferPointer { xp in
        w.withUnsafeBufferPointer { wp in
        dyPadded.withUnsafeBufferPointer { dyp in
        identity.withUnsafeBufferPointer { idp in
        dw.withUnsafeMutableBufferPointer { dwp in
        dx.withUnsafeMutableBufferPointer { dxp in
            let work = tiles * batch * outputs
            Parallel.forEachRange(tiles, minimumChunk: work > 1 << 16 ? 64 : tiles) { _, mine in
                for t in mine {
                    let i0 = t * Gemm.tileRows
                    let rows = min(Gemm.tileRows, inputs - i0)
                    for panel in 0..<(outPadded / Gemm.tileColumns) {
                        let first = panel * Gemm.tileColumns
                        Gemm.tile(rows: rows, a: xp.baseAddress! + i0, rowOffsets: idp.baseAddress!, kStride: inputs,
                                  segments: 1, segmentLength: batch, segmentStride: 0,
                                  b: dyp.baseAddress! + first, bStride: outPadded,
                                  c: dwp.baseAddress! + i0 * outputs + first, cRowStride: outputs, cColStride: 1,
                                  cols: min(Gemm.tileColumns, outputs - first), accumulate: !overwriteKernelGradient)
                    }
                }
            }
            guard inputGradient else { return }
            dxTransposed(w: wp.baseAddress!, dy: dy, batch: batch, inputs: inputs, outputs: outputs,
                         dx: dxp.baseAddress!, parallel: work > 1 << 16)
        }}}}}}
        return dx
    }

    /// dxᵀ (I × N) = W (I × O) · dYᵀ (O × N), the input gradient of `backward`.
    ///
    /// input gradient (N, I), kernel (I, O), output gradient (N, O). 4-row tiles of dxᵀ shared
    /// between the cores: A = rows of W read in place (contiguous), B = dYᵀ packed once (O × N,
    /// 16 KB for the coursework, stays in L1), C = dx written with stride I. The stores are scalar
    /// but only 16 per 4 × 16 × O products; the previous form (dY · Wᵀ) had to copy every block of W
    /// transposed first, a scalar gather of the whole 15.7 MB kernel. Each lane sums o = 0..<O in
    /// order, as before, so dx has the same bits.
    static func dxTransposed(w: UnsafePointer<Float>, dy: [Float], batch: Int, inputs: Int, outputs: Int,
                             dx: UnsafeMutablePointer<Float>, parallel: Bool) {
        let bp = Gemm.paddedColumns(batch)
        let dyT = Gemm.transposedPadded(dy, rows: batch, columns: outputs)
        let tiles = (inputs + Gemm.tileRows - 1) / Gemm.tileRows
        dyT.withUnsafeBufferPointer { tp in
            Parallel.forEachRange(tiles, minimumChunk: parallel ? 64 : tiles) { _, mine in
                var offsets = [Int](repeating: 0, count: Gemm.tileRows)
                for t in mine {
                    let i0 = t * Gemm.tileRows
                    let rows = min(Gemm.tileRows, inputs - i0)
                    for r in 0..<rows { offsets[r] = (i0 + r) * outputs }
                    for first in stride(from: 0, to: batch, by: Gemm.tileColumns) {
                        Gemm.tile(rows: rows, a: w, rowOffsets: offsets, kStride: 1,
                                  segments: 1, segmentLength: outputs, segmentStride: 0,
                                  b: tp.baseAddress! + first, bStride: bp,
                                  c: dx + first * inputs + i0, cRowStride: 1, cColStride: inputs,
                                  cols: min(Gemm.tileColumns, batch - first), accumulate: false)
                    }
                }
            }
        }
    }
}
