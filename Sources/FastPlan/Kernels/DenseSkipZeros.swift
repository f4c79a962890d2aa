import CKernelShims

/// Which path a product that may skip its inputs' zeros takes (`DenseFast.forward` and
/// `backwardUpdatingKernel`). Both give the same bits.
public enum ZeroSkipping: Sendable {
    /// Always the dense tiles.
    case never
    /// Always skip the zeros (the tests compare both paths).
    case always
    /// Skip them where at most `sparseAtMost` of the inputs are not 0.
    case whereSparse

    /// The share of non-zero inputs up to which `whereSparse` skips the zeros. Below it the skipping
    /// paths do less work than the tiles; the coursework's blocks are 10–40% non-zero.
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

/// The Dense products of a batch without the inputs that are 0.
///
/// After ReLU and max pooling most of the coursework's Dense inputs are exactly 0 (77% for the
/// trained model on the test photos). A 0 adds nothing to a sum of x · w, so the forward
/// y = X · W and the kernel gradient dW = Xᵀ · dY need only the products of the non-zero inputs.
/// Where a block's inputs are mostly 0, each image (forward) or each row of W (dW) runs over its
/// own non-zero inputs, in the order the dense tiles take them and from the same start (bias or
/// zero). Each sum is then the dense tile's sequence of FMA steps without the steps 0 · w + s,
/// which leave s as it is for any finite w: the same bits, so blocks may take either path.
/// (One exception, equal as a number: a bias of −0 with no non-zero input stays −0 instead of
/// becoming +0.) Where a block is mostly non-zero the dense tiles are faster: they share each
/// load of W or dY between 8 rows. The one-image path (`forwardFewRows`) skips zeros too.
extension DenseFast {
    /// Bit j of `words[w]` set where x[16w + j] is not 0, for x[0..<count]; returns how many are.
    static func nonZeroBits(_ x: UnsafePointer<Float>, count: Int, into words: UnsafeMutablePointer<UInt16>) -> Int {
        var total = 0, w = 0, r = 0
        while r + 16 <= count {
            let bits = cnnviz_nonzero_bits16(x + r)
            words[w] = UInt16(truncatingIfNeeded: bits)
            total &+= bits.nonzeroBitCount
            w &+= 1
            r &+= 16
        }
        if r < count {
            var bits: UInt16 = 0
            for j in 0..<(count - r) where x[r + j] != 0 { bits |= 1 << j }
            words[w] = bits
            total &+= bits.nonzeroBitCount
        }
        return total
    }

    /// Steps through an `Ahead`: each `issue()` asks L2 for its next cache line.
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

