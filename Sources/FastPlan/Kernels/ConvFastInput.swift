import CNNCore
extension ConvFast {
    /// dx[n, ih, iw, c] = Σ K[i, j, c, f] · dy[n, oh, ow, f] over every (oh, ow, i, j) whose
    /// window puts (i, j) on (ih, iw): the input gradient of `ConvNaive.backward`.
    ///
    /// input gradient (N, H, W, C), kernel (KH, KW, C, F), output gradient (N, OH, OW, F).
    /// Per output row: patch gradients (OW × KH·KW·C) = dY row (OW × F) · Kᵀ (F × KH·KW·C) on
    /// `Gemm.tile`, then each patch gradient is added back where the patch came from (col2im)
    /// in a padded copy of the image, which is finally cropped. Images are shared between cores.
    /// Reference: the transpose of the forward product (Dumoulin & Visin, "A guide to convolution
    /// arithmetic for deep learning", 2016).
    public static func inputGradient(kernel k: [Float], outputGradient dy: [Float],
                                     geometry g: ConvGeometry, filters f: Int) -> [Float] {
        let count = g.batch * g.height * g.width * g.channels
        guard count > 0 else { return [] }
        let patch = g.kernelHeight * g.kernelWidth * g.channels
        let pp = Gemm.paddedColumns(patch)
        let hp = g.height + g.padTop + g.padBottom
        let wp = g.width + g.padLeft + g.padRight
        // Kᵀ as F × pp, zero columns past the patch length.
        var kernelT = [Float](repeating: 0, count: f * pp)
        for kk in 0..<patch { for col in 0..<f { kernelT[col * pp + kk] = k[kk * f + col] } }
        let segment = g.kernelWidth * g.channels
        return .uninitialized(count) { dx in
            kernelT.withUnsafeBufferPointer { kp in
            dy.withUnsafeBufferPointer { dyp in
                let work = g.outHeight * g.outWidth * patch * f
                Parallel.forEachRange(g.batch, minimumChunk: work > 1 << 14 ? 1 : g.batch) { _, images in
                    var image = [Float](repeating: 0, count: hp * wp * g.channels)
                    var patches = [Float](repeating: 0, count: g.outWidth * pp)
                    var offsets = [Int](repeating: 0, count: Gemm.tileRows)
                    for n in images {
                        for v in image.indices { image[v] = 0 }
                        for oh in 0..<g.outHeight {
                            let dyRow = ((n * g.outHeight + oh) * g.outWidth) * f
                            patches.withUnsafeMutableBufferPointer { tp in
                                var ow0 = 0
                                while ow0 < g.outWidth {
                                    let rows = min(Gemm.tileRows, g.outWidth - ow0)
                                    for r in 0..<rows { offsets[r] = dyRow + (ow0 + r) * f }
                                    for first in stride(from: 0, to: patch, by: Gemm.tileColumns) {
                                        Gemm.tile(rows: rows, a: dyp.baseAddress!, rowOffsets: offsets, kStride: 1,
                                                  segments: 1, segmentLength: f, segmentStride: 0,
                                                  b: kp.baseAddress! + first, bStride: pp,
                                                  c: tp.baseAddress! + ow0 * pp + first, cRowStride: pp, cColStride: 1,
                                                  cols: min(Gemm.tileColumns, patch - first), accumulate: false)
                                    }
                                    ow0 += rows
                                }
                            }
                            // col2im: add each patch gradient back onto the padded image.
                            for ow in 0..<g.outWidth {
                                for i in 0..<g.kernelHeight {
                                    let dst = ((oh * g.strideHeight + i) * wp + ow * g.strideWidth) * g.channels
                                    let src = ow * pp + i * segment
                                    for t in 0..<segment { image[dst + t] += patches[src + t] }
                                }
                            }
                        }
                        // Crop the padding away.
                        for h in 0..<g.height {
                            let src = ((h + g.padTop) * wp + g.padLeft) * g.channels
                            let dst = ((n * g.height + h) * g.width) * g.channels
                            for v in 0..<(g.width * g.channels) { dx[dst + v] = image[src + v] }
                        }
                    }
                }
            }}
        }
    }
}
