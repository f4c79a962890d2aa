import CNNCore
/// `ConvPoolFast.forward` at 16 floats per register (AVX-512) for the coursework's shape: 32
/// filters, 2×2 max pooling, and a pixel step (stride × channels) of 3 (RGB, stride 1) or 1
/// (grey, stride 1).
///
/// input (N, H, W, C), kernel (KH, KW, C, 32), bias (32) → pooled and argmax (N, PH, PW, 32).
///
/// One call computes a 2 × 2Q block of conv pixels (two conv rows, 2Q columns: Q pooling windows
/// side by side, Q ≤ 3), all 32 filters, in 8Q registers of 16 floats (24 of AVX-512's 32 for
/// Q = 3), then adds nothing more: ReLU and the 2×2 maximum are taken in the registers and only the
/// Q pooled pixels are stored. Per patch value: two kernel loads, 4Q broadcasts, 8Q FMAs.
///
/// Why the pixel step is a type: the tile's 4Q pixels read the input at fixed distances from two
/// pointers (`top[i·step]`), which the compiler folds into the loads' addresses when the step is
/// known at compile time. With a run-time step each pixel needs its own pointer register, and 12
/// pointers do not fit next to the loop's own.
///
/// Results: the same bits as the 8-wide path (`Gemm.tile3x32` then `ConvPoolFast.pool`): each
/// conv value starts from the bias and adds the patch in the same order, and the window is
/// searched in the same order with the same strict `>`.
enum ConvPoolWide {
    /// Input floats between neighbouring conv pixels of a row, known at compile time.
    protocol PixelStep { static var value: Int { get } }
    enum Step1: PixelStep { static var value: Int { 1 } }
    enum Step3: PixelStep { static var value: Int { 3 } }

    /// Pooling windows per tile, known at compile time.
    protocol WindowCount { static var value: Int { get } }
    enum Windows1: WindowCount { static var value: Int { 1 } }
    enum Windows2: WindowCount { static var value: Int { 2 } }
    enum Windows3: WindowCount { static var value: Int { 3 } }

    /// Whether this path computes `ConvPoolFast.forward` for these shapes.
    static func applies(_ g: ConvGeometry, filters f: Int, pool window: (Int, Int)) -> Bool {
        f == 32 && window == (2, 2) && [1, 3].contains(g.strideWidth * g.channels)
    }

    /// Pooled rows `rows` (row = n·PH + ph) into `output`/`argmax` (nil: the maxima only).
    static func forward(rows: Range<Int>, padded: Padded, geometry g: ConvGeometry, kernel: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?) {
        if g.strideWidth * g.channels == 3 {
            forward(Step3.self, rows: rows, padded: padded, geometry: g, kernel: kernel, bias: bias, output: output, argmax: argmax)
        } else {
            forward(Step1.self, rows: rows, padded: padded, geometry: g, kernel: kernel, bias: bias, output: output, argmax: argmax)
        }
    }

    static func forward<Step: PixelStep>(_ step: Step.Type, rows: Range<Int>, padded: Padded, geometry g: ConvGeometry,
                                         kernel: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                                         output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?) {
        let ph = g.outHeight / 2, pw = g.outWidth / 2
        let rowStride = padded.width * g.channels
        let shape = Shape(rowStride: rowStride, rowStep: g.strideHeight * rowStride, kernelRows: g.kernelHeight,
                          segmentLength: g.kernelWidth * g.channels, convRowLength: g.outWidth * 32)
        padded.data.withUnsafeBufferPointer { xb in
            let xp = xb.baseAddress!
            for row in rows {
                let (n, r) = row.quotientAndRemainder(dividingBy: ph)
                let top = xp + padded.offset(n, 2 * r * g.strideHeight, 0)
                let firstIndex = (n * g.outHeight + 2 * r) * g.outWidth * 32
                var q = 0
                while q < pw {
                    let windows = min(3, pw - q)
                    let x = top + 2 * q * Step.value
                    let y = output + (row * pw + q) * 32
                    let a = argmax.map { $0 + (row * pw + q) * 32 }
                    let index = firstIndex + 2 * q * 32
                    switch windows {
                    case 3: tile(Windows3.self, step, x: x, kernel: kernel, bias: bias, shape, output: y, argmax: a, index: index)
                    case 2: tile(Windows2.self, step, x: x, kernel: kernel, bias: bias, shape, output: y, argmax: a, index: index)
                    default: tile(Windows1.self, step, x: x, kernel: kernel, bias: bias, shape, output: y, argmax: a, index: index)
                    }
                    q += windows
                }
            }
        }
    }

