import CNNCore
/// Fast 2-D convolution as an implicit matrix multiply on `Gemm.tile`: no im2col matrix is built,
/// the tile reads each patch from the (padded) input in place. Same results as `ConvNaive` up to
/// float rounding. Reference: keras.layers.Conv2D; Chellapilla et al., "High Performance
/// Convolutional Neural Networks for Document Processing" (2006) for convolution as a product.
///
/// input (N, H, W, C), kernel (KH, KW, C, F), bias (F), output (N, OH, OW, F).
/// A patch (i, j, c) flattens to kk = (i·KW + j)·C + c, which is exactly the row of the kernel
/// seen as a (KH·KW·C) × F matrix; in the input, for a fixed i the KW·C values of a patch row are
/// contiguous (NHWC), so a patch is KH segments of KW·C values, a row apart.
public enum ConvFast {
    /// y[n, oh, ow, f] = b[f] + Σ_{i, j, c} xpad[n, oh·SH + i, ow·SW + j, c] · K[i, j, c, f]
    ///
    /// C (pixels × F) = patches (pixels × KH·KW·C) · K. Tiles of 6 neighbouring output pixels of
    /// one output row; the output rows (n, oh) are shared between the cores.
    public static func forward(input x: [Float], kernel k: [Float], bias b: [Float]?,
                               geometry g: ConvGeometry, filters f: Int) -> [Float] {
        var none: [Float]? = nil
        return forward(input: x, kernel: k, bias: b, geometry: g, filters: f, relu: &none)
    }

    /// The forward pass and ReLU in one: z as `forward` gives it, and y = max(z, 0) exactly as
    /// `ActivationFast.reluForward(z)` (z < 0 → 0, NaN kept). Each output row of y is written
    /// while that row of z is still in L1, which saves a whole pass over the feature map
    /// (16 MB read + 16 MB written for the coursework's batch of 32). z stays for the trace.
    public static func forwardReLU(input x: [Float], kernel k: [Float], bias b: [Float]?,
                                   geometry g: ConvGeometry, filters f: Int) -> (preActivation: [Float], output: [Float]) {
        var y: [Float]? = []
        let z = forward(input: x, kernel: k, bias: b, geometry: g, filters: f, relu: &y)
        return (z, y ?? [])
    }

    /// The shared body: when `relu` is non-nil on entry it receives max(z, 0).
    static func forward(input x: [Float], kernel k: [Float], bias b: [Float]?,
                        geometry g: ConvGeometry, filters f: Int, relu: inout [Float]?) -> [Float] {
        let count = g.batch * g.outHeight * g.outWidth * f
        guard count > 0 else {
            if relu != nil { relu = [] }
            return []
        }
        let wantReLU = relu != nil
        var activated: [Float] = wantReLU ? .uninitialized(count) { _ in } : []
        let padded = Padded(x, g)
        let patch = g.kernelHeight * g.kernelWidth * g.channels
        let fp = Gemm.paddedColumns(f)
        // The kernel as a patch × fp matrix and the bias, both with zero columns past F.
        var kernel = [Float](repeating: 0, count: patch * fp)
        for row in 0..<patch { for col in 0..<f { kernel[row * fp + col] = k[row * f + col] } }
        var bias = [Float](repeating: 0, count: fp)
        if let b { for col in 0..<f { bias[col] = b[col] } }
        let rowsOut = g.batch * g.outHeight
        let z: [Float] = .uninitialized(count) { y in
            padded.data.withUnsafeBufferPointer { xp in
            kernel.withUnsafeBufferPointer { kp in
            bias.withUnsafeBufferPointer { bp in
            activated.withUnsafeMutableBufferPointer { rp in
                Parallel.forEachRange(rowsOut, minimumChunk: max(1, 4096 / max(1, g.outWidth * patch))) { _, mine in
                    var offsets = [Int](repeating: 0, count: Gemm.tileRows)
                    for row in mine {
                        let (n, oh) = row.quotientAndRemainder(dividingBy: g.outHeight)
                        let inRow = padded.offset(n, oh * g.strideHeight, 0)
                        let outRow = row * g.outWidth * f
                        var ow0 = 0
                        while ow0 < g.outWidth {
                            let rows = min(Gemm.tileRows, g.outWidth - ow0)
                            for r in 0..<rows { offsets[r] = inRow + (ow0 + r) * g.strideWidth * g.channels }
                            for first in stride(from: 0, to: f, by: Gemm.tileColumns) {
                                Gemm.tile(rows: rows, a: xp.baseAddress!, rowOffsets: offsets, kStride: 1,
                                          segments: g.kernelHeight, segmentLength: g.kernelWidth * g.channels,
                                          segmentStride: padded.width * g.channels,
                                          b: kp.baseAddress! + first, bStride: fp,
                                          c: y.baseAddress! + outRow + ow0 * f + first, cRowStride: f, cColStride: 1,
                                          cols: min(Gemm.tileColumns, f - first), accumulate: false,
                                          bias: bp.baseAddress! + first)
                            }
                            ow0 += rows
                        }
                        if wantReLU {
                            ActivationFast.reluRow(UnsafePointer(y.baseAddress! + outRow), into: rp.baseAddress! + outRow,
                                                   count: g.outWidth * f)
                        }
                    }
                }
            }}}}
        }
        if wantReLU { relu = activated }
        return z
    }

