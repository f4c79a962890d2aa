import CNNCore
import CKernelShims

/// The Dense backward pass with the optimizer's update of the kernel folded in.
///
/// For the coursework's dense layer the kernel W, its gradient and Adam's m and v are 15.7 MB
/// each: far larger than the caches. Run one after another, the input gradient reads W, the
/// kernel gradient writes dW, and Adam reads W, dW, m, v and writes W, m, v (about 170 MB of
/// memory traffic a step, more than the arithmetic takes). Here W is cut into blocks of rows and
/// each block goes through all three while it is in cache:
///   1. dx[:, block] = dY · W[block, :]ᵀ      (with the old weights, as the unfused pass)
///   2. dW[block, :] = X[:, block]ᵀ · dY      (into a small per-core buffer, never to memory)
///   3. `update(block, W[block], dW[block])`  (Adam on those rows)
/// which leaves W, m and v read and written once each. Every value is the same sequence of
/// products as in `backward` (whichever tile computes it), so dx and dW have the same bits,
/// and so do the updated weights.
extension DenseFast {
    /// Rows of W per block: 128 × 128 × 4 B = 64 KB of W and as much of dW, in L2. Measured
    /// against 32 and 64 (`cnnviz bench train --profile`): the longest runs of X and dx per
    /// image row (512 B) made this pass about 10% faster.
    static let updateBlockRows = 128

