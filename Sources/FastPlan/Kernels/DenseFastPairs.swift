import CNNCore
/// `DenseFast.forward` for outputs in whole 32-column pairs of panels and batches of 3 or more
/// (the coursework's 30752 → 128 layer on batches of 32): tiles 32 columns wide, so each value
/// of X is broadcast once per 32 columns instead of once per 16. `TileWidth.wide`: 8 rows of X at
/// a time in SIMD16 accumulators (`wideTile`); narrow: 3 rows (`Gemm.tile3x32`), the last 1–2
/// through `Gemm.tile`.
extension DenseFast {
    /// Columns per unit of work: two 16-column panels.
    static let pairColumns = 32

    /// y[n, o] = bias[o] + Σ_i x[n, i] · W[i, o], as `forward` (the same sums, the same bits).
    /// The pairs are shared between the cores; each core walks I in blocks of `kBlock` rows,
    /// copies each block of its pairs into a contiguous buffer (W's rows are 512 B apart), and
    /// runs the rows of X over it. A block's sums start from the bias (first block) or zero and
    /// are then added to y, as `Gemm.tile` adds a block's sums when it accumulates.
    /// With `packed` (W in `packPairs` order, made once for many batches) the blocks are read
    /// from it instead of being copied for each batch: the same values in the same order.
    static func forwardPairs(input x: [Float], kernel w: [Float], bias: [Float],
                             batch: Int, inputs: Int, outputs: Int, width: TileWidth = .preferred,
                             packed prepacked: [Float]? = nil) -> [Float] {
        precondition(prepacked == nil || prepacked!.count == inputs * outputs, "a packed kernel has the kernel's size")
        let pairs = outputs / pairColumns
        let ready = prepacked ?? []
        let zeros = [Float](repeating: 0, count: pairColumns)
        let work = pairs * batch * inputs
        return .uninitialized(batch * outputs) { y in
            x.withUnsafeBufferPointer { xb in
            w.withUnsafeBufferPointer { wb in
            bias.withUnsafeBufferPointer { bb in
            zeros.withUnsafeBufferPointer { zb in
            ready.withUnsafeBufferPointer { rb in
                let (xp, wp, yp, bp, zp) = (xb.baseAddress!, wb.baseAddress!, y.baseAddress!, bb.baseAddress!, zb.baseAddress!)
                let pre = prepacked == nil ? nil : rb.baseAddress
                Parallel.forEachRange(pairs, minimumChunk: work > 1 << 16 ? 1 : pairs) { _, mine in
                    let pairSize = kBlock * pairColumns
                    let packed = UnsafeMutablePointer<Float>.allocate(capacity: mine.count * pairSize)
                    let sums = UnsafeMutablePointer<Float>.allocate(capacity: 3 * pairColumns)
                    defer { packed.deallocate(); sums.deallocate() }
                    var offsets = [Int](repeating: 0, count: Gemm.tileRows)
                    var k0 = 0
                    while k0 < inputs {
                        let kLength = min(kBlock, inputs - k0)
                        // 32 floats at a time (the copy call it replaces cost more than the copy).
                        for row in 0..<kLength where pre == nil {
                            let src = wp + (k0 + row) * outputs
                            for (slot, pair) in mine.enumerated() {
                                let from = src + pair * pairColumns, to = packed + slot * pairSize + row * pairColumns
                                Gemm.store16(Gemm.load16(from), to)
                                Gemm.store16(Gemm.load16(from + 16), to + 16)
                            }
                        }
                        for (slot, pair) in mine.enumerated() {
                            let first = pair * pairColumns
                            let b = pre.map { $0 + k0 * outputs + pair * kLength * pairColumns } ?? UnsafePointer(packed + slot * pairSize)
                            var m0 = 0
                            if width == .wide {
                                // Each group of rows asks L2 for its share of this pair's next block
                                // of W (2 lines a row): the copy above reads it next, or, packed,
                                // the tiles of the next block read it in place.
                                let next = k0 + kLength, nextLength = min(kBlock, inputs - next)
                                let groups = (batch + wideRows - 1) / wideRows
                                let share = (nextLength + groups - 1) / groups
                                while m0 < batch {
                                    let rows = min(wideRows, batch - m0)
                                    let firstAhead = m0 / wideRows * share
                                    let lines = 2 * max(0, min(share, nextLength - firstAhead))
                                    let ahead = if let pre {
                                        Ahead(start: UnsafeRawPointer(pre + next * outputs + (pair * nextLength + firstAhead) * pairColumns),
                                              lines: lines, run: 2, stride: pairColumns * MemoryLayout<Float>.stride)
                                    } else {
                                        Ahead(start: UnsafeRawPointer(wp + (next + firstAhead) * outputs + first),
                                              lines: lines, run: 2, stride: outputs * MemoryLayout<Float>.stride)
                                    }
                                    wideTile(rows: rows, a: xp + m0 * inputs + k0, lda: inputs, kStep: 1, depth: kLength,
                                             b: b, ldb: pairColumns, c: yp + m0 * outputs + first, ldc: outputs,
                                             bias: k0 == 0 ? bp + first : nil, accumulate: k0 > 0, ahead: ahead)
                                    m0 += rows
                                }
                                continue
                            }
                            while m0 + 3 <= batch {
                                let row = m0 * inputs + k0
                                Gemm.tile3x32(a: xp, offsets: (row, row + inputs, row + 2 * inputs), segments: 1,
                                              segmentLength: kLength, segmentStride: 0, b: b,
                                              bias: k0 == 0 ? bp + first : zp, c: sums)
                                for r in 0..<3 {
                                    let out = yp + (m0 + r) * outputs + first
                                    if k0 == 0 {
                                        out.update(from: sums + r * pairColumns, count: pairColumns)
                                    } else {
                                        for j in 0..<pairColumns { out[j] += sums[r * pairColumns + j] }
                                    }
                                }
                                m0 += 3
                            }
                            if m0 < batch {  // the last 1–2 rows of X
                                let rows = batch - m0
                                for r in 0..<rows { offsets[r] = (m0 + r) * inputs + k0 }
                                for half in stride(from: 0, to: pairColumns, by: Gemm.tileColumns) {
                                    Gemm.tile(rows: rows, a: xp, rowOffsets: offsets, kStride: 1,
                                              segments: 1, segmentLength: kLength, segmentStride: 0,
                                              b: b + half, bStride: pairColumns,
                                              c: yp + m0 * outputs + first + half, cRowStride: outputs, cColStride: 1,
                                              cols: Gemm.tileColumns, accumulate: k0 > 0,
                                              bias: k0 == 0 ? bp + first + half : nil)
                                }
                            }
                        }
                        k0 += kLength
                    }
                }
            }}}}}
        }
    }

