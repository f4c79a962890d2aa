import CKernelShims

/// Which path the Dense backward's kernel gradient takes (`DenseFast.backwardUpdatingKernel`).
/// Both give the same bits.
public enum ZeroSkipping: Sendable {
    /// Always the dense tiles.
    case never
    /// Always skip the zeros (the tests compare both paths).
    case always
    /// Skip them where at most `sparseAtMost` of the inputs are not 0.
    case whereSparse

    /// The share of non-zero inputs up to which `whereSparse` skips the zeros. Below it the skipping
    /// path does less work than the tiles; the coursework's blocks are 10–40% non-zero.
    static let sparseAtMost = 0.5

    /// Whether inputs of which `nonZero` of `count` are not 0 skip their zeros.
    func skips(nonZero: Int, of count: Int) -> Bool {
        switch self {
        case .never: return false
        case .always: return true
        case .whereSparse: return Double(nonZero) <= ZeroSkipping.sparseAtMost * Double(count)
        }
    }
}

/// The Dense kernel gradient of a batch without the inputs that are 0.
///
/// After ReLU and max pooling most of the coursework's Dense inputs are exactly 0 (counted over a
/// whole run, 60–90% of each 256-row block's; 77% for the trained model on the test photos). A 0
/// adds nothing to a sum of x · dy, so dW = Xᵀ · dY needs only the products of the non-zero
/// inputs. Where a block's inputs are mostly 0, each row of dW runs over the images whose input
/// there is not 0, in the order the tiles take them, from zero. Each sum is then the tile's
/// sequence of FMA steps without the steps 0 · dy + s, which leave s as it is for any finite dy:
/// the same bits, so blocks may take either path. Where a block is mostly non-zero the tiles are
/// faster: they share each load of dY between 8 rows.
///
/// The forward does not skip them (measured: taking W's rows in order for the images whose input
/// is not 0, and before that each image over its own rows, cost more CPU in the coursework run
/// than the tiles, which share each load of W between 8 images); the one-image path
/// (`forwardFewRows`) does.
extension DenseFast {
    /// dW for one block of rows, `Pairs.value` (1...4) pairs of 32 columns from `dy`'s first:
    /// dW[r, ·] = Σ_{n: x[n, r] ≠ 0} x[n, r] · dY[n, ·] from zero, n in order, into
    /// gradient + r · ldg. `x` points at the block's first column of X (rows `inputs` apart);
    /// `images[r]`: bit n set where x[n, r] is not 0 (a batch of at most 64). Each row asks L2
    /// for two lines of `ahead` and of `aheadToo`.
    @inline(never)
    static func kernelGradientSkippingZeros<Pairs: WideRowCount>(_: Pairs.Type, x: UnsafePointer<Float>, inputs: Int,
                                                                 images: UnsafePointer<UInt64>, blockRows: Int,
                                                                 dy: UnsafePointer<Float>, ldy: Int,
                                                                 gradient: UnsafeMutablePointer<Float>, ldg: Int,
                                                                 ahead: inout AheadCursor, aheadToo: inout AheadCursor) {
        let P = Pairs.value
        for r in 0..<blockRows {
            var a0 = SIMD16<Float>(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
            var bits = images[r]
            ahead.issue()
            ahead.issue()
            aheadToo.issue()
            aheadToo.issue()
            while bits != 0 {
                let n = bits.trailingZeroBitCount
                bits &= bits &- 1
                let v = SIMD16<Float>(repeating: x[n &* inputs &+ r])
                let d = dy + n &* ldy
                a0 = a0.plusProduct(v, Gemm.load16(d)); a1 = a1.plusProduct(v, Gemm.load16(d + 16))
                if P > 1 { a2 = a2.plusProduct(v, Gemm.load16(d + 32)); a3 = a3.plusProduct(v, Gemm.load16(d + 48)) }
                if P > 2 { a4 = a4.plusProduct(v, Gemm.load16(d + 64)); a5 = a5.plusProduct(v, Gemm.load16(d + 80)) }
                if P > 3 { a6 = a6.plusProduct(v, Gemm.load16(d + 96)); a7 = a7.plusProduct(v, Gemm.load16(d + 112)) }
            }
            storeSums(P, a0, a1, a2, a3, a4, a5, a6, a7, gradient + r &* ldg)
        }
    }

    /// `images[r]` for r < rows: bit n set where x[n, r] is not 0 (n < batch ≤ 64); x points at
    /// the block's first column, rows `inputs` apart. Returns how many inputs are not 0.
    static func nonZeroImages(x: UnsafePointer<Float>, inputs: Int, batch: Int, rows: Int,
                              into images: UnsafeMutablePointer<UInt64>) -> Int {
        var r = 0
        while r + 16 <= rows {  // 16 rows at a time, an AVX-512 compare per image
            cnnviz_nonzero_images16(x + r, inputs, Int32(batch), images + r)
            r &+= 16
        }
        while r < rows {
            var bits: UInt64 = 0
            for n in 0..<batch where x[n &* inputs &+ r] != 0 { bits |= 1 << n }
            images[r] = bits
            r &+= 1
        }
        var total = 0
        for r in 0..<rows { total &+= images[r].nonzeroBitCount }
        return total
    }

    /// dW for one block, every row over its non-zero inputs (`kernelGradientSkippingZeros`, up
    /// to `pairsPerPass` pairs of columns a pass), into `gradient` with rows `outputs` apart
    /// (O a multiple of 32; dy's rows `outputs` apart). Meanwhile L2 is asked for the lines of
    /// `ahead` and `aheadToo` (the next block's memory), two of each per row.
    static func kernelGradientSkippingZeros(x: UnsafePointer<Float>, inputs: Int, images: UnsafePointer<UInt64>, blockRows: Int,
                                            dy: UnsafePointer<Float>, outputs: Int, gradient: UnsafeMutablePointer<Float>,
                                            width: TileWidth, ahead: Ahead = Ahead(), aheadToo: Ahead = Ahead()) {
        var (ahead, aheadToo) = (AheadCursor(ahead), AheadCursor(aheadToo))
        var first = 0
        while first < outputs {
            let P = min(pairsPerPass(width), (outputs - first) / pairColumns)
            let (d, g) = (dy + first, gradient + first)
            switch P {
            case 4: kernelGradientSkippingZeros(WideRows4.self, x: x, inputs: inputs, images: images, blockRows: blockRows, dy: d,
                                                ldy: outputs, gradient: g, ldg: outputs, ahead: &ahead, aheadToo: &aheadToo)
            case 3: kernelGradientSkippingZeros(WideRows3.self, x: x, inputs: inputs, images: images, blockRows: blockRows, dy: d,
                                                ldy: outputs, gradient: g, ldg: outputs, ahead: &ahead, aheadToo: &aheadToo)
            case 2: kernelGradientSkippingZeros(WideRows2.self, x: x, inputs: inputs, images: images, blockRows: blockRows, dy: d,
                                                ldy: outputs, gradient: g, ldg: outputs, ahead: &ahead, aheadToo: &aheadToo)
            default: kernelGradientSkippingZeros(WideRows1.self, x: x, inputs: inputs, images: images, blockRows: blockRows, dy: d,
                                                 ldy: outputs, gradient: g, ldg: outputs, ahead: &ahead, aheadToo: &aheadToo)
            }
            first += P * pairColumns
        }
    }

    /// Writes the sums of P pairs at p (a0, a1 the first pair's 32 columns, …).
    @inline(__always)
    static func storeSums(_ P: Int, _ a0: SIMD16<Float>, _ a1: SIMD16<Float>, _ a2: SIMD16<Float>, _ a3: SIMD16<Float>,
                          _ a4: SIMD16<Float>, _ a5: SIMD16<Float>, _ a6: SIMD16<Float>, _ a7: SIMD16<Float>,
                          _ p: UnsafeMutablePointer<Float>) {
        Gemm.store16(a0, p); Gemm.store16(a1, p + 16)
        if P > 1 { Gemm.store16(a2, p + 32); Gemm.store16(a3, p + 48) }
        if P > 2 { Gemm.store16(a4, p + 64); Gemm.store16(a5, p + 80) }
        if P > 3 { Gemm.store16(a6, p + 96); Gemm.store16(a7, p + 112) }
    }

    /// Pairs of 32 columns one zero-skipping pass keeps in registers: 4 with AVX-512 (eight
    /// SIMD16 accumulators), 2 otherwise (eight AVX2 registers; SIMD16 takes two each).
    static func pairsPerPass(_ width: TileWidth) -> Int { width == .wide ? 4 : 2 }
}