    struct Shape {
        /// Floats between input rows, and between the tile's two conv rows' first input rows.
        var rowStride, rowStep: Int
        /// The patch: KH segments of KW·C contiguous values.
        var kernelRows, segmentLength: Int
        /// Floats between conv rows in the conv output (OW · 32), for argmax.
        var convRowLength: Int
    }

    /// One conv pixel's 32 sums.
    struct Sums {
        var lo: SIMD16<Float>, hi: SIMD16<Float>
        @inline(__always)
        mutating func add(_ x: Float, _ k0: SIMD16<Float>, _ k1: SIMD16<Float>) {
            let v = SIMD16<Float>(repeating: x)
            lo = lo.plusProduct(v, k0)
            hi = hi.plusProduct(v, k1)
        }
    }

    /// Conv rows (top, bottom) × columns 0..<2W of the tile, pooled into W windows.
    @inline(never)
    static func tile<W: WindowCount, Step: PixelStep>(_: W.Type, _: Step.Type, x: UnsafePointer<Float>,
                                                     kernel: UnsafePointer<Float>, bias: UnsafePointer<Float>, _ s: Shape,
                                                     output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?,
                                                     index: Int) {
        let windows = W.value, d = Step.value
        let start = Sums(lo: Gemm.load16(bias), hi: Gemm.load16(bias + 16))
        var t0 = start, t1 = start, t2 = start, t3 = start, t4 = start, t5 = start
        var u0 = start, u1 = start, u2 = start, u3 = start, u4 = start, u5 = start
        var pk = kernel
        for kh in 0..<s.kernelRows {
            var top = x + kh &* s.rowStride
            var bottom = top + s.rowStep
            for _ in 0..<s.segmentLength {
                let k0 = Gemm.load16(pk), k1 = Gemm.load16(pk + 16)
                t0.add(top[0], k0, k1); t1.add(top[d], k0, k1)
                u0.add(bottom[0], k0, k1); u1.add(bottom[d], k0, k1)
                if windows > 1 {
                    t2.add(top[2 * d], k0, k1); t3.add(top[3 * d], k0, k1)
                    u2.add(bottom[2 * d], k0, k1); u3.add(bottom[3 * d], k0, k1)
                }
                if windows > 2 {
                    t4.add(top[4 * d], k0, k1); t5.add(top[5 * d], k0, k1)
                    u4.add(bottom[4 * d], k0, k1); u5.add(bottom[5 * d], k0, k1)
                }
                top += 1; bottom += 1; pk += 32
            }
        }
        pool(t0, t1, u0, u1, output, argmax, index, s.convRowLength)
        if windows > 1 { pool(t2, t3, u2, u3, output + 32, argmax.map { $0 + 32 }, index + 64, s.convRowLength) }
        if windows > 2 { pool(t4, t5, u4, u5, output + 64, argmax.map { $0 + 64 }, index + 128, s.convRowLength) }
    }

    /// ReLU and the maximum of one 2×2 window (cells in the order (0,0), (0,1), (1,0), (1,1), a
    /// later cell kept only when strictly greater, as `ConvPoolFast.pool`); `index` is the conv-
    /// output index of the window's first cell.
    @inline(__always)
    static func pool(_ a: Sums, _ b: Sums, _ c: Sums, _ d: Sums, _ y: UnsafeMutablePointer<Float>,
                     _ argmax: UnsafeMutablePointer<Int32>?, _ index: Int, _ convRowLength: Int) {
        poolHalf(a.lo, b.lo, c.lo, d.lo, y, argmax, index, convRowLength)
        poolHalf(a.hi, b.hi, c.hi, d.hi, y + 16, argmax.map { $0 + 16 }, index + 16, convRowLength)
    }

