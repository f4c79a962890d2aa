import CKernelShims
import CNNCore
/// `DenseFast.forward` for one or two images (`cnnviz predict`, the one-image latency): a
/// matrix-vector product, limited by reading W (15.7 MB for the coursework) once.
///
/// input (N ≤ 2, I), kernel (I, O), bias (O, padded), output (N, O).
/// W is read row after row, a whole stretch of columns at a time into independent accumulators
/// (a 1-row `Gemm.tile` has only two, and waits on the FMA latency); the rows of W are split
/// between `threads` cores and the partial sums added at the end, in part order.
/// Rows whose input is exactly 0 are skipped: 0·w adds nothing for any finite w (the sum keeps
/// its bits), and after ReLU and max pooling about a third of the coursework's inputs are 0,
/// so a third of W is never read.
extension DenseFast {
    /// Columns of W one narrow pass covers: eight SIMD8 accumulators. `forward` takes this path
    /// only when O is a multiple of it.
    static let narrowColumns = 64
    /// How many used rows ahead `fewRowsWide` asks for W's next rows (8 KB ahead). The rows it
    /// skips leave gaps the hardware prefetcher does not bridge at once: on a 2-core AMD EPYC
    /// (AVX-512) asking 16 rows ahead took a median single image from 0.327 to 0.304 ms (4, 8, 32
    /// and 64 rows did less well). On the Xeon, asking for the next rows changed nothing.
    static let prefetchAhead = 16

    /// How many cores share one image's product: all of them. One core cannot use all of the
    /// L3 bandwidth, so a second one pays for its hand-over. Measured on the 2-core AVX-512
    /// machine (`DenseTimingTests`, release, the coursework's 30752 × 128 kernel with 35% of the
    /// inputs 0, wide): 0.78–0.86 ms on one core, 0.41–0.45 ms on two. A plain read of the whole
    /// 15.7 MB from L3 runs at about 25 GB/s on one core and 40–50 GB/s on two; the product
    /// reads its non-zero rows at 12–13 and 23–25 GB/s (the hardware prefetcher also fetches
    /// many of the skipped rows, and asking for the next used rows in software changed nothing).
    static let fewRowsThreads = Parallel.workers

    /// y[n, o] = bias[o] + Σ_i x[n, i] · W[i, o] for n < batch ≤ 2. Every lane sums its rows in
    /// order at both widths, so `.wide` (128 columns a pass in eight SIMD16 accumulators, the
    /// coursework's whole row of W) and `.narrow` (64 columns in eight SIMD8) give the same bits.
    static func forwardFewRows(input x: [Float], kernel w: [Float], bias: [Float],
                               batch: Int, inputs: Int, outputs: Int, width: TileWidth = .preferred,
                               threads: Int = fewRowsThreads) -> [Float] {
        let minimumChunk = threads <= 1 ? inputs : 4096
        let parts = Parallel.ranges(inputs, minimumChunk: minimumChunk).count
        var partial = [Float](repeating: 0, count: parts * batch * outputs)
        x.withUnsafeBufferPointer { xb in
        w.withUnsafeBufferPointer { wb in
        partial.withUnsafeMutableBufferPointer { pb in
            let xp = xb.baseAddress!, wp = wb.baseAddress!
            Parallel.forEachRange(inputs, minimumChunk: minimumChunk) { part, rows in
                let used = UnsafeMutablePointer<Int>.allocate(capacity: rows.count)
                defer { used.deallocate() }
                for n in 0..<batch {
                    let xn = xp + n * inputs
                    // Every row is written and the count moves on only past a non-zero input:
                    // no branch to mispredict on the third of the inputs that are 0.
                    var count = 0
                    for k in rows {
                        used[count] = k
                        count &+= xn[k] != 0 ? 1 : 0
                    }
                    let u = UnsafeBufferPointer(start: used, count: count)
                    let out = pb.baseAddress! + (part * batch + n) * outputs
                    if width == .wide {
                        fewRowsWide(x: xn, w: wp, used: u, outputs: outputs, out: out)
                    } else {
                        fewRowsNarrow(x: xn, w: wp, used: u, outputs: outputs, out: out)
                    }
                }
            }
        }}}
        return (0..<(batch * outputs)).map { i in
            var sum = bias[i % outputs]
            for part in 0..<parts { sum += partial[part * batch * outputs + i] }
            return sum
        }
    }