    /// Gradients from dy (N, OH, OW, F), as `ConvNaive.backward`:
    ///   dK[i, j, c, f] += Σ_{n, oh, ow} xpad[n, oh·SH + i, ow·SW + j, c] · dy[n, oh, ow, f]
    ///   db[f] += Σ dy[n, oh, ow, f]
    ///   dx = `inputGradient(…)` when asked for (the first layer skips it).
    /// dK (patch × F) = patchesᵀ · dY: per output row, A row kk reads x along the row with stride
    /// SW·C and B is that row of dY. Each core sums its output rows into its own dK, then the
    /// partial sums are added.
    public static func backward(input x: [Float], kernel k: [Float], outputGradient dy: [Float],
                                geometry g: ConvGeometry, filters f: Int,
                                kernelGradient dk: inout [Float], biasGradient db: inout [Float],
                                inputGradient: Bool) -> [Float] {
        let pixels = g.batch * g.outHeight * g.outWidth
        let dx = inputGradient ? ConvFast.inputGradient(kernel: k, outputGradient: dy, geometry: g, filters: f) : []
        guard pixels > 0 else { return dx }
        let wantBias = !db.isEmpty
        let padded = Padded(x, g)
        let patch = g.kernelHeight * g.kernelWidth * g.channels
        let fp = Gemm.paddedColumns(f)
        let dyPadded = Gemm.padColumns(dy, rows: pixels, columns: f)
        let patchOffsets = ConvFast.patchOffsets(g, paddedWidth: padded.width)
        let rowsOut = g.batch * g.outHeight
        let minimumChunk = max(1, 8192 / max(1, g.outWidth * patch))
        let size = patch * fp
        // One partial dK (and db) per core, added up at the end.
        let parts = Parallel.ranges(rowsOut, minimumChunk: minimumChunk).count
        var partial = [Float](repeating: 0, count: parts * size)
        var partialBias = [Float](repeating: 0, count: parts * fp)
        padded.data.withUnsafeBufferPointer { xp in
        dyPadded.withUnsafeBufferPointer { dyp in
        patchOffsets.withUnsafeBufferPointer { op in
        partialBias.withUnsafeMutableBufferPointer { pbp in
        partial.withUnsafeMutableBufferPointer { pp in
            Parallel.forEachRange(rowsOut, minimumChunk: minimumChunk) { part, mine in
                let sum = pp.baseAddress! + part * size
                for row in mine {
                    // db: this row of dY while it is in cache (it is B of the tiles below).
                    if wantBias {
                        sumRows(dyp.baseAddress! + row * g.outWidth * fp, rows: g.outWidth, width: fp,
                                into: pbp.baseAddress! + part * fp)
                    }
                    let (n, oh) = row.quotientAndRemainder(dividingBy: g.outHeight)
                    addKernelGradientRow(x: xp.baseAddress! + padded.offset(n, oh * g.strideHeight, 0),
                                         offsets: op.baseAddress!, patch: patch, pixelStride: g.strideWidth * g.channels,
                                         pixels: g.outWidth, dy: dyp.baseAddress! + row * g.outWidth * fp, fp: fp, into: sum)
                }
            }
        }}}}}
        addPartials(partial, partialBias, patch: patch, filters: f, paddedFilters: fp, kernelGradient: &dk, biasGradient: &db)
        return dx
    }