    /// dx (N, I) = dY · Wᵀ, then W updated in place by `update` from dW = Xᵀ · dY, and
    /// db[o] += Σ_n dy[n, o]. The kernel gradient is not stored anywhere.
    /// input (N, I), kernel (I, O) read and written through `w`, output gradient (N, O).
    public static func backwardUpdatingKernel(input x: [Float], kernel w: UnsafeMutablePointer<Float>, outputGradient dy: [Float],
                                              batch: Int, inputs: Int, outputs: Int, biasGradient db: inout [Float],
                                              inputGradient: Bool, width: TileWidth = .preferred,
                                              skipZeros: ZeroSkipping = .whereSparse, update: SliceUpdate) -> [Float] {
        if !db.isEmpty {
            for n in 0..<batch { for o in 0..<outputs { db[o] += dy[n * outputs + o] } }
        }
        guard batch > 0, inputs > 0, outputs > 0 else {
            // dW = 0: the update still runs (Adam moves weights whose moments are not zero).
            let zeros = [Float](repeating: 0, count: inputs * outputs)
            zeros.withUnsafeBufferPointer { update(0..<(inputs * outputs), w, $0.baseAddress!) }
            return inputGradient ? [Float](repeating: 0, count: batch * inputs) : []
        }
        // B of the tiles: dY and dYᵀ (O × N) with zero columns up to whole tiles (16 columns
        // narrow, 32 wide).
        let wide = width == .wide
        let outPadded = wide ? (outputs + wideColumns - 1) / wideColumns * wideColumns : Gemm.paddedColumns(outputs)
        let batchPadded = wide ? (batch + wideColumns - 1) / wideColumns * wideColumns : Gemm.paddedColumns(batch)
        let dyPadded = padColumns(dy, rows: batch, columns: outputs, toMultipleOf: wide ? wideColumns : Gemm.tileColumns)
        let dyT = padColumns(Gemm.transposedPadded(dy, rows: batch, columns: outputs), rows: outputs,
                             columns: Gemm.paddedColumns(batch), toMultipleOf: wide ? wideColumns : Gemm.tileColumns)
        var dx: [Float] = inputGradient ? .uninitialized(batch * inputs) { _ in } : []
        let zeros = [Float](repeating: 0, count: 32)
        let blocks = (inputs + updateBlockRows - 1) / updateBlockRows
        let work = inputs * batch * outputs
        x.withUnsafeBufferPointer { xb in
        dyPadded.withUnsafeBufferPointer { dyb in
        dyT.withUnsafeBufferPointer { tb in
        dx.withUnsafeMutableBufferPointer { dxb in
        zeros.withUnsafeBufferPointer { zb in
            let (xp, dyp, tp, zeros32) = (xb.baseAddress!, dyb.baseAddress!, tb.baseAddress!, zb.baseAddress!)
            // Blocks are independent: handed out one at a time (BlockQueue), so a core that other
            // work slows does not hold up the other; any thread computes the same bits.
            let minimumChunk = work > 1 << 16 ? 16 : blocks
            let queue = BlockQueue(Parallel.ranges(blocks, minimumChunk: minimumChunk))
            Parallel.forEachRange(blocks, minimumChunk: minimumChunk) { part, _ in
                let rowsPerBlock = updateBlockRows
                let gradient = UnsafeMutablePointer<Float>.allocate(capacity: rowsPerBlock * outPadded)
                // X[:, block]ᵀ and dx[:, block]ᵀ, one block row per row: read and written with
                // stride 1 by the tiles, instead of one value per image row of X (30752 apart).
                let xT = UnsafeMutablePointer<Float>.allocate(capacity: rowsPerBlock * batch)
                let dxT = UnsafeMutablePointer<Float>.allocate(capacity: rowsPerBlock * batchPadded)
                // Which images' inputs are not 0, row by row, for the dW that skips the zeros.
                let images = UnsafeMutablePointer<UInt64>.allocate(capacity: rowsPerBlock)
                defer { gradient.deallocate(); xT.deallocate(); dxT.deallocate(); images.deallocate() }
                var offsets = [Int](repeating: 0, count: Gemm.tileRows)
                while let (block, following) = queue.next(for: part) {
                    let firstRow = block * rowsPerBlock
                    let blockRows = min(rowsPerBlock, inputs - firstRow)
                    // The block this core takes next (one up, or one down once it helps another
                    // core): its columns of X and dx are one 512 B run per image, 123 KB apart,
                    // which the hardware prefetcher does not follow, so ask for them ahead.
                    let next = following.map { $0 * rowsPerBlock }
                    let nextRows = next.map { min(rowsPerBlock, inputs - $0) } ?? 0
                    if !wide, let next {
                        for n in 0..<batch {
                            for r in stride(from: 0, to: nextRows, by: 16) {
                                cnnviz_prefetch_for_read(xp + n * inputs + next + r)
                                if inputGradient { cnnviz_prefetch_for_write(dxb.baseAddress! + n * inputs + next + r) }
                            }
                        }
                    }
                    let skipping = skipZeros != .never && batch <= 64 && outputs % pairColumns == 0
                        && skipZeros.skips(nonZero: nonZeroImages(x: xp + firstRow, inputs: inputs, batch: batch, rows: blockRows,
                                                                  into: images),
                                           of: batch * blockRows)
                    if wide {
                        wideBlockGradients(x: xp + firstRow, w: w + firstRow * outputs, dy: dyp, dyT: tp, blockRows: blockRows,
                                           nextRows: nextRows, nextOffset: (next ?? firstRow) - firstRow, dx: inputGradient ? UnsafeRawPointer(dxb.baseAddress! + firstRow) : nil,
                                           batch: batch, inputs: inputs, outputs: outputs, outPadded: outPadded,
                                           batchPadded: batchPadded, inputGradient: inputGradient, gradient: gradient, dxT: dxT,
                                           images: skipping ? UnsafePointer(images) : nil)
                    } else {
                    for n in 0..<batch where !skipping {
                        for r in 0..<blockRows { xT[r * batch + n] = xp[n * inputs + firstRow + r] }
                    }
                    // dx first, then dW, each over the whole block: each pass keeps its own
                    // 16 KB B matrix (dYᵀ, then dY) in L1 instead of alternating between them.
                    if inputGradient {
                        // A batch of 32: 3 rows of W × all 32 images per call (Gemm.tile3x32), the
                        // last 1–2 rows of the block through the 4-row code below.
                        var r0 = 0
                        if batchPadded == 32 {
                            while r0 + 3 <= blockRows {
                                let row = (firstRow + r0) * outputs
                                Gemm.tile3x32(a: w, offsets: (row, row + outputs, row + 2 * outputs), segments: 1,
                                              segmentLength: outputs, segmentStride: 0, b: tp, bias: zeros32,
                                              c: dxT + r0 * batchPadded)
                                r0 += 3
                            }
                        }
                        for r0 in stride(from: r0, to: blockRows, by: Gemm.tileRows) {
                            let rows = min(Gemm.tileRows, blockRows - r0)
                            if rows == Gemm.tileRows {  // dxT's padded columns come out as zeros, unused
                                Gemm.strip4(a: w + (firstRow + r0) * outputs, lda: outputs, k: outputs, b: tp, ldb: batchPadded,
                                            panels: batchPadded / Gemm.tileColumns, c: dxT + r0 * batchPadded, ldc: batchPadded)
                                continue
                            }
                            for r in 0..<rows { offsets[r] = (firstRow + r0 + r) * outputs }
                            for first in stride(from: 0, to: batch, by: Gemm.tileColumns) {
                                Gemm.tile(rows: rows, a: w, rowOffsets: offsets, kStride: 1,
                                          segments: 1, segmentLength: outputs, segmentStride: 0,
                                          b: tp + first, bStride: batchPadded,
                                          c: dxT + r0 * batchPadded + first, cRowStride: batchPadded, cColStride: 1,
                                          cols: min(Gemm.tileColumns, batch - first), accumulate: false)
                            }
                        }
                    }
                    if skipping {
                        kernelGradientSkippingZeros(x: xp + firstRow, inputs: inputs, images: images, blockRows: blockRows, dy: dyp,
                                                    outputs: outputs, gradient: gradient, width: width)
                    }
                    for r0 in stride(from: 0, to: skipping ? 0 : blockRows, by: Gemm.tileRows) {
                        let rows = min(Gemm.tileRows, blockRows - r0)
                        if rows == Gemm.tileRows && outputs == outPadded {
                            Gemm.strip4(a: xT + r0 * batch, lda: batch, k: batch, b: dyp, ldb: outPadded,
                                        panels: outPadded / Gemm.tileColumns, c: gradient + r0 * outputs, ldc: outputs)
                            continue
                        }
                        for r in 0..<rows { offsets[r] = (r0 + r) * batch }
                        for first in stride(from: 0, to: outPadded, by: Gemm.tileColumns) {
                            Gemm.tile(rows: rows, a: xT, rowOffsets: offsets, kStride: 1,
                                      segments: 1, segmentLength: batch, segmentStride: 0,
                                      b: dyp + first, bStride: outPadded,
                                      c: gradient + r0 * outputs + first, cRowStride: outputs, cColStride: 1,
                                      cols: min(Gemm.tileColumns, outputs - first), accumulate: false)
                        }
                    }
                    }
                    if inputGradient {  // dxᵀ's columns to dx's rows (pointers and wrapping
                        // arithmetic: with checked indices this copy was 5% of a training step)
                        let first = dxb.baseAddress! + firstRow
                        for n in 0..<batch {
                            let out = first + n &* inputs
                            var from = UnsafePointer(dxT + n)
                            for r in 0..<blockRows {
                                out[r] = from.pointee
                                from += batchPadded
                            }
                        }
                    }
                    update((firstRow * outputs)..<((firstRow + blockRows) * outputs), w + firstRow * outputs, UnsafePointer(gradient))
                }
            }
        }}}}}
        return dx
    }

