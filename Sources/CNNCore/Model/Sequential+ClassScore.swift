/// Gradients of one class's score, down to the input image: what explanations (Grad-CAM,
/// saliency) differentiate, where training differentiates the loss.
///
/// The score s of a target class is a logit, never a probability (Selvaraju et al. 2017,
/// "Grad-CAM", §3: "the score for class c, y^c (before the softmax)"), so that a saturated
/// sigmoid (p = 0.9999) does not hide the gradient:
///
/// - one sigmoid unit with logit z: s = z for class 1, s = −z for class 0 (p(class 0) = σ(−z)),
///   so dS/dz = +1 or −1. A naive "explain output 0" always explains class 1;
/// - softmax over logits z_c: s = z_target, so dS/dz is one-hot.
extension Sequential {
    /// Where the logits are: the last layer's pre-activation (Dense with sigmoid or softmax), or
    /// the input of a final `Activation("sigmoid" | "softmax")` layer.
    public struct LogitSite: Equatable, Sendable {
        /// The layer whose backward receives dS/dlogit.
        public var layerIndex: Int
        /// True when the logit is that layer's pre-activation (its activation's backward is skipped).
        public var isPreActivation: Bool
        /// Sigmoid or softmax.
        public var activation: Activation
    }

    /// Where this model's logits are; throws for an output that is neither sigmoid nor softmax.
    public func logitSite() throws -> LogitSite {
        let lastIndex = layers.count - 1
        if let dense = layers[lastIndex] as? ActivatedLayer, dense.activation == .sigmoid || dense.activation == .softmax {
            return LogitSite(layerIndex: lastIndex, isPreActivation: true, activation: dense.activation)
        }
        if lastIndex > 0, let act = layers[lastIndex] as? ActivationLayer, act.activation == .sigmoid || act.activation == .softmax {
            return LogitSite(layerIndex: lastIndex - 1, isPreActivation: false, activation: act.activation)
        }
        throw CNNError.invalidInput("the model's output layer '\(layers[lastIndex].name)' is not a sigmoid or a softmax, so it has no class scores to explain",
                                    hint: "explain a classifier whose last layer has activation sigmoid or softmax")
    }

    /// The logits of sample 0 of the last forward pass (one value for a sigmoid unit).
    public func lastLogits() throws -> [Float] {
        let site = try logitSite()
        let layer = layers[site.layerIndex] as? ActivatedLayer
        guard let z = site.isPreActivation ? layer?.lastPreActivation : layer?.lastOutput else {
            throw CNNError.invalidInput("the logits before the final Activation layer are not kept by '\(layers[site.layerIndex].name)'",
                                        hint: "explain a model whose output layer is a Dense (or Conv2D) with activation sigmoid or softmax")
        }
        let units = z.shape.last ?? 1
        return Array(z.data.prefix(units))
    }

    /// The score s of class `target` given the logits z (see the type's comment).
    public static func classScore(logits z: [Float], target: Int) -> Float {
        z.count == 1 ? (target == 1 ? z[0] : -z[0]) : z[target]
    }

    /// dS/dlogits for class `target`: ±1 for one sigmoid unit, one-hot for a softmax.
    public static func classScoreGradient(units: Int, target: Int) -> Tensor {
        var g = [Float](repeating: 0, count: units)
        if units == 1 { g[0] = target == 1 ? 1 : -1 } else { g[target] = 1 }
        return Tensor(shape: [1, units], data: g)
    }

    /// dS/dinput for class `target` after a forward pass of one sample: backpropagates from the
    /// logits (`logitSite`), records into `trace` (with the input gradient, role grad_input of the
    /// first layer) and returns the gradient with respect to the model's input (1, H, W, C).
    /// Parameter gradients accumulate as in training; they are not used.
    public func classScoreInputGradient(target: Int, trace: Trace? = nil) throws -> Tensor {
        let site = try logitSite()
        let units = outputShapes[site.layerIndex].last ?? 1
        guard target >= 0, target < max(units, 2) else {
            throw CNNError.invalidInput("class \(target) does not exist: the model has \(max(units, 2)) classes", hint: "give a class index from 0 to \(max(units, 2) - 1)")
        }
        zeroGradients()
        return try inputGradient(Sequential.classScoreGradient(units: units, target: target), at: site.layerIndex,
                                 fromPreActivation: site.isPreActivation, trace: trace)
    }

    /// Backpropagates `gradient` (dS/d of layer `index`'s output, or of its pre-activation when
    /// `fromPreActivation`) from that layer down to the model's input, and returns dS/dinput.
    ///
    /// As `backward`, but it may start at any layer (the Grad-CAM of one hidden unit starts at
    /// its Dense layer) and the first layer computes its input gradient too, which training skips.
    public func inputGradient(_ gradient: Tensor, at index: Int, fromPreActivation: Bool, trace: Trace? = nil) throws -> Tensor {
        let first = layers[0]
        let needed = first.needsInputGradient
        first.needsInputGradient = true
        defer { first.needsInputGradient = needed }
        return try backpropagate(gradient, from: index, through: 0, fromPreActivation: fromPreActivation, trace: trace)
    }

    /// Backpropagates `gradient` from layer `index` down to layer `stop`'s output, and records
    /// it: the Grad-CAM of a hidden unit needs ∂h_j/∂A of one convolution block, not the layers
    /// below it. Returns dS/d(output of layer `stop`).
    public func gradient(_ gradient: Tensor, at index: Int, downToOutputOf stop: Int, fromPreActivation: Bool, trace: Trace? = nil) throws -> Tensor {
        guard stop < index else { return gradient }
        let grad = try backpropagate(gradient, from: index, through: stop + 1, fromPreActivation: fromPreActivation, trace: trace)
        trace?.recordOutputGradient(layer: layers[stop], index: stop + 1, gradient: grad, isPreActivation: false)
        return grad
    }

    /// Layers `index` down to `last` (inclusive), each recording its output and input gradients.
    func backpropagate(_ gradient: Tensor, from index: Int, through last: Int, fromPreActivation: Bool, trace: Trace?) throws -> Tensor {
        var grad = gradient
        for i in stride(from: index, through: last, by: -1) {
            let layer = layers[i]
            let fromLogit = fromPreActivation && i == index
            trace?.recordOutputGradient(layer: layer, index: i + 1, gradient: grad, isPreActivation: fromLogit)
            if fromLogit, let activated = layer as? ActivatedLayer {
                grad = try activated.backward(preActivationGradient: grad)
            } else {
                grad = try layer.backward(grad)
            }
            trace?.recordBackward(layer: layer, index: i + 1, inputGradient: grad)
        }
        return grad
    }
}
