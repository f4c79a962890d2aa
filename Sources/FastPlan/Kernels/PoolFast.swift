import CNNCore
/// Fast max pooling: 8 channels at a time, output rows shared between the cores. Exactly the
/// results of `PoolNaive` (no arithmetic, only comparisons, in the same window order).
///
/// input (N, H, W, C), window (KH, KW), output (N, OH, OW, C).
///   y[n, oh, ow, c] = max over the window of x; argmax = the input index of the first maximum
/// Reference: keras.layers.MaxPooling2D, tf.nn.max_pool2d.
public enum PoolFast {
    public static func maxForward(input x: [Float], geometry g: ConvGeometry) -> (output: [Float], argmax: [Int32]) {
        let count = g.batch * g.outHeight * g.outWidth * g.channels
        guard count > 0 else { return ([], []) }
        let c = g.channels
        let vectorEnd = c - c % 8
        var arg = [Int32](unsafeUninitializedCapacity: count) { _, n in n = count }
        let y: [Float] = .uninitialized(count) { y in
            x.withUnsafeBufferPointer { xb in
            arg.withUnsafeMutableBufferPointer { ab in
                let xp = xb.baseAddress!, ap = ab.baseAddress!, yp = y.baseAddress!
                let rowsOut = g.batch * g.outHeight
                Parallel.forEachRange(rowsOut, minimumChunk: max(1, 1 << 14 / max(1, g.outWidth * c))) { _, mine in
                    for row in mine {
                        let (n, oh) = row.quotientAndRemainder(dividingBy: g.outHeight)
                        let h0 = oh * g.strideHeight - g.padTop
                        let hs = max(h0, 0)..<min(h0 + g.kernelHeight, g.height)
                        for ow in 0..<g.outWidth {
                            let w0 = ow * g.strideWidth - g.padLeft
                            let ws = max(w0, 0)..<min(w0 + g.kernelWidth, g.width)
                            let out = (row * g.outWidth + ow) * c
                            guard !hs.isEmpty && !ws.isEmpty else {  // a window of padding only
                                for ch in 0..<c { yp[out + ch] = -.infinity; ap[out + ch] = -1 }
                                continue
                            }
                            // The first in-bounds cell starts the search, as in the naive kernel.
                            let first = ((n * g.height + hs.lowerBound) * g.width + ws.lowerBound) * c
                            var ch = 0
                            while ch < vectorEnd {
                                var best = load(xp + first + ch)
                                var bestIndex = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(first + ch)
                                for h in hs {
                                    for w in ws {
                                        let cell = ((n * g.height + h) * g.width + w) * c + ch
                                        let v = load(xp + cell)
                                        let better = v .> best
                                        best.replace(with: v, where: better)
                                        bestIndex.replace(with: SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(cell), where: better)
                                    }
                                }
                                UnsafeMutableRawPointer(yp + out + ch).storeBytes(of: best, as: SIMD8<Float>.self)
                                UnsafeMutableRawPointer(ap + out + ch).storeBytes(of: bestIndex, as: SIMD8<Int32>.self)
                                ch += 8
                            }
                            while ch < c {
                                var best = xp[first + ch]
                                var bestIndex = first + ch
                                for h in hs {
                                    for w in ws {
                                        let cell = ((n * g.height + h) * g.width + w) * c + ch
                                        if xp[cell] > best { best = xp[cell]; bestIndex = cell }
                                    }
                                }
                                yp[out + ch] = best
                                ap[out + ch] = Int32(bestIndex)
                                ch += 1
                            }
                        }
                    }
                }
            }}
        }
        return (y, arg)
    }

    /// dx[argmax[k]] += dy[k]. Every maximum lies in its own image, so images are shared between
    /// the cores and each zeroes and fills its own part of dx.
    ///
    /// With `reluMask` (the pooling *output*, when the input is a ReLU output y) the ReLU backward
    /// is applied too: dy[k] is added only where !(reluMask[k] ≤ 0). The pooled value is
    /// y[argmax[k]], so this gives exactly `ActivationFast.reluBackward(output: y, outputGradient: dx)`
    /// without that pass, and reads the mask in order from the 4× smaller pooled array.
    /// With `geometry` given and windows that tile the input, `maxBackwardTiled` writes dx in one pass.
    public static func maxBackward(outputGradient dy: [Float], argmax: [Int32], inputCount: Int, batch: Int,
                                   reluMask: [Float]? = nil, geometry: ConvGeometry? = nil) -> [Float] {
        guard batch > 0, inputCount > 0 else { return [Float](repeating: 0, count: inputCount) }
        if let g = geometry, windowsTile(g), g.batch * g.height * g.width * g.channels == inputCount {
            return maxBackwardTiled(outputGradient: dy, argmax: argmax, geometry: g, reluMask: reluMask)
        }
        precondition(reluMask == nil || reluMask!.count == dy.count, "ReLU mask and pooling output differ in length")
        let inPer = inputCount / batch, outPer = dy.count / batch
        let mask = reluMask ?? []
        return .uninitialized(inputCount) { dx in
            dy.withUnsafeBufferPointer { dyp in
            argmax.withUnsafeBufferPointer { ap in
            mask.withUnsafeBufferPointer { mp in
                Parallel.forEachRange(batch, minimumChunk: max(1, 1 << 15 / max(1, inPer))) { _, images in
                    let start = images.lowerBound * inPer, end = images.upperBound * inPer
                    (dx.baseAddress! + start).initialize(repeating: 0, count: end - start)
                    let outputs = (images.lowerBound * outPer)..<(images.upperBound * outPer)
                    if reluMask == nil {
                        for k in outputs where ap[k] >= 0 { dx[Int(ap[k])] += dyp[k] }
                    } else {
                        for k in outputs where ap[k] >= 0 && !(mp[k] <= 0) { dx[Int(ap[k])] += dyp[k] }
                    }
                }
            }}}
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
}
