import CNNCore
import CKernelShims

/// Adam's update (`AdamStep.update`, CNNCore) sixteen (`TileWidth.wide`) or eight values at a
/// time, with the arrays cut across cores: the fast twin of the optimizer's formula.
///
/// For 3.9 M parameters the update is limited by memory, so each value is read and written once:
/// w, g, m and v in, w, m and v out. Every lane does the same operations in the same order as
/// the scalar formula (no fused multiply-add, a correctly rounded square root), so the weights
/// are identical bit for bit wherever the arrays are cut (FastPlanTests).
public struct AdamFast {
    public let step: AdamStep
    /// Floats per vector: the same bits either way (every lane runs the scalar formula).
    public let width: TileWidth

    public init(_ step: AdamStep, width: TileWidth = .preferred) {
        self.step = step
        self.width = width
    }

    /// Updates every parameter but `skipped` from its stored gradient. Large arrays are cut into
    /// one piece per core: one core cannot use all of the memory bandwidth.
    public func update(_ parameters: [Parameter], except skipped: Int? = nil) {
        for (p, parameter) in parameters.enumerated() where p != skipped {
            parameter.value.data.withUnsafeMutableBufferPointer { weights in
                parameter.gradient.data.withUnsafeBufferPointer { g in
                    let count = weights.count
                    guard let w = weights.baseAddress, let g = g.baseAddress else { return }
                    let blocks = count / 8
                    Parallel.forEachRange(blocks, minimumChunk: 1 << 15) { _, mine in
                        let elements = (mine.lowerBound * 8)..<(mine.upperBound * 8)
                        update(p, elements: elements, w: w + elements.lowerBound, g: g + elements.lowerBound)
                    }
                    let tail = (blocks * 8)..<count
                    update(p, elements: tail, w: w + tail.lowerBound, g: g + tail.lowerBound)
                }
            }
        }
    }

    /// The `SliceUpdate` a Dense stage applies to parameter `p` (its kernel) inside its backward
    /// pass, block by block. The moments of the block after each one (the next block the same
    /// core updates) start loading while this block is updated: m and v are the largest memory
    /// stream of the step. The requests are spread over the update, one cache line of m and one
    /// of v per 16 values: issued all at once (2048 lines for a 128-row block), they filled the
    /// core's few outstanding-miss slots and the core waited on the prefetch instructions
    /// themselves (perf annotate: half of the update's time), with nothing computed meanwhile.
    public func sliceUpdate(of p: Int, count: Int) -> SliceUpdate {
        return { elements, w, g in
            let next = elements.upperBound..<min(elements.upperBound + elements.count, count)
            update(p, elements: elements, w: w, g: g, prefetching: next)
        }
    }

    /// The formula on `elements` of parameter `p` (`w` and `g` point at the first of them),
    /// sixteen at a time (wide), then eight, then one at a time; m and v of `prefetching`
    /// (elements of `p`) are requested from memory along the way, a line of each per 16 values.
    @inline(__always)
    func update(_ p: Int, elements: Range<Int>, w wp: UnsafeMutablePointer<Float>, g gp: UnsafePointer<Float>,
                prefetching ahead: Range<Int> = 0..<0) {
        let (mp, vp) = (step.m[p] + elements.lowerBound, step.v[p] + elements.lowerBound)
        let (mAhead, vAhead) = (step.m[p] + ahead.lowerBound, step.v[p] + ahead.lowerBound)
        let count = elements.count
        var i = 0
        if width == .wide {
            let (va, vb1, vb2, ve) = (SIMD16<Float>(repeating: step.alpha), SIMD16<Float>(repeating: step.oneMinusBeta1),
                                      SIMD16<Float>(repeating: step.oneMinusBeta2), SIMD16<Float>(repeating: step.epsilon))
            while i + 16 <= count {
                if i < ahead.count {
                    cnnviz_prefetch_for_write(mAhead + i)
                    cnnviz_prefetch_for_write(vAhead + i)
                }
                let gi = Gemm.load16(gp + i), m0 = Gemm.load16(mp + i), v0 = Gemm.load16(vp + i), w0 = Gemm.load16(wp + i)
                let mi = m0 + (gi - m0) * vb1
                let vi = v0 + (gi * gi - v0) * vb2
                Gemm.store16(mi, mp + i)
                Gemm.store16(vi, vp + i)
                Gemm.store16(w0 - va * mi / (cnnviz_sqrt16(vi) + ve), wp + i)
                i += 16
            }
        }
        let (va, vb1, vb2, ve) = (SIMD8<Float>(repeating: step.alpha), SIMD8<Float>(repeating: step.oneMinusBeta1),
                                  SIMD8<Float>(repeating: step.oneMinusBeta2), SIMD8<Float>(repeating: step.epsilon))
        while i + 8 <= count {
            if i % 16 == 0 && i < ahead.count {
                cnnviz_prefetch_for_write(mAhead + i)
                cnnviz_prefetch_for_write(vAhead + i)
            }
            let gi = UnsafeRawPointer(gp + i).loadUnaligned(as: SIMD8<Float>.self)
            let m0 = UnsafeRawPointer(mp + i).loadUnaligned(as: SIMD8<Float>.self)
            let v0 = UnsafeRawPointer(vp + i).loadUnaligned(as: SIMD8<Float>.self)
            let w0 = UnsafeRawPointer(wp + i).loadUnaligned(as: SIMD8<Float>.self)
            let mi = m0 + (gi - m0) * vb1
            let vi = v0 + (gi * gi - v0) * vb2
            UnsafeMutableRawPointer(mp + i).storeBytes(of: mi, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(vp + i).storeBytes(of: vi, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(wp + i).storeBytes(of: w0 - va * mi / (cnnviz_sqrt8(vi) + ve), as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {
            step.update(p, elements: (elements.lowerBound + i)..<elements.upperBound, w: wp + i, g: gp + i)
        }
    }
}
