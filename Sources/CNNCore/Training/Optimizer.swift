import Foundation

/// Updates parameters from their gradients. From simple to complex: SGD, then Adam.
public protocol Optimizer: AnyObject {
    /// Applies one update to every parameter, using its accumulated gradient.
    func step(_ parameters: [Parameter])
    /// Settings as written to model.json.
    var config: [String: JSONValue] { get }
    /// Internal state (step count and moment arrays) for checkpoints, by parameter index.
    var state: OptimizerState { get set }
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

/// Stochastic gradient descent, as `keras.optimizers.SGD` (defaults: learning rate 0.01, no momentum).
///
///   without momentum:  w −= lr·g
///   with momentum μ:   v = μ·v − lr·g;  w += v              (Nesterov: w += μ·v − lr·g)
public final class SGD: Optimizer {
    public let learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public var state = OptimizerState()

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
public final class Adam: Optimizer {
    public let learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public var state = OptimizerState()

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public func step(_ parameters: [Parameter]) {
        if state.slots["m"] == nil || state.slots["m"]?.count != parameters.count {
            state.slots["m"] = parameters.map { [Float](repeating: 0, count: $0.value.count) }
            state.slots["v"] = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        }
        state.iterations += 1
        let t = Double(state.iterations)
        let alpha = Float(Double(learningRate) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
        let (b1, b2, eps) = (1 - beta1, 1 - beta2, epsilon)
        var m = state.slots["m"] ?? []
        var v = state.slots["v"] ?? []
        state.slots = [:]  // hand the arrays over so the updates below do not copy them
        for (p, param) in parameters.enumerated() {
            m[p].withUnsafeMutableBufferPointer { mBuf in
                v[p].withUnsafeMutableBufferPointer { vBuf in
                    param.value.data.withUnsafeMutableBufferPointer { w in
                        param.gradient.data.withUnsafeBufferPointer { g in
                            Adam.fusedUpdate(w: w, g: g, m: mBuf, v: vBuf, alpha: alpha, b1: b1, b2: b2, eps: eps)
                        }
                    }
                }
            }
        }
        state.slots = ["m": m, "v": v]
    }

    /// The update for one array: read w, g, m, v once, write w, m, v once.
    ///
    /// Eight values at a time, and large arrays (the 3.9 M kernel of the coursework's dense layer)
    /// are cut into one piece per core, since the pass is limited by memory bandwidth and one core
    /// cannot use all of it. Every lane does the same operations in the same order as the scalar
    /// formula (no fused multiply-add), so the result is identical bit for bit.
    static func fusedUpdate(w: UnsafeMutableBufferPointer<Float>, g: UnsafeBufferPointer<Float>,
                            m: UnsafeMutableBufferPointer<Float>, v: UnsafeMutableBufferPointer<Float>,
                            alpha: Float, b1: Float, b2: Float, eps: Float) {
        let count = w.count
        guard count > 0, let wp = w.baseAddress, let gp = g.baseAddress, let mp = m.baseAddress, let vp = v.baseAddress else { return }
        let blocks = count / 8
        Parallel.forEachRange(blocks, minimumChunk: 1 << 15) { _, mine in
            let (va, vb1, vb2, ve) = (SIMD8<Float>(repeating: alpha), SIMD8<Float>(repeating: b1),
                                      SIMD8<Float>(repeating: b2), SIMD8<Float>(repeating: eps))
            for block in mine {
                let i = block * 8
                let gi = UnsafeRawPointer(gp + i).loadUnaligned(as: SIMD8<Float>.self)
                let m0 = UnsafeRawPointer(mp + i).loadUnaligned(as: SIMD8<Float>.self)
                let v0 = UnsafeRawPointer(vp + i).loadUnaligned(as: SIMD8<Float>.self)
                let w0 = UnsafeRawPointer(wp + i).loadUnaligned(as: SIMD8<Float>.self)
                let mi = m0 + (gi - m0) * vb1
                let vi = v0 + (gi * gi - v0) * vb2
                UnsafeMutableRawPointer(mp + i).storeBytes(of: mi, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(vp + i).storeBytes(of: vi, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(wp + i).storeBytes(of: w0 - va * mi / (vi.squareRoot() + ve), as: SIMD8<Float>.self)
            }
        }
        for i in (blocks * 8)..<count {
            let gi = g[i]
            let mi = m[i] + (gi - m[i]) * b1
            let vi = v[i] + (gi * gi - v[i]) * b2
            m[i] = mi
            v[i] = vi
            w[i] -= alpha * mi / (vi.squareRoot() + eps)
        }
    }

    public var config: [String: JSONValue] {
        ["name": .string("Adam"), "learning_rate": .number(Double(learningRate)), "beta_1": .number(Double(beta1)),
         "beta_2": .number(Double(beta2)), "epsilon": .number(Double(epsilon))]
    }
}