    /// `pool` for 16 of the 32 filters.
    @inline(__always)
    static func poolHalf(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>, _ d: SIMD16<Float>,
                         _ y: UnsafeMutablePointer<Float>, _ argmax: UnsafeMutablePointer<Int32>?, _ index: Int, _ convRowLength: Int) {
        var best = relu(a)
        let vb = relu(b), vc = relu(c), vd = relu(d)
        let takeB = vb .> best
        best.replace(with: vb, where: takeB)
        let takeC = vc .> best
        best.replace(with: vc, where: takeC)
        let takeD = vd .> best
        best.replace(with: vd, where: takeD)
        Gemm.store16(best, y)
        guard let argmax else { return }
        var kept = SIMD16<Int32>(repeating: 0)
        kept.replace(with: SIMD16(repeating: 32), where: takeB)
        kept.replace(with: SIMD16(repeating: Int32(convRowLength)), where: takeC)
        kept.replace(with: SIMD16(repeating: Int32(convRowLength + 32)), where: takeD)
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        UnsafeMutableRawPointer(argmax).storeBytes(of: kept &+ lanes &+ Int32(index), as: SIMD16<Int32>.self)
    }

    /// max(z, 0) as `ActivationFast.reluForward`: z < 0 → 0; −0 and NaN kept.
    @inline(__always)
    static func relu(_ v: SIMD16<Float>) -> SIMD16<Float> { v.replacing(with: 0, where: v .< 0) }
}

extension ConvPoolWide {
    /// Patch values per kernel row (KW · C), known at compile time: 9 (3×3 over RGB) or 3 (3×3 over grey).
    protocol SegmentLength { static var value: Int { get } }
    enum Segment9: SegmentLength { static var value: Int { 9 } }
    enum Segment3: SegmentLength { static var value: Int { 3 } }

    /// Whether `addKernelGradientRow` covers these shapes (the backward's wide path).
    static func appliesToKernelGradient(_ g: ConvGeometry, filters f: Int, pool window: (Int, Int)) -> Bool {
        applies(g, filters: f, pool: window) && [3, 9].contains(g.kernelWidth * g.channels)
    }

    /// dK (patch × 32) += Σ over one conv row's `pixels` of patch(p)ᵀ · dz(p), the wide twin of
    /// `ConvFast.addKernelGradientRow` for 32 filters: per kernel row, its KW·C patch values × 32
    /// filters in 2·KW·C registers (18 for RGB), summed over the row's pixels from zero and then
    /// added to `sum`, in the order of the 8-wide path, so the same bits.
    /// `x` is the row's first patch's first value, `dz` the row's (pixels × 32) conv gradient.
    /// With `biasSum`, also adds the row's Σ dz to it (in the pass of the first kernel row, which
    /// loads dz anyway), in the order of `ConvFast.sumRows`.
    static func addKernelGradientRow(x: UnsafePointer<Float>, geometry g: ConvGeometry, rowStride: Int, pixels: Int,
                                     dz: UnsafePointer<Float>, into sum: UnsafeMutablePointer<Float>,
                                     biasSum: UnsafeMutablePointer<Float>?) {
        let rows = g.kernelHeight
        switch (g.strideWidth * g.channels, g.kernelWidth * g.channels) {
        case (3, 9): kernelGradientRow(Step3.self, Segment9.self, x: x, kernelRows: rows, rowStride: rowStride, pixels: pixels, dz: dz, sum: sum, biasSum: biasSum)
        case (3, 3): kernelGradientRow(Step3.self, Segment3.self, x: x, kernelRows: rows, rowStride: rowStride, pixels: pixels, dz: dz, sum: sum, biasSum: biasSum)
        case (1, 9): kernelGradientRow(Step1.self, Segment9.self, x: x, kernelRows: rows, rowStride: rowStride, pixels: pixels, dz: dz, sum: sum, biasSum: biasSum)
        default: kernelGradientRow(Step1.self, Segment3.self, x: x, kernelRows: rows, rowStride: rowStride, pixels: pixels, dz: dz, sum: sum, biasSum: biasSum)
        }
    }