    /// out[o] = Σ_{k in used} x[k] · W[k, o], 64 columns a pass (O a multiple of 64).
    static func fewRowsNarrow(x: UnsafePointer<Float>, w: UnsafePointer<Float>, used: UnsafeBufferPointer<Int>,
                              outputs: Int, out: UnsafeMutablePointer<Float>) {
        for c0 in stride(from: 0, to: outputs, by: narrowColumns) {
            var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
            for k in used {
                let v = SIMD8<Float>(repeating: x[k])
                let row = w + (k &* outputs &+ c0)
                a0 = a0.plusProduct(v, Gemm.load(row)); a1 = a1.plusProduct(v, Gemm.load(row + 8))
                a2 = a2.plusProduct(v, Gemm.load(row + 16)); a3 = a3.plusProduct(v, Gemm.load(row + 24))
                a4 = a4.plusProduct(v, Gemm.load(row + 32)); a5 = a5.plusProduct(v, Gemm.load(row + 40))
                a6 = a6.plusProduct(v, Gemm.load(row + 48)); a7 = a7.plusProduct(v, Gemm.load(row + 56))
            }
            let o = UnsafeMutableRawPointer(out + c0)
            for (i, a) in [a0, a1, a2, a3, a4, a5, a6, a7].enumerated() {
                o.storeBytes(of: a, toByteOffset: i * 32, as: SIMD8<Float>.self)
            }
        }
    }

    /// The same, 128 columns a pass (a whole 512 B row of the coursework's W, read in one
    /// stream), and a last pass of 64 when O is an odd multiple of 64.
    static func fewRowsWide(x: UnsafePointer<Float>, w: UnsafePointer<Float>, used: UnsafeBufferPointer<Int>,
                            outputs: Int, out: UnsafeMutablePointer<Float>) {
        var c0 = 0
        while c0 + 128 <= outputs {
            var a0 = SIMD16<Float>(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
            for i in used.indices {
                let k = used[i]
                let next = w + (used[min(i + prefetchAhead, used.count - 1)] &* outputs &+ c0)
                for line in 0..<8 { cnnviz_prefetch_for_read(next + 16 * line) }  // the 512 B of that row
                let v = SIMD16<Float>(repeating: x[k])
                let row = w + (k &* outputs &+ c0)
                a0 = a0.plusProduct(v, Gemm.load16(row)); a1 = a1.plusProduct(v, Gemm.load16(row + 16))
                a2 = a2.plusProduct(v, Gemm.load16(row + 32)); a3 = a3.plusProduct(v, Gemm.load16(row + 48))
                a4 = a4.plusProduct(v, Gemm.load16(row + 64)); a5 = a5.plusProduct(v, Gemm.load16(row + 80))
                a6 = a6.plusProduct(v, Gemm.load16(row + 96)); a7 = a7.plusProduct(v, Gemm.load16(row + 112))
            }
            for (i, a) in [a0, a1, a2, a3, a4, a5, a6, a7].enumerated() { Gemm.store16(a, out + c0 + 16 * i) }
            c0 += 128
        }
        if c0 < outputs {  // the last 64 columns
            var a0 = SIMD16<Float>(), a1 = a0, a2 = a0, a3 = a0
            for k in used {
                let v = SIMD16<Float>(repeating: x[k])
                let row = w + (k &* outputs &+ c0)
                a0 = a0.plusProduct(v, Gemm.load16(row)); a1 = a1.plusProduct(v, Gemm.load16(row + 16))
                a2 = a2.plusProduct(v, Gemm.load16(row + 32)); a3 = a3.plusProduct(v, Gemm.load16(row + 48))
            }
            for (i, a) in [a0, a1, a2, a3].enumerated() { Gemm.store16(a, out + c0 + 16 * i) }
        }
    }
}