    /// Where patch value kk = (i·KW + j)·C + c sits relative to the patch's top-left corner in
    /// the padded input (row width `paddedWidth`).
    static func patchOffsets(_ g: ConvGeometry, paddedWidth: Int) -> [Int] {
        var offsets = [Int](repeating: 0, count: g.kernelHeight * g.kernelWidth * g.channels)
        for i in 0..<g.kernelHeight {
            for j in 0..<g.kernelWidth {
                for c in 0..<g.channels {
                    offsets[(i * g.kernelWidth + j) * g.channels + c] = (i * paddedWidth + j) * g.channels + c
                }
            }
        }
        return offsets
    }

    /// sum (patch × fp) += patchesᵀ · dY for one output row of `pixels` pixels: patch kk of pixel
    /// p is x[offsets[kk] + p·pixelStride], dY's row is dy (pixels × fp).
    @inline(__always)
    static func addKernelGradientRow(x: UnsafePointer<Float>, offsets: UnsafePointer<Int>, patch: Int, pixelStride: Int,
                                     pixels: Int, dy: UnsafePointer<Float>, fp: Int, into sum: UnsafeMutablePointer<Float>) {
        var kk0 = 0
        if fp == 32 {  // 32 filters: 3 patch values × all filters per call (Gemm.tile3x32)
            while kk0 + 3 <= patch {
                Gemm.tile3x32(a: x, offsets: (offsets[kk0], offsets[kk0 + 1], offsets[kk0 + 2]), kStride: pixelStride,
                              segments: 1, segmentLength: pixels, segmentStride: 0, b: dy, bias: nil,
                              c: sum + kk0 * fp, accumulate: true)
                kk0 += 3
            }
        }
        while kk0 < patch {
            let rows = min(Gemm.tileRows, patch - kk0)
            for first in stride(from: 0, to: fp, by: Gemm.tileColumns) {
                Gemm.tile(rows: rows, a: x, rowOffsets: offsets + kk0, kStride: pixelStride,
                          segments: 1, segmentLength: pixels, segmentStride: 0,
                          b: dy + first, bStride: fp,
                          c: sum + kk0 * fp + first, cRowStride: fp, cColStride: 1,
                          cols: Gemm.tileColumns, accumulate: true)
            }
            kk0 += rows
        }
    }

    /// dk (patch × F) += each core's partial sum (patch × fp), db (F) += each core's bias sum.
    static func addPartials(_ partial: [Float], _ partialBias: [Float], patch: Int, filters f: Int, paddedFilters fp: Int,
                            kernelGradient dk: inout [Float], biasGradient db: inout [Float]) {
        let size = patch * fp
        for start in stride(from: 0, to: partial.count, by: size) {
            for row in 0..<patch { for col in 0..<f { dk[row * f + col] += partial[start + row * fp + col] } }
        }
        guard !db.isEmpty else { return }
        for start in stride(from: 0, to: partialBias.count, by: fp) { for col in 0..<f { db[col] += partialBias[start + col] } }
    }

    /// sum[j] += Σ_r m[r·width + j] for a rows × width block (width a multiple of 8), 8 columns
    /// at a time: the bias gradient's column sums of dY.
    @inline(__always)
    static func sumRows(_ m: UnsafePointer<Float>, rows: Int, width: Int, into sum: UnsafeMutablePointer<Float>) {
        for j in stride(from: 0, to: width, by: 8) {
            var acc = Gemm.load(sum + j)
            var p = m + j
            for _ in 0..<rows { acc += Gemm.load(p); p += width }
            UnsafeMutableRawPointer(sum + j).storeBytes(of: acc, as: SIMD8<Float>.self)
        }
    }
}

/// The input with the convolution's zero padding added, so kernels never test bounds.
/// Without padding it is the input itself (no copy).
struct Padded {
    let data: [Float]
    let height, width, channels: Int

    init(_ x: [Float], _ g: ConvGeometry) {
        height = g.height + g.padTop + g.padBottom
        width = g.width + g.padLeft + g.padRight
        channels = g.channels
        if height == g.height && width == g.width {
            data = x
            return
        }
        var p = [Float](repeating: 0, count: g.batch * height * width * g.channels)
        for n in 0..<g.batch {
            for h in 0..<g.height {
                let src = ((n * g.height + h) * g.width) * g.channels
                let dst = ((n * height + h + g.padTop) * width + g.padLeft) * g.channels
                for v in 0..<(g.width * g.channels) { p[dst + v] = x[src + v] }
            }
        }
        data = p
    }

    /// Index of (n, h, w, 0) in the padded input.
    @inline(__always)
    func offset(_ n: Int, _ h: Int, _ w: Int) -> Int { ((n * height + h) * width + w) * channels }
}
