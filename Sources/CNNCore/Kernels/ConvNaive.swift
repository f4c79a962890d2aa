/// Naive 2-D convolution (really cross-correlation, as in Keras): the reference implementation.
///
/// input (N, H, W, C), kernel (KH, KW, C, F), bias (F), output (N, OH, OW, F):
///   y[n, oh, ow, f] = b[f] + Σ_{i, j, c} x[n, oh·SH − padTop + i, ow·SW − padLeft + j, c] · K[i, j, c, f]
/// with x = 0 outside the input. Reference: keras.layers.Conv2D, tf.nn.conv2d.
/// These loops follow the formula word for word; the fast kernels are tested against them.
public enum ConvNaive {
    public static func forward(input x: [Float], kernel k: [Float], bias b: [Float]?,
                               geometry g: ConvGeometry, filters f: Int) -> [Float] {
        var output = [Float](repeating: 0, count: g.batch * g.outHeight * g.outWidth * f)
        // Through buffer pointers: the same indexing, without a bounds check per term.
        output.withUnsafeMutableBufferPointer { y in
        k.withUnsafeBufferPointer { k in
        for n in 0..<g.batch {
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    // All F sums of this output pixel at once, the filter loop innermost: each
                    // sum still starts from its bias and adds the patch in (i, j, c) order, so the
                    // numbers are those of one filter at a time, but K's row and y are read in
                    // order (one filter at a time strode through K, 50 times slower).
                    let out = ((n * g.outHeight + oh) * g.outWidth + ow) * f
                    for filter in 0..<f { y[out + filter] = b?[filter] ?? 0 }
                    for i in 0..<g.kernelHeight {
                        let ih = oh * g.strideHeight - g.padTop + i
                        guard ih >= 0 && ih < g.height else { continue }
                        for j in 0..<g.kernelWidth {
                            let iw = ow * g.strideWidth - g.padLeft + j
                            guard iw >= 0 && iw < g.width else { continue }
                            for c in 0..<g.channels {
                                let value = x[((n * g.height + ih) * g.width + iw) * g.channels + c]
                                let row = ((i * g.kernelWidth + j) * g.channels + c) * f
                                for filter in 0..<f { y[out + filter] += value * k[row + filter] }
                            }
                        }
                    }
                }
            }
        }
        }}
        return output
    }

    /// Gradients from dy (N, OH, OW, F): adds into dK (KH, KW, C, F) and db (F); returns dx
    /// (N, H, W, C) when `inputGradient` is true (else an empty array).
    ///   dK[i, j, c, f] += Σ_{n, oh, ow} x[n, ih, iw, c] · dy[n, oh, ow, f]
    ///   dx[n, ih, iw, c] += Σ K[i, j, c, f] · dy[n, oh, ow, f]
    ///   db[f] += Σ_{n, oh, ow} dy[n, oh, ow, f]
    public static func backward(input x: [Float], kernel k: [Float], outputGradient dy: [Float],
                                geometry g: ConvGeometry, filters f: Int,
                                kernelGradient dk: inout [Float], biasGradient db: inout [Float],
                                inputGradient: Bool) -> [Float] {
        var dx = inputGradient ? [Float](repeating: 0, count: x.count) : []
        // The filter loop innermost, as in `forward`: every sum still takes its terms in the
        // formula's order (over n, oh, ow; for dx, over filters within a pixel), so the bits are
        // those of one filter at a time, but K, dK and dy are read in order (3× faster).
        x.withUnsafeBufferPointer { x in
        k.withUnsafeBufferPointer { k in
        dy.withUnsafeBufferPointer { dy in
        dk.withUnsafeMutableBufferPointer { dk in
        dx.withUnsafeMutableBufferPointer { dx in
        for n in 0..<g.batch {
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let out = ((n * g.outHeight + oh) * g.outWidth + ow) * f
                    if !db.isEmpty { for filter in 0..<f { db[filter] += dy[out + filter] } }
                    for i in 0..<g.kernelHeight {
                        let ih = oh * g.strideHeight - g.padTop + i
                        guard ih >= 0 && ih < g.height else { continue }
                        for j in 0..<g.kernelWidth {
                            let iw = ow * g.strideWidth - g.padLeft + j
                            guard iw >= 0 && iw < g.width else { continue }
                            for c in 0..<g.channels {
                                let xi = ((n * g.height + ih) * g.width + iw) * g.channels + c
                                let row = ((i * g.kernelWidth + j) * g.channels + c) * f
                                let value = x[xi]
                                for filter in 0..<f { dk[row + filter] += value * dy[out + filter] }
                                guard inputGradient else { continue }
                                var sum = dx[xi]
                                for filter in 0..<f { sum += k[row + filter] * dy[out + filter] }
                                dx[xi] = sum
                            }
                        }
                    }
                }
            }
        }
        }}}}}
        return dx
    }
}