    /// One block's dx and dW at AVX-512's width (`wideTile`, 8 rows × 32 columns):
    ///   dxᵀ[r, n] = Σ_o W[r, o] · dYᵀ[o, n]   A = the block's rows of W, B = dYᵀ (ld batchPadded)
    ///   dW[r, o]  = Σ_n X[n, r] · dY[n, o]    A = the block's columns of X read in place
    ///                                          (kStep I: no transposed copy), B = dY (ld outPadded)
    /// `x` and `w` point at the block's first column of X and first row of W. dW is left in
    /// `gradient` with rows `outputs` apart (compacted when O is not a multiple of 32), dxᵀ in
    /// `dxT` with rows `batchPadded` apart. Each value is the same sequence of products from zero
    /// as the narrow tiles compute, so the bits are the same.
    ///
    /// While they compute, the tiles ask L2 for the next block's memory (`nextRows` rows from
    /// `nextOffset` rows after this block's first, below it when the core helps another; 0 rows
    /// when this core has no next block): the dx tiles for its rows of W (contiguous), the dW
    /// tiles for its columns of X (first tile of each row group) and of dx (second tile), one run
    /// per image. (One block ahead, all at once, the requests for X and dx stalled the core.)
    static func wideBlockGradients(x: UnsafePointer<Float>, w: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                   dyT: UnsafePointer<Float>, blockRows: Int, nextRows: Int, nextOffset: Int, dx: UnsafeRawPointer?,
                                   batch: Int, inputs: Int, outputs: Int,
                                   outPadded: Int, batchPadded: Int, inputGradient: Bool,
                                   gradient: UnsafeMutablePointer<Float>, dxT: UnsafeMutablePointer<Float>,
                                   images: UnsafePointer<UInt64>? = nil) {
        let groups = (blockRows + wideRows - 1) / wideRows
        let lineFloats = 16, row = MemoryLayout<Float>.stride * inputs
        if inputGradient {
            let nextW = UnsafeRawPointer(w + nextOffset * outputs)
            let wLines = (nextRows * outputs + lineFloats - 1) / lineFloats, wShare = (wLines + groups - 1) / groups
            for r0 in stride(from: 0, to: blockRows, by: wideRows) {
                let rows = min(wideRows, blockRows - r0)
                let firstLine = r0 / wideRows * wShare
                var ahead = Ahead(start: nextW + firstLine * 64, lines: max(0, min(wShare, wLines - firstLine)), run: 1 << 30)
                for first in stride(from: 0, to: batchPadded, by: wideColumns) {
                    wideTile(rows: rows, a: w + r0 * outputs, lda: outputs, kStep: 1, depth: outputs,
                             b: dyT + first, ldb: batchPadded, c: dxT + r0 * batchPadded + first, ldc: batchPadded,
                             bias: nil, accumulate: false, ahead: ahead)
                    ahead.lines = 0
                }
            }
        }
        let runLines = (nextRows + lineFloats - 1) / lineFloats
        if let images {  // dW over each row's non-zero inputs; L2 is asked for the next block's X and dx
            kernelGradientSkippingZeros(x: x, inputs: inputs, images: images, blockRows: blockRows, dy: dy, outputs: outputs,
                                        gradient: gradient, width: .wide,
                                        ahead: Ahead(start: UnsafeRawPointer(x + nextOffset), lines: batch * runLines, run: runLines, stride: row),
                                        aheadToo: Ahead(start: dx.map { $0 + MemoryLayout<Float>.stride * nextOffset },
                                                        lines: dx == nil ? 0 : batch * runLines, run: runLines, stride: row))
            return  // its rows are `outputs` apart already: O is a multiple of 32
        }
        let images = (batch + groups - 1) / groups
        for r0 in stride(from: 0, to: blockRows, by: wideRows) {
            let rows = min(wideRows, blockRows - r0)
            let firstImage = r0 / wideRows * images, count = max(0, min(images, batch - firstImage))
            for first in stride(from: 0, to: outPadded, by: wideColumns) {
                var ahead = Ahead()
                if runLines > 0 && count > 0 {
                    let xNext = UnsafeRawPointer(x + nextOffset) + firstImage * row
                    if first == 0 { ahead = Ahead(start: xNext, lines: count * runLines, run: runLines, stride: row) }
                    if first == wideColumns, let dx {
                        ahead = Ahead(start: dx + MemoryLayout<Float>.stride * nextOffset + firstImage * row,
                                      lines: count * runLines, run: runLines, stride: row)
                    }
                }
                wideTile(rows: rows, a: x + r0, lda: 1, kStep: inputs, depth: batch,
                         b: dy + first, ldb: outPadded, c: gradient + r0 * outPadded + first, ldc: outPadded,
                         bias: nil, accumulate: false, ahead: ahead)
            }
        }
        guard outPadded != outputs else { return }
        // Rows `outPadded` apart → `outputs` apart, in place: each row moves to a lower address.
        for r in 1..<max(blockRows, 1) {
            for j in 0..<outputs { gradient[r * outputs + j] = gradient[r * outPadded + j] }
        }
    }
}
