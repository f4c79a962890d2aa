import Foundation
import CKernelShims

/// Updates parameters from their gradients. From simple to complex: SGD, then Adam.
public protocol Optimizer: AnyObject {
    /// Applies one update to every parameter, using its accumulated gradient.
    func step(_ parameters: [Parameter])
    /// Settings as written to model.json.
    var config: [String: JSONValue] { get }
    /// Internal state (step count and moment arrays) for checkpoints, by parameter index.
    var state: OptimizerState { get set }
    /// The slots `state` holds once a step has run, one array per parameter each: what a
    /// checkpoint must give back, and nothing else.
    var slotNames: [String] { get }
}

/// What an optimizer must save to resume exactly: the step count and one or two slot arrays per parameter.
public struct OptimizerState: Equatable, Sendable {
    public var iterations: Int = 0
    /// Named slots, e.g. "m" and "v" for Adam, "momentum" for SGD; each one array per parameter.
    public var slots: [String: [[Float]]] = [:]
    public init(iterations: Int = 0, slots: [String: [[Float]]] = [:]) {
        self.iterations = iterations
        self.slots = slots
    }
}

/// Updates `elements` of one parameter in place: `w` and `g` point at the first of those
/// elements (its weight and its gradient). Called from several cores at once on disjoint slices.
public typealias SliceUpdate = (_ elements: Range<Int>, _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>) -> Void

/// An optimizer whose update of one parameter can run inside the backward pass, slice by slice.
public protocol SliceUpdatingOptimizer: Optimizer {
    /// One step in which parameter `fused` (an index into `parameters`), when given, is updated
    /// only through the `SliceUpdate` handed to `body`, which must cover all its elements once;
    /// every other parameter is updated from its gradient after `body` returns.
    func step(_ parameters: [Parameter], updatingInPass fused: Int?, _ body: (SliceUpdate) throws -> Void) rethrows
}

/// Stochastic gradient descent, as `keras.optimizers.SGD` (defaults: learning rate 0.01, no momentum).
///
///   without momentum:  w −= lr·g
///   with momentum μ:   v = μ·v − lr·g;  w += v              (Nesterov: w += μ·v − lr·g)
public final class SGD: Optimizer {
    public let learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public var state = OptimizerState()
    public var slotNames: [String] { momentum == 0 ? [] : ["momentum"] }

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public func step(_ parameters: [Parameter]) {
        state.iterations += 1
        if momentum != 0 && state.slots["momentum"] == nil {
            state.slots["momentum"] = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        }
        for (p, param) in parameters.enumerated() {
            if momentum == 0 {
                for i in param.value.data.indices { param.value.data[i] -= learningRate * param.gradient.data[i] }
                continue
            }
            for i in param.value.data.indices {
                let g = param.gradient.data[i]
                let v = momentum * state.slots["momentum"]![p][i] - learningRate * g
                state.slots["momentum"]![p][i] = v
                param.value.data[i] += nesterov ? momentum * v - learningRate * g : v
            }
        }
    }

    public var config: [String: JSONValue] {
        ["name": .string("SGD"), "learning_rate": .number(Double(learningRate)),
         "momentum": .number(Double(momentum)), "nesterov": .bool(nesterov)]
    }
}

/// Adam, as `keras.optimizers.Adam` (Keras 3, `optimizers/adam.py`), with t starting at 1:
///   α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
///   m += (g − m)(1 − β₁);  v += (g² − v)(1 − β₂);  w −= α·m / (√v + ε)
/// ε is added to √v as stored, not to a bias-corrected v. One fused pass over each array:
/// for 3.9 M parameters the update is limited by memory, so each value is read and written once.
public final class Adam: SliceUpdatingOptimizer {
    public let learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public var state = OptimizerState()
    /// The first and second moments, m and v.
    public var slotNames: [String] { ["m", "v"] }

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public func step(_ parameters: [Parameter]) {
        step(parameters, updatingInPass: nil) { _ in }
    }

