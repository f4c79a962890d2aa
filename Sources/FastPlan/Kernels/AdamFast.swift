import CNNCore
import CKernelShims

/// Adam's update (`AdamStep.update`, CNNCore) eight values at a time, with the arrays cut
/// across cores: the fast twin of the optimizer's formula.
///
/// For 3.9 M parameters the update is limited by memory, so each value is read and written once:
/// w, g, m and v in, w, m and v out. Every lane does the same operations in the same order as
/// the scalar formula (no fused multiply-add, a correctly rounded square root), so the weights
/// are identical bit for bit wherever the arrays are cut (FastPlanTests).
public struct AdamFast {
    public let step: AdamStep

    public init(_ step: AdamStep) { self.step = step }

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
    /// core updates) start loading while the backward computes that block's gradient: m and v
    /// are the largest memory stream of the step.
    public func sliceUpdate(of p: Int, count: Int) -> SliceUpdate {
        let (m0, v0) = (step.m[p], step.v[p])
        return { elements, w, g in
            let next = elements.upperBound..<min(elements.upperBound + elements.count, count)
            for i in stride(from: next.lowerBound, to: next.upperBound, by: 16) {
                cnnviz_prefetch_for_write(m0 + i)
                cnnviz_prefetch_for_write(v0 + i)
            }
            update(p, elements: elements, w: w, g: g)
        }
    }

    /// The formula on `elements` of parameter `p` (`w` and `g` point at the first of them),
    /// eight at a time, then one at a time.
    @inline(__always)
    func update(_ p: Int, elements: Range<Int>, w wp: UnsafeMutablePointer<Float>, g gp: UnsafePointer<Float>) {
        let (mp, vp) = (step.m[p] + elements.lowerBound, step.v[p] + elements.lowerBound)
        let count = elements.count
        let (va, vb1, vb2, ve) = (SIMD8<Float>(repeating: step.alpha), SIMD8<Float>(repeating: step.oneMinusBeta1),
                                  SIMD8<Float>(repeating: step.oneMinusBeta2), SIMD8<Float>(repeating: step.epsilon))
        var i = 0
        while i + 8 <= count {
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
