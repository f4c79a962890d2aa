import CNNCore
/// Conv2D + ReLU + max pooling in one kernel, for pooling windows that do not overlap (strides =
/// pool size, `valid` padding), as in the coursework's Conv2D(32, 3×3, relu) → MaxPooling2D(2×2).
///
/// input (N, H, W, C), kernel (KH, KW, C, F), bias (F), conv output (N, OH, OW, F),
/// pool window (PKH, PKW), pooled output and argmax (N, PH, PW, F) with PH = ⌊OH/PKH⌋, PW = ⌊OW/PKW⌋.
///
/// Why: the unfused path writes z, y = relu(z) (and in training dz) as whole (N, OH, OW, F)
/// arrays, 16 MB each for a batch of 32, only to read them back once. Here each pooled row
/// (n, ph) computes its PKH conv rows into a small per-core buffer (2 × 62 × 32 floats = 16 KB
/// for the coursework, L1-sized), pools them there and forgets them; backward rebuilds those
/// rows of dz from dPooled and the argmax in the same kind of buffer. Conv rows and columns that
/// no window covers (OH or OW not divisible by the pool) are never computed: the pooling ignores
/// them and their gradient is zero. For F = 32 the forward uses a 3-pixel × 32-filter tile
/// (`Gemm.tile3x32`) instead of two 4 × 16 `Gemm.tile` calls.
///
/// Results: pooled output and argmax bit for bit those of `ConvFast.forwardReLU` then
/// `PoolFast.maxForward` (argmax indexes the conv output (N, OH, OW, F): the first maximum in
/// window order, strict `>`). The gradients are those of `ConvFast.backward` on the dz of
/// `PoolFast.maxBackward(reluMask:)`, with the same per-row sums; only the split of rows between
/// the cores' partial sums differs, so they agree to float rounding (bit for bit on one core).
/// Naive twin: `Kernels.convReLUMaxPoolForward/Backward(.naive, …)`.
/// Reference: keras.layers.Conv2D, keras.layers.MaxPooling2D.
public enum ConvPoolFast {
    /// pooled[n, ph, pw, f] = max over i < PKH, j < PKW of relu(z[n, ph·PKH + i, pw·PKW + j, f]),
    /// argmax = the conv-output index of the first maximum, z as in `ConvFast.forward`.
    /// With `keepArgmax` false the argmax comes back empty (inference needs only the maxima).
    /// `width` picks the register tiles (`ConvPoolWide` for 16 floats, where its shapes apply).
    public static func forward(input x: [Float], kernel k: [Float], bias b: [Float]?, geometry g: ConvGeometry,
                               filters f: Int, pool window: (Int, Int), keepArgmax: Bool = true,
                               width: TileWidth = .preferred) -> (output: [Float], argmax: [Int32]) {
        let (pkh, pkw) = window
        precondition(pkh > 0 && pkw > 0, "a pooling window needs a positive size, got \(pkh)×\(pkw)")
        let ph = g.outHeight / pkh, pw = g.outWidth / pkw
        let count = g.batch * ph * pw * f
        guard count > 0 else { return ([], []) }
        let padded = Padded(x, g)
        let patch = g.kernelHeight * g.kernelWidth * g.channels
        let fp = Gemm.paddedColumns(f)
        // The kernel as a patch × fp matrix and the bias, both with zero columns past F (as ConvFast).
        var kernel = [Float](repeating: 0, count: patch * fp)
        for row in 0..<patch { for col in 0..<f { kernel[row * fp + col] = k[row * f + col] } }
        var bias = [Float](repeating: 0, count: fp)
        if let b { for col in 0..<f { bias[col] = b[col] } }
        let covered = pw * pkw  // conv columns some window reads
        let rowsOut = g.batch * ph
        var arg = [Int32](unsafeUninitializedCapacity: keepArgmax ? count : 0) { _, n in n = keepArgmax ? count : 0 }
        let wide = width == .wide && ConvPoolWide.applies(g, filters: f, pool: window)
        let pooled: [Float] = .uninitialized(count) { yb in
            padded.data.withUnsafeBufferPointer { xb in
            kernel.withUnsafeBufferPointer { kb in
            bias.withUnsafeBufferPointer { bb in
            arg.withUnsafeMutableBufferPointer { ab in
                let xp = xb.baseAddress!, kp = kb.baseAddress!, bp = bb.baseAddress!
                let yp = yb.baseAddress!, ap = keepArgmax ? ab.baseAddress : nil
                let work = max(1, covered * pkh * patch)
                Parallel.forEachRange(rowsOut, minimumChunk: max(1, 4096 / work)) { _, mine in
                    if wide {
                        ConvPoolWide.forward(rows: mine, padded: padded, geometry: g, kernel: kp, bias: bp, output: yp, argmax: ap)
                        return
                    }
                    // The conv rows' sums go to a buffer, pooled from there (argmax into a scratch
                    // row when the caller wants none).
                    let scratch = UnsafeMutablePointer<Int32>.allocate(capacity: keepArgmax ? 0 : pw * f)
                    defer { scratch.deallocate() }
                    // z of the PKH conv rows under one pooled row, covered columns only: (PKH, covered, F).
                    let z = UnsafeMutablePointer<Float>.allocate(capacity: pkh * covered * f)
                    defer { z.deallocate() }
                    var offsets = [Int](repeating: 0, count: Gemm.tileRows)
                    for row in mine {
                        let (n, r) = row.quotientAndRemainder(dividingBy: ph)
                        for i in 0..<pkh {
                            let inRow = padded.offset(n, (r * pkh + i) * g.strideHeight, 0)
                            let zRow = z + i * covered * f
                            var ow0 = 0
                            if f == 32 {  // the coursework's conv: the wider tile, 3 pixels at a time
                                while ow0 + 3 <= covered {
                                    let step = (ow0 * g.strideWidth) * g.channels, sw = g.strideWidth * g.channels
                                    Gemm.tile3x32(a: xp, offsets: (inRow + step, inRow + step + sw, inRow + step + 2 * sw),
                                             segments: g.kernelHeight, segmentLength: g.kernelWidth * g.channels,
                                             segmentStride: padded.width * g.channels, b: kp, bias: bp, c: zRow + ow0 * f)
                                    ow0 += 3
                                }
                            }
                            while ow0 < covered {
                                let rows = min(Gemm.tileRows, covered - ow0)
                                for t in 0..<rows { offsets[t] = inRow + (ow0 + t) * g.strideWidth * g.channels }
                                for first in stride(from: 0, to: f, by: Gemm.tileColumns) {
                                    Gemm.tile(rows: rows, a: xp, rowOffsets: offsets, kStride: 1,
                                              segments: g.kernelHeight, segmentLength: g.kernelWidth * g.channels,
                                              segmentStride: padded.width * g.channels,
                                              b: kp + first, bStride: fp,
                                              c: zRow + ow0 * f + first, cRowStride: f, cColStride: 1,
                                              cols: min(Gemm.tileColumns, f - first), accumulate: false,
                                              bias: bp + first)
                                }
                                ow0 += rows
                            }
                        }
                        pool(z, covered: covered, window: window, filters: f, pooledWidth: pw,
                             firstIndex: (n * g.outHeight + r * pkh) * g.outWidth * f, convRowLength: g.outWidth * f,
                             output: yp + row * pw * f, argmax: ap.map { $0 + row * pw * f } ?? scratch)
                    }
                }
            }}}}
        }
        return (pooled, arg)
    }

