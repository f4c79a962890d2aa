/// A stack of layers run one after another, as `keras.Sequential`.
///
/// Building names each layer as Keras does (conv2d, max_pooling2d, flatten, dense, dense_1 …),
/// checks that every layer fits the shape before it, and draws initial weights from the seed.
public final class Sequential {
    public let layers: [Layer]
    /// Per-sample input shape, e.g. [64, 64, 3].
    public let inputShape: [Int]
    /// Per-sample output shape of each layer.
    public let outputShapes: [[Int]]

    /// Builds the model: names layers, checks shapes and sizes (`ModelPlan`) before any weight
    /// is allocated, then initializes weights from `seed`.
    public init(inputShape: [Int], layers: [Layer], seed: UInt64 = 0) throws {
        Sequential.assignKerasNames(layers)
        let plan = try ModelPlan(inputShape: inputShape, layers: layers)
        try Limits.checkMemory(plan.modelBytes, for: "the model's weights and gradients")
        self.inputShape = inputShape
        self.layers = layers
        var rng = SeededRNG(seed: seed)
        var shape = inputShape
        for (index, layer) in layers.enumerated() {
            try layer.build(inputShape: shape, rng: &rng)
            shape = plan.outputShapes[index]
            layer.needsInputGradient = index > 0
        }
        outputShapes = plan.outputShapes
    }

    /// Gives each unnamed layer Keras' automatic name: the snake-case class name, then _1, _2 … per class.
    static func assignKerasNames(_ layers: [Layer]) {
        var used = Set(layers.map(\.name).filter { !$0.isEmpty })
        var counters: [String: Int] = [:]
        for layer in layers where layer.name.isEmpty {
            let base = snakeCase(layer.kind.rawValue)
            var name: String
            repeat {
                let n = counters[base, default: 0]
                counters[base] = n + 1
                name = n == 0 ? base : "\(base)_\(n)"
            } while used.contains(name)
            used.insert(name)
            layer.name = name
        }
    }

    /// "MaxPooling2D" → "max_pooling2d", "Conv2D" → "conv2d", with the two rules of Keras' `to_snake_case`:
    /// an underscore before a capital followed by lowercase letters, and between a lowercase letter and a capital.
    static func snakeCase(_ name: String) -> String {
        let chars = Array(name)
        var out = ""
        for (i, ch) in chars.enumerated() {
            if i > 0 && ch.isUppercase {
                let startsWord = i + 1 < chars.count && chars[i + 1].isLowercase
                if startsWord || chars[i - 1].isLowercase { out += "_" }
            }
            out += ch.lowercased()
        }
        return out
    }

    /// Every trainable parameter, layer by layer, kernel before bias.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    public var outputShape: [Int] { outputShapes.last ?? inputShape }

    /// The layer with a given name.
    public func layer(named name: String) -> Layer? { layers.first { $0.name == name } }

    /// Runs a batch (N, inputShape…) through every layer; records into `trace` when given.
    ///
    /// One layer at a time, each keeping what its backward needs, on the naive kernels. The fast
    /// plan (module FastPlan) runs the same layers on fast kernels, some merged, and agrees
    /// within float rounding (bit for bit on its naive twins).
    public func forward(_ input: Tensor, training: Bool = false, trace: Trace? = nil) throws -> Tensor {
        try forward(input, through: layers.count - 1, training: training, trace: trace)
    }

    /// The first layers only, 0 through `last`: what a picture of one layer's maps needs (the
    /// training report draws the first Conv2D's maps every epoch, without the Dense layers above).
    public func forward(_ input: Tensor, through last: Int, training: Bool = false, trace: Trace? = nil) throws -> Tensor {
        guard input.rank == inputShape.count + 1, Array(input.shape.dropFirst()) == inputShape else {
            throw CNNError.shapeMismatch(layer: layers[0].name, expected: [-1] + inputShape, got: input.shape)
        }
        trace?.recordModelInput(input)
        var x = input
        for (index, layer) in layers.enumerated() where index <= last {
            x = try layer.forward(x, training: training)
            trace?.recordForward(layer: layer, index: index + 1, output: x)
        }
        return x
    }

    /// Backpropagates dLoss/doutput through every layer (last to first), accumulating gradients.
    /// When `fromPreActivation` is true the gradient is dLoss/dz of the last layer (the loss from
    /// the logit), so that layer skips its activation's backward.
    public func backward(_ gradient: Tensor, fromPreActivation: Bool = false, trace: Trace? = nil) throws {
        var grad = gradient
        for (index, layer) in layers.enumerated().reversed() {
            let fromLogit = fromPreActivation && index == layers.count - 1
            trace?.recordOutputGradient(layer: layer, index: index + 1, gradient: grad, isPreActivation: fromLogit)
            if fromLogit, let activated = layer as? ActivatedLayer {
                grad = try activated.backward(preActivationGradient: grad)
            } else {
                grad = try layer.backward(grad)
            }
            trace?.recordBackward(layer: layer, index: index + 1, inputGradient: index > 0 ? grad : nil)
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }

    /// Loss and dLoss/d(output or logit) for a batch whose forward pass has just run (see
    /// `Loss.evaluate`: from the logit when the output layer is sigmoid or softmax, as Keras 3).
    public func lossAndGradient(output: Tensor, targets: Tensor, loss: Loss) throws -> (loss: Float, gradient: Tensor, fromPreActivation: Bool) {
        let last = layers.last as? ActivatedLayer
        return try loss.evaluate(output: output, preActivation: last?.lastPreActivation,
                                 outputActivation: last?.activation, targets: targets)
    }

    /// One training step on a batch: forward, loss, backward, optimizer update.
    /// Returns the batch loss and accuracy (computed before the update, as Keras reports them).
    /// The reference step, layer by layer; `ExecutionPlan.trainStep` (FastPlan) is the fast one.
    @discardableResult
    public func trainStep(_ input: Tensor, targets: Tensor, loss: Loss, optimizer: Optimizer, trace: Trace? = nil) throws -> (loss: Float, accuracy: Float) {
        let output = try forward(input, training: true, trace: trace)
        let (value, grad, fromLogit) = try lossAndGradient(output: output, targets: targets, loss: loss)
        zeroGradients()
        try backward(grad, fromPreActivation: fromLogit, trace: trace)
        trace?.recordParameterGradients(model: self)
        optimizer.step(parameters)
        return (value, Accuracy.of(output, targets: targets))
    }
}