    /// One step in which parameter `fused` (an index into `parameters`) is not updated here but
    /// by `body`, slice by slice, through the `SliceUpdate` it receives: the Dense backward
    /// applies it to each block of the kernel while that block and its gradient are in cache.
    /// Every other parameter is updated from its gradient after `body` returns. Each element
    /// gets the same operations either way, so the weights are identical bit for bit.
    public func step(_ parameters: [Parameter], updatingInPass fused: Int?, _ body: (SliceUpdate) throws -> Void) rethrows {
        if state.slots["m"] == nil || state.slots["m"]?.count != parameters.count {
            state.slots["m"] = parameters.map { [Float](repeating: 0, count: $0.value.count) }
            state.slots["v"] = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        }
        state.iterations += 1
        let t = Double(state.iterations)
        let alpha = Float(Double(learningRate) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
        let c = Coefficients(alpha: alpha, b1: 1 - beta1, b2: 1 - beta2, eps: epsilon)
        var m = state.slots["m"] ?? []
        var v = state.slots["v"] ?? []
        state.slots = [:]  // hand the arrays over so the updates below do not copy them
        defer { state.slots = ["m": m, "v": v] }
        if let fused {
            // Moved out of m and v while `body` holds pointers into them.
            var mf = m[fused], vf = v[fused]
            m[fused] = []; v[fused] = []
            defer { m[fused] = mf; v[fused] = vf }
            try mf.withUnsafeMutableBufferPointer { mp in
                try vf.withUnsafeMutableBufferPointer { vp in
                    let (m0, v0, count) = (mp.baseAddress!, vp.baseAddress!, mp.count)
                    try body { elements, w, g in
                        // The moments of the slice after this one (the next block the same core
                        // updates) start loading now, while the backward computes that block's
                        // gradient: m and v are the largest memory stream of the step.
                        let next = elements.upperBound..<min(elements.upperBound + elements.count, count)
                        for i in stride(from: next.lowerBound, to: next.upperBound, by: 16) {
                            cnnviz_prefetch_for_write(m0 + i)
                            cnnviz_prefetch_for_write(v0 + i)
                        }
                        Adam.update(w: w, g: g, m: m0 + elements.lowerBound, v: v0 + elements.lowerBound,
                                    count: elements.count, c)
                    }
                }
            }
        }
        for (p, param) in parameters.enumerated() where p != fused {
            m[p].withUnsafeMutableBufferPointer { mBuf in
                v[p].withUnsafeMutableBufferPointer { vBuf in
                    param.value.data.withUnsafeMutableBufferPointer { w in
                        param.gradient.data.withUnsafeBufferPointer { g in
                            Adam.fusedUpdate(w: w, g: g, m: mBuf, v: vBuf, c)
                        }
                    }
                }
            }
        }
    }

    /// The step's constants: α (bias correction folded in), 1 − β₁, 1 − β₂, ε.
    struct Coefficients {
        let alpha, b1, b2, eps: Float
    }

    /// The update for one array: read w, g, m, v once, write w, m, v once.
    ///
    /// Large arrays (the 3.9 M kernel of the coursework's dense layer) are cut into one piece per
    /// core, since the pass is limited by memory bandwidth and one core cannot use all of it.
    static func fusedUpdate(w: UnsafeMutableBufferPointer<Float>, g: UnsafeBufferPointer<Float>,
                            m: UnsafeMutableBufferPointer<Float>, v: UnsafeMutableBufferPointer<Float>, _ c: Coefficients) {
        let count = w.count
        guard count > 0, let wp = w.baseAddress, let gp = g.baseAddress, let mp = m.baseAddress, let vp = v.baseAddress else { return }
        let blocks = count / 8
        Parallel.forEachRange(blocks, minimumChunk: 1 << 15) { _, mine in
            let start = mine.lowerBound * 8
            update(w: wp + start, g: gp + start, m: mp + start, v: vp + start, count: mine.count * 8, c)
        }
        let tail = blocks * 8
        update(w: wp + tail, g: gp + tail, m: mp + tail, v: vp + tail, count: count - tail, c)
    }

    /// The formula on `count` consecutive values, eight at a time, then one at a time. Every lane
    /// does the same operations in the same order as the scalar formula (no fused multiply-add),
    /// so the result is identical bit for bit wherever the array is cut.
    @inline(__always)
    static func update(w wp: UnsafeMutablePointer<Float>, g gp: UnsafePointer<Float>, m mp: UnsafeMutablePointer<Float>,
                       v vp: UnsafeMutablePointer<Float>, count: Int, _ c: Coefficients) {
        let (va, vb1, vb2, ve) = (SIMD8<Float>(repeating: c.alpha), SIMD8<Float>(repeating: c.b1),
                                  SIMD8<Float>(repeating: c.b2), SIMD8<Float>(repeating: c.eps))
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
        while i < count {
            let gi = gp[i]
            let mi = mp[i] + (gi - mp[i]) * c.b1
            let vi = vp[i] + (gi * gi - vp[i]) * c.b2
            mp[i] = mi
            vp[i] = vi
            wp[i] -= c.alpha * mi / (vi.squareRoot() + c.eps)
            i += 1
        }
    }

    public var config: [String: JSONValue] {
        ["name": .string("Adam"), "learning_rate": .number(Double(learningRate)), "beta_1": .number(Double(beta1)),
         "beta_2": .number(Double(beta2)), "epsilon": .number(Double(epsilon))]
    }
}