    /// Forward over one block of rows of W, for `Pairs.value` (1...4) pairs of 32 columns: for
    /// each row r in order, sums[n] += x[n, r] · B[r, ·] for the images n with bit n of
    /// `images[r]` set, where image n's 32P sums are at sums + 32P · n and pair s's row r of B
    /// is the 32 floats at b + s · pairStride + r · ldb. x points at the block's first column
    /// (rows `inputs` apart). Each row asks L2 for 2P lines of `ahead`.
    @inline(never)
    static func forwardSkippingZeros<Pairs: WideRowCount>(_: Pairs.Type, x: UnsafePointer<Float>, inputs: Int,
                                                          images: UnsafePointer<UInt64>, rows: Int, b: UnsafePointer<Float>,
                                                          pairStride: Int, ldb: Int, sums: UnsafeMutablePointer<Float>,
                                                          ahead: inout AheadCursor) {
        let P = Pairs.value, columns = 32 * P
        let b1 = b + (P > 1 ? pairStride : 0), b2 = b + (P > 2 ? 2 &* pairStride : 0), b3 = b + (P > 3 ? 3 &* pairStride : 0)
        let zero = SIMD16<Float>()
        for r in 0..<rows {
            for _ in 0..<(2 * P) { ahead.issue() }
            var bits = images[r]
            guard bits != 0 else { continue }
            let o = r &* ldb
            let w0 = Gemm.load16(b + o), w1 = Gemm.load16(b + o + 16)
            let w2 = P > 1 ? Gemm.load16(b1 + o) : zero, w3 = P > 1 ? Gemm.load16(b1 + o + 16) : zero
            let w4 = P > 2 ? Gemm.load16(b2 + o) : zero, w5 = P > 2 ? Gemm.load16(b2 + o + 16) : zero
            let w6 = P > 3 ? Gemm.load16(b3 + o) : zero, w7 = P > 3 ? Gemm.load16(b3 + o + 16) : zero
            while bits != 0 {
                let n = bits.trailingZeroBitCount
                bits &= bits &- 1
                let v = SIMD16<Float>(repeating: x[n &* inputs &+ r])
                let s = sums + n &* columns
                Gemm.store16(Gemm.load16(s).plusProduct(v, w0), s)
                Gemm.store16(Gemm.load16(s + 16).plusProduct(v, w1), s + 16)
                if P > 1 {
                    Gemm.store16(Gemm.load16(s + 32).plusProduct(v, w2), s + 32)
                    Gemm.store16(Gemm.load16(s + 48).plusProduct(v, w3), s + 48)
                }
                if P > 2 {
                    Gemm.store16(Gemm.load16(s + 64).plusProduct(v, w4), s + 64)
                    Gemm.store16(Gemm.load16(s + 80).plusProduct(v, w5), s + 80)
                }
                if P > 3 {
                    Gemm.store16(Gemm.load16(s + 96).plusProduct(v, w6), s + 96)
                    Gemm.store16(Gemm.load16(s + 112).plusProduct(v, w7), s + 112)
                }
            }
        }
    }

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
            storeSums(P, a0, a1, a2, a3, a4, a5, a6, a7, gradient + r &* ldg, accumulate: false)
        }
    }

    /// `images[r]` for r < rows: bit n set where x[n, r] is not 0 (n < batch ≤ 64); x points at
    /// the block's first column, rows `inputs` apart. Returns how many inputs are not 0.
    static func nonZeroImages(x: UnsafePointer<Float>, inputs: Int, batch: Int, rows: Int,
                              words: UnsafeMutablePointer<UInt16>, into images: UnsafeMutablePointer<UInt64>) -> Int {
        images.update(repeating: 0, count: rows)
        var total = 0
        for n in 0..<batch {
            total &+= nonZeroBits(x + n &* inputs, count: rows, into: words)
            let bit = UInt64(1) << n
            for w in 0..<((rows + 15) / 16) {
                var bits = UInt32(words[w])
                while bits != 0 {
                    images[w &* 16 &+ bits.trailingZeroBitCount] |= bit
                    bits &= bits &- 1
                }
            }
        }
        return total
    }

    /// dW for one block, every row over its non-zero inputs (`kernelGradientSkippingZeros`, up
    /// to `pairsPerPass` pairs of columns a pass), into `gradient` with rows `outputs` apart
    /// (O a multiple of 32; dy's rows `outputs` apart).
    static func kernelGradientSkippingZeros(x: UnsafePointer<Float>, inputs: Int, images: UnsafePointer<UInt64>, blockRows: Int,
                                            dy: UnsafePointer<Float>, outputs: Int, gradient: UnsafeMutablePointer<Float>,
                                            width: TileWidth, ahead: inout AheadCursor, aheadToo: inout AheadCursor) {
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

    /// Writes the sums of P pairs at p (a0, a1 the first pair's 32 columns, …), or adds them
    /// (sums + p, as the tiles) when `accumulate`.
    @inline(__always)
    static func storeSums(_ P: Int, _ a0: SIMD16<Float>, _ a1: SIMD16<Float>, _ a2: SIMD16<Float>, _ a3: SIMD16<Float>,
                          _ a4: SIMD16<Float>, _ a5: SIMD16<Float>, _ a6: SIMD16<Float>, _ a7: SIMD16<Float>,
                          _ p: UnsafeMutablePointer<Float>, accumulate: Bool) {
        @inline(__always) func put(_ s: SIMD16<Float>, _ at: UnsafeMutablePointer<Float>) {
            Gemm.store16(accumulate ? s + Gemm.load16(at) : s, at)
        }
        put(a0, p); put(a1, p + 16)
        if P > 1 { put(a2, p + 32); put(a3, p + 48) }
        if P > 2 { put(a4, p + 64); put(a5, p + 80) }
        if P > 3 { put(a6, p + 96); put(a7, p + 112) }
    }

    /// Pairs of 32 columns one zero-skipping pass keeps in registers: 4 with AVX-512 (eight
    /// SIMD16 accumulators), 2 otherwise (eight AVX2 registers; SIMD16 takes two each).
    static func pairsPerPass(_ width: TileWidth) -> Int { width == .wide ? 4 : 2 }
}