    /// ReLU and max pooling of one buffer of conv rows (PKH, covered, F) into one pooled row
    /// (PW, F), exactly as `ActivationFast.reluRow` then `PoolFast.maxForward`: the window's
    /// first cell starts the search, later cells win only when strictly greater (NaN kept where it
    /// starts, never taken later). `firstIndex` is the conv-output index of the buffer's first
    /// value, `convRowLength` = OW·F the distance between conv rows there.
    @inline(__always)
    static func pool(_ z: UnsafePointer<Float>, covered: Int, window: (Int, Int), filters f: Int, pooledWidth pw: Int,
                     firstIndex: Int, convRowLength: Int,
                     output y: UnsafeMutablePointer<Float>, argmax a: UnsafeMutablePointer<Int32>) {
        let (pkh, pkw) = window
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        for q in 0..<pw {
            let out = q * f
            let cell0 = q * pkw * f  // the window's top-left cell in the buffer
            let index0 = firstIndex + q * pkw * f  // and in the conv output
            var ch = 0
            while ch + 8 <= f {
                // The kept cell as its offset from the window's first cell (the same for all
                // lanes, so a broadcast), turned into conv-output indices once at the end.
                var best = relu(Gemm.load(z + cell0 + ch))
                var bestOffset = SIMD8<Int32>(repeating: 0)
                for i in 0..<pkh {
                    for j in 0..<pkw {
                        let v = relu(Gemm.load(z + cell0 + (i * covered + j) * f + ch))
                        let better = v .> best
                        best.replace(with: v, where: better)
                        bestOffset.replace(with: SIMD8(repeating: Int32(i * convRowLength + j * f)), where: better)
                    }
                }
                UnsafeMutableRawPointer(y + out + ch).storeBytes(of: best, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(a + out + ch).storeBytes(of: bestOffset &+ lanes &+ Int32(index0 + ch), as: SIMD8<Int32>.self)
                ch += 8
            }
            while ch < f {
                var best = relu(z[cell0 + ch])
                var bestIndex = index0 + ch
                for i in 0..<pkh {
                    for j in 0..<pkw {
                        let v = relu(z[cell0 + (i * covered + j) * f + ch])
                        if v > best { best = v; bestIndex = index0 + i * convRowLength + j * f + ch }
                    }
                }
                y[out + ch] = best
                a[out + ch] = Int32(bestIndex)
                ch += 1
            }
        }
    }

    /// max(z, 0) as `ActivationFast.reluForward`: z < 0 → 0; −0 and NaN kept.
    @inline(__always)
    static func relu(_ v: SIMD8<Float>) -> SIMD8<Float> { v.replacing(with: 0, where: v .< 0) }
    @inline(__always)
    static func relu(_ v: Float) -> Float { v < 0 ? 0 : v }
}

extension ConvPoolFast {
    /// Kernel and bias gradients from dPooled (N, PH, PW, F), added into dk (KH, KW, C, F) and db (F):
    ///   dz[n, oh, ow, f] = dPooled[k] where (oh, ow, f) is argmax[k] and !(pooled[k] ≤ 0), else 0
    ///   dK[i, j, c, f] += Σ_{n, oh, ow} xpad[n, oh·SH + i, ow·SW + j, c] · dz[n, oh, ow, f]
    ///   db[f] += Σ dz[n, oh, ow, f]
    /// dz is `PoolFast.maxBackward(…, reluMask: pooled)` (the ReLU mask is read from the pooled
    /// output: pooled[k] = y[argmax[k]]), built one pooled row at a time in a per-core buffer of
    /// PKH conv rows × covered columns × fp (the kernel's columns rounded up to whole tiles, the
    /// padding columns staying zero). Each conv row then runs the tiles of `ConvFast.backward`.
    /// No input gradient: the fused path is only taken where the layer's input gradient is unused.
    public static func backward(input x: [Float], outputGradient dPooled: [Float], argmax: [Int32], output pooled: [Float],
                                geometry g: ConvGeometry, filters f: Int, pool window: (Int, Int),
                                kernelGradient dk: inout [Float], biasGradient db: inout [Float],
                                width: TileWidth = .preferred) {
        let (pkh, pkw) = window
        precondition(pkh > 0 && pkw > 0, "a pooling window needs a positive size, got \(pkh)×\(pkw)")
        let ph = g.outHeight / pkh, pw = g.outWidth / pkw
        let count = g.batch * ph * pw * f
        precondition(dPooled.count == count && argmax.count == count && pooled.count == count,
                     "fused conv-pool backward: dPooled, argmax and pooled need \(count) values each")
        guard count > 0 else { return }
        let wantBias = !db.isEmpty
        let padded = Padded(x, g)
        let patch = g.kernelHeight * g.kernelWidth * g.channels
        let fp = Gemm.paddedColumns(f)
        let covered = pw * pkw
        let patchOffsets = ConvFast.patchOffsets(g, paddedWidth: padded.width)
        let rowsOut = g.batch * ph
        let wide = width == .wide && ConvPoolWide.appliesToKernelGradient(g, filters: f, pool: window)
        let minimumChunk = max(1, 8192 / max(1, covered * pkh * patch))
        let size = patch * fp
        // One partial dK (and db) per core, added up at the end, as in ConvFast.backward.
        let parts = Parallel.ranges(rowsOut, minimumChunk: minimumChunk).count
        var partial = [Float](repeating: 0, count: parts * size)
        var partialBias = [Float](repeating: 0, count: parts * fp)
        padded.data.withUnsafeBufferPointer { xb in
        dPooled.withUnsafeBufferPointer { gb in
        argmax.withUnsafeBufferPointer { ab in
        pooled.withUnsafeBufferPointer { mb in
        patchOffsets.withUnsafeBufferPointer { ob in
        partialBias.withUnsafeMutableBufferPointer { pbb in
        partial.withUnsafeMutableBufferPointer { pb in
            let xp = xb.baseAddress!, dyp = gb.baseAddress!, ap = ab.baseAddress!, mp = mb.baseAddress!
            let op = ob.baseAddress!
            Parallel.forEachRange(rowsOut, minimumChunk: minimumChunk) { part, mine in
                let sum = pb.baseAddress! + part * size
                let dz = UnsafeMutablePointer<Float>.allocate(capacity: pkh * covered * fp)
                defer { dz.deallocate() }
                dz.initialize(repeating: 0, count: pkh * covered * fp)  // columns F..<fp stay zero
                for row in mine {
                    let (n, r) = row.quotientAndRemainder(dividingBy: ph)
                    if wide {
                        ConvPoolWide.unpool(dy: dyp + row * pw * f, argmax: ap + row * pw * f, mask: mp + row * pw * f, into: dz,
                                            covered: covered, pooledWidth: pw,
                                            firstIndex: (n * g.outHeight + r * pkh) * g.outWidth * f, convRowLength: g.outWidth * f)
                        for i in 0..<pkh {
                            ConvPoolWide.addKernelGradientRow(x: xp + padded.offset(n, (r * pkh + i) * g.strideHeight, 0), geometry: g,
                                                              rowStride: padded.width * g.channels, pixels: covered,
                                                              dz: dz + i * covered * fp, into: sum,
                                                              biasSum: wantBias ? pbb.baseAddress! + part * fp : nil)
                        }
                        continue
                    }
                    unpool(dy: dyp + row * pw * f, argmax: ap + row * pw * f, mask: mp + row * pw * f,
                           into: dz, covered: covered, window: window, filters: f, paddedFilters: fp, pooledWidth: pw,
                           firstIndex: (n * g.outHeight + r * pkh) * g.outWidth * f, convRowLength: g.outWidth * f)
                    for i in 0..<pkh {
                        let dzRow = dz + i * covered * fp
                        if wantBias { ConvFast.sumRows(dzRow, rows: covered, width: fp, into: pbb.baseAddress! + part * fp) }
                        ConvFast.addKernelGradientRow(x: xp + padded.offset(n, (r * pkh + i) * g.strideHeight, 0),
                                                      offsets: op, patch: patch, pixelStride: g.strideWidth * g.channels,
                                                      pixels: covered, dy: dzRow, fp: fp, into: sum)
                    }
                }
            }
        }}}}}}}
        ConvFast.addPartials(partial, partialBias, patch: patch, filters: f, paddedFilters: fp, kernelGradient: &dk, biasGradient: &db)
    }