    /// W (inputs × outputs, outputs a multiple of 32) rearranged as `forwardPairs` reads it:
    /// block by block of `kBlock` rows, and within a block pair by pair, each pair's rows of 32
    /// contiguous. Block k0 starts at k0 · outputs, its pair p at k0 · outputs + p · length · 32.
    public static func packPairs(_ w: [Float], inputs: Int, outputs: Int) -> [Float] {
        precondition(outputs % pairColumns == 0 && w.count == inputs * outputs, "packPairs: W is inputs × (a multiple of 32)")
        return .uninitialized(w.count) { out in
            w.withUnsafeBufferPointer { wb in
                var k0 = 0
                while k0 < inputs {
                    let length = min(kBlock, inputs - k0)
                    for pair in 0..<(outputs / pairColumns) {
                        for row in 0..<length {
                            let from = wb.baseAddress! + (k0 + row) * outputs + pair * pairColumns
                            (out.baseAddress! + k0 * outputs + (pair * length + row) * pairColumns).update(from: from, count: pairColumns)
                        }
                    }
                    k0 += length
                }
            }
        }
    }

    /// Whether `forward` takes the 32-column-pair path (and would read a `packPairs` kernel).
    public static func readsPackedPairs(batch: Int, inputs: Int, outputs: Int) -> Bool {
        batch >= 3 && outputs % pairColumns == 0 && inputs > 0
    }
}
