import CNNCore
extension PoolFast {
    /// True when every input cell lies in exactly one pooling window: stride = window, no
    /// padding, and the windows cover the input with nothing left over (H = OH·KH, W = OW·KW),
    /// as for the coursework's 2×2 pooling of a 62×62 feature map.
    static func windowsTile(_ g: ConvGeometry) -> Bool {
        g.strideHeight == g.kernelHeight && g.strideWidth == g.kernelWidth && g.padTop == 0 && g.padLeft == 0 &&
            g.height == g.outHeight * g.kernelHeight && g.width == g.outWidth * g.kernelWidth
    }

    /// Max pooling backward for windows that tile the input (`windowsTile`):
    /// input gradient (N, H, W, C), output gradient and argmax (N, OH, OW, C).
    ///
    /// dx is written in one pass, window by window, 8 channels at a time: dy + 0 on the kept
    /// maximum, 0 on the other cells. The scatter of `maxBackward` needs a zero fill of dx first
    /// (a second 16 MB pass for the coursework) and then adds into it at random. Same bits: the
    /// scatter computes 0 + dy, hence dy + 0 here (it turns −0 into +0 as the scatter does).
    /// With `reluMask` (the pooled output, see `maxBackward`) dy counts only where !(mask ≤ 0).
    static func maxBackwardTiled(outputGradient dy: [Float], argmax: [Int32], geometry g: ConvGeometry,
                                 reluMask: [Float]?) -> [Float] {
        let c = g.channels
        let count = g.batch * g.height * g.width * c
        precondition(dy.count == argmax.count && (reluMask == nil || reluMask!.count == dy.count),
                     "pooling backward arrays differ in length")
        let masked = reluMask != nil
        let mask = reluMask ?? []
        return .uninitialized(count) { dx in
            dy.withUnsafeBufferPointer { dyb in
            argmax.withUnsafeBufferPointer { ab in
            mask.withUnsafeBufferPointer { mb in
                let dyp = dyb.baseAddress!, ap = ab.baseAddress!, dxp = dx.baseAddress!
                let rowsOut = g.batch * g.outHeight
                let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
                Parallel.forEachRange(rowsOut, minimumChunk: max(1, 1 << 14 / max(1, g.outWidth * c))) { _, mine in
                    for row in mine {
                        let (n, oh) = row.quotientAndRemainder(dividingBy: g.outHeight)
                        for ow in 0..<g.outWidth {
                            let out = (row * g.outWidth + ow) * c
                            for i in 0..<g.kernelHeight {
                                for j in 0..<g.kernelWidth {
                                    let cell = ((n * g.height + oh * g.kernelHeight + i) * g.width + ow * g.kernelWidth + j) * c
                                    var ch = 0
                                    while ch + 8 <= c {
                                        var d = load(dyp + out + ch)
                                        if masked { d.replace(with: 0, where: load(mb.baseAddress! + out + ch) .<= 0) }
                                        let kept = UnsafeRawPointer(ap + out + ch).loadUnaligned(as: SIMD8<Int32>.self)
                                            .== lanes &+ Int32(cell + ch)
                                        let value = SIMD8<Float>(repeating: 0).replacing(with: d + 0, where: kept)
                                        UnsafeMutableRawPointer(dxp + cell + ch).storeBytes(of: value, as: SIMD8<Float>.self)
                                        ch += 8
                                    }
                                    while ch < c {
                                        let keep = Int(ap[out + ch]) == cell + ch && !(masked && mb[out + ch] <= 0)
                                        dxp[cell + ch] = keep ? dyp[out + ch] + 0 : 0
                                        ch += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }}}
        }
    }
}