    /// dz of one pooled row's PKH conv rows, (PKH, covered, fp), every cell of columns < F written:
    /// dy + 0 on each window's kept maximum where !(mask ≤ 0), 0 elsewhere — the values
    /// `PoolFast.maxBackward(reluMask:)` writes there (its scatter computes 0 + dy).
    @inline(__always)
    static func unpool(dy: UnsafePointer<Float>, argmax a: UnsafePointer<Int32>, mask m: UnsafePointer<Float>,
                       into dz: UnsafeMutablePointer<Float>, covered: Int, window: (Int, Int), filters f: Int,
                       paddedFilters fp: Int, pooledWidth pw: Int, firstIndex: Int, convRowLength: Int) {
        let (pkh, pkw) = window
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        for q in 0..<pw {
            let out = q * f
            let cell0 = q * pkw * fp
            let index0 = firstIndex + q * pkw * f
            var ch = 0
            while ch + 8 <= f {
                var d = Gemm.load(dy + out + ch)
                d.replace(with: 0, where: Gemm.load(m + out + ch) .<= 0)
                d = d + 0
                let kept = UnsafeRawPointer(a + out + ch).loadUnaligned(as: SIMD8<Int32>.self)
                let first = lanes &+ Int32(index0 + ch)
                for i in 0..<pkh {
                    for j in 0..<pkw {
                        let here = kept .== first &+ Int32(i * convRowLength + j * f)
                        let value = SIMD8<Float>(repeating: 0).replacing(with: d, where: here)
                        UnsafeMutableRawPointer(dz + cell0 + (i * covered + j) * fp + ch).storeBytes(of: value, as: SIMD8<Float>.self)
                    }
                }
                ch += 8
            }
            while ch < f {
                let d = m[out + ch] <= 0 ? 0 : dy[out + ch] + 0
                for i in 0..<pkh {
                    for j in 0..<pkw {
                        dz[cell0 + (i * covered + j) * fp + ch] = Int(a[out + ch]) == index0 + i * convRowLength + j * f + ch ? d : 0
                    }
                }
                ch += 1
            }
        }
    }
}