    @inline(never)
    static func kernelGradientRow<Step: PixelStep, Segment: SegmentLength>(_: Step.Type, _: Segment.Type, x: UnsafePointer<Float>,
                                                                          kernelRows: Int, rowStride: Int, pixels: Int,
                                                                          dz: UnsafePointer<Float>, sum: UnsafeMutablePointer<Float>,
                                                                          biasSum: UnsafeMutablePointer<Float>?) {
        let step = Step.value, length = Segment.value
        for kh in 0..<kernelRows {
            let zero = Sums(lo: SIMD16(), hi: SIMD16())
            var s0 = zero, s1 = zero, s2 = zero, s3 = zero, s4 = zero, s5 = zero, s6 = zero, s7 = zero, s8 = zero
            let withBias = kh == 0 ? biasSum : nil
            var bias = withBias.map { Sums(lo: Gemm.load16($0), hi: Gemm.load16($0 + 16)) } ?? zero
            var px = x + kh &* rowStride
            var pd = dz
            for _ in 0..<pixels {
                let d0 = Gemm.load16(pd), d1 = Gemm.load16(pd + 16)
                if withBias != nil { bias.lo += d0; bias.hi += d1 }
                s0.add(px[0], d0, d1); s1.add(px[1], d0, d1); s2.add(px[2], d0, d1)
                if length > 3 {
                    s3.add(px[3], d0, d1); s4.add(px[4], d0, d1); s5.add(px[5], d0, d1)
                    s6.add(px[6], d0, d1); s7.add(px[7], d0, d1); s8.add(px[8], d0, d1)
                }
                px += step; pd += 32
            }
            let row = sum + kh * length * 32
            func add(_ s: Sums, _ t: Int) {
                Gemm.store16(s.lo + Gemm.load16(row + t * 32), row + t * 32)
                Gemm.store16(s.hi + Gemm.load16(row + t * 32 + 16), row + t * 32 + 16)
            }
            add(s0, 0); add(s1, 1); add(s2, 2)
            if length > 3 { add(s3, 3); add(s4, 4); add(s5, 5); add(s6, 6); add(s7, 7); add(s8, 8) }
            if let withBias { Gemm.store16(bias.lo, withBias); Gemm.store16(bias.hi, withBias + 16) }
        }
    }

    /// `ConvPoolFast.unpool` for 2×2 windows and 32 filters, 16 lanes at a time: dz of one pooled
    /// row's two conv rows (2, covered, 32), dy + 0 on each window's kept maximum where
    /// !(mask ≤ 0), 0 elsewhere (the same values).
    static func unpool(dy: UnsafePointer<Float>, argmax a: UnsafePointer<Int32>, mask m: UnsafePointer<Float>,
                       into dz: UnsafeMutablePointer<Float>, covered: Int, pooledWidth pw: Int, firstIndex: Int, convRowLength: Int) {
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let below = covered * 32
        for q in 0..<pw {
            for half in stride(from: 0, to: 32, by: 16) {
                let at = q * 32 + half
                var d = Gemm.load16(dy + at)
                d.replace(with: 0, where: Gemm.load16(m + at) .<= 0)
                d = d + 0
                // Int32 lanes against a vector: `.==` with a scalar compiled to a loop over the lanes.
                let kept = UnsafeRawPointer(a + at).loadUnaligned(as: SIMD16<Int32>.self)
                let first = lanes &+ Int32(firstIndex + 2 * at - half)
                let cell = dz + 2 * at - half
                let zero = SIMD16<Float>()
                Gemm.store16(zero.replacing(with: d, where: kept .== first), cell)
                Gemm.store16(zero.replacing(with: d, where: kept .== first &+ 32), cell + 32)
                Gemm.store16(zero.replacing(with: d, where: kept .== first &+ Int32(convRowLength)), cell + below)
                Gemm.store16(zero.replacing(with: d, where: kept .== first &+ Int32(convRowLength + 32)), cell + below + 32)
            }
        }
    }
}
