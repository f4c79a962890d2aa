import Foundation

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
        guard momentum != 0 else {
            for param in parameters {
                for i in param.value.data.indices { param.value.data[i] -= learningRate * param.gradient.data[i] }
            }
            return
        }
        // The velocities, taken out of the state while they change (one owner: no copy).
        var velocity = state.slots.removeValue(forKey: "momentum")
            ?? parameters.map { [Float](repeating: 0, count: $0.value.count) }
        for (p, param) in parameters.enumerated() {
            for i in param.value.data.indices {
                let g = param.gradient.data[i]
                let v = momentum * velocity[p][i] - learningRate * g
                velocity[p][i] = v
                param.value.data[i] += nesterov ? momentum * v - learningRate * g : v
            }
        }
        state.slots["momentum"] = velocity
    }

    public var config: [String: JSONValue] {
        ["name": .string("SGD"), "learning_rate": .number(Double(learningRate)),
         "momentum": .number(Double(momentum)), "nesterov": .bool(nesterov)]
    }
}

/// Adam, as `keras.optimizers.Adam` (Keras 3, `optimizers/adam.py`), with t starting at 1:
///   α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
///   m += (g − m)(1 − β₁);  v += (g² − v)(1 − β₂);  w −= α·m / (√v + ε)
/// ε is added to √v as stored, not to a bias-corrected v.
///
/// `step` runs the formula over every parameter. A faster caller (the fast plan) starts the
/// step with `beginStep` and applies `AdamStep`'s formula itself, piece by piece, in any order
/// and from several cores: each element gets the same operations, so the weights are the same.
public final class Adam: Optimizer {
    public let learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// The first and second moments, m and v.
    public var slotNames: [String] { ["m", "v"] }
    /// One m and one v per parameter, created by the first step.
    private var moments: [AdamMoments] = []
    private var iterations = 0

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// The step count and copies of m and v (for checkpoints); setting it restores them.
    public var state: OptimizerState {
        get {
            guard !moments.isEmpty else { return OptimizerState(iterations: iterations) }
            return OptimizerState(iterations: iterations,
                                  slots: ["m": moments.map { Array($0.m) }, "v": moments.map { Array($0.v) }])
        }
        set {
            iterations = newValue.iterations
            let m = newValue.slots["m"] ?? [], v = newValue.slots["v"] ?? []
            moments = zip(m, v).map { AdamMoments(m: $0, v: $1) }
        }
    }

    public func step(_ parameters: [Parameter]) {
        let step = beginStep(parameters)
        for (p, parameter) in parameters.enumerated() {
            parameter.value.data.withUnsafeMutableBufferPointer { weights in
                parameter.gradient.data.withUnsafeBufferPointer { g in
                    guard let w = weights.baseAddress, let g = g.baseAddress else { return }
                    step.update(p, elements: 0..<weights.count, w: w, g: g)
                }
            }
        }
    }

    /// Counts one step and returns its constants and where the moments are. The caller must then
    /// apply `AdamStep.update` to every element of every parameter exactly once, before the next
    /// step or any read of `state`.
    public func beginStep(_ parameters: [Parameter]) -> AdamStep {
        if moments.count != parameters.count || zip(moments, parameters).contains(where: { $0.m.count != $1.value.count }) {
            moments = parameters.map { AdamMoments(count: $0.value.count) }
        }
        iterations += 1
        let t = Double(iterations)
        let alpha = Float(Double(learningRate) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
        return AdamStep(alpha: alpha, oneMinusBeta1: 1 - beta1, oneMinusBeta2: 1 - beta2, epsilon: epsilon,
                        m: moments.map { $0.m.baseAddress! }, v: moments.map { $0.v.baseAddress! })
    }

    public var config: [String: JSONValue] {
        ["name": .string("Adam"), "learning_rate": .number(Double(learningRate)), "beta_1": .number(Double(beta1)),
         "beta_2": .number(Double(beta2)), "epsilon": .number(Double(epsilon))]
    }
}

/// One Adam step: its constants (α with the bias correction folded in, 1 − β₁, 1 − β₂, ε) and
/// each parameter's m and v. Valid until the optimizer's next `beginStep` or `state` change.
public struct AdamStep: @unchecked Sendable {
    public let alpha, oneMinusBeta1, oneMinusBeta2, epsilon: Float
    /// Parameter p's first and second moments start at m[p] and v[p].
    public let m, v: [UnsafeMutablePointer<Float>]

    /// The formula on `elements` of parameter `p`, whose weights and gradient start at `w` and
    /// `g` (pointing at the first of those elements). Written out in this order, without fused
    /// multiply-add, so that a vector version can give the same bits.
    public func update(_ p: Int, elements: Range<Int>, w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>) {
        let (m, v) = (self.m[p] + elements.lowerBound, self.v[p] + elements.lowerBound)
        for i in 0..<elements.count {
            let gi = g[i]
            let mi = m[i] + (gi - m[i]) * oneMinusBeta1
            let vi = v[i] + (gi * gi - v[i]) * oneMinusBeta2
            m[i] = mi
            v[i] = vi
            w[i] -= alpha * mi / (vi.squareRoot() + epsilon)
        }
    }
}

/// A parameter's m and v, in memory that stays put for the whole step (the fast plan updates
/// them through pointers, from several cores).
final class AdamMoments {
    let m, v: UnsafeMutableBufferPointer<Float>

    init(count: Int) {
        m = .allocate(capacity: count)
        v = .allocate(capacity: count)
        m.initialize(repeating: 0)
        v.initialize(repeating: 0)
    }

    convenience init(m: [Float], v: [Float]) {
        self.init(count: m.count)
        _ = self.m.initialize(from: m)
        _ = self.v.initialize(from: v.count == m.count ? v : [Float](repeating: 0, count: m.count))
    }

    deinit {
        m.deallocate()
        v.deallocate()
    }
}
