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
    /// When set, every forward and backward pass adds each layer's time to it (and
    /// `trainStep` the optimizer's): see `StepProfiler`.
    public var profiler: StepProfiler?
    /// Which kernels every layer runs.
    public var backend: KernelBackend {
        didSet { for layer in layers { layer.backend = backend } }
    }

    /// Builds the model: names layers, checks shapes and sizes (`ModelPlan`) before any weight
    /// is allocated, then initializes weights from `seed`.
    public init(inputShape: [Int], layers: [Layer], seed: UInt64 = 0, backend: KernelBackend = .fast) throws {
        Sequential.assignKerasNames(layers)
        let plan = try ModelPlan(inputShape: inputShape, layers: layers)
        try Limits.checkMemory(plan.modelBytes, for: "the model's weights and gradients")
        self.inputShape = inputShape
        self.layers = layers
        self.backend = backend
        var rng = SeededRNG(seed: seed)
        var shape = inputShape
        for (index, layer) in layers.enumerated() {
            try layer.build(inputShape: shape, rng: &rng)
            shape = plan.outputShapes[index]
            layer.backend = backend
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
    /// Without a trace, a ReLU Conv2D followed by max pooling with non-overlapping windows runs
    /// as one kernel (`Conv2D.forwardReLUMaxPool`): the conv output is never written, so that
    /// conv's `lastPreActivation` and `lastOutput` stay nil. A trace records every layer's
    /// output, so with one each layer runs on its own.
    public func forward(_ input: Tensor, training: Bool = false, trace: Trace? = nil) throws -> Tensor {
        guard input.rank == inputShape.count + 1, Array(input.shape.dropFirst()) == inputShape else {
            throw CNNError.shapeMismatch(layer: layers[0].name, expected: [-1] + inputShape, got: input.shape)
        }
        trace?.recordModelInput(input)
        var x = input
        var index = 0
        while index < layers.count {
            let layer = layers[index]
            let started = profiler == nil ? 0 : StepProfiler.now()
            if trace == nil, index + 1 < layers.count, let conv = layer as? Conv2D,
               let pool = layers[index + 1] as? Pooling2D, conv.fuses(with: pool) {
                x = try conv.forwardReLUMaxPool(x, pool: pool)
                profiler?.add("forward " + layer.name + " + " + pool.name, since: started)
                index += 2
                continue
            }
            x = try layer.forward(x, training: training)
            profiler?.add("forward " + layer.name, since: started)
            trace?.recordForward(layer: layer, index: index + 1, output: x)
            index += 1
        }
        return x
    }

    /// Backpropagates dLoss/doutput through every layer (last to first), accumulating gradients.
    /// When `fromPreActivation` is true the gradient is dLoss/dz of the last layer (the loss from the logit).
    public func backward(_ gradient: Tensor, fromPreActivation: Bool = false, trace: Trace? = nil) throws {
        var grad = gradient
        // Set when the gradient handed to the next layer down is already its dLoss/dz.
        var gradientIsPreActivation = false
        // After a fused conv-pool forward with a trace: the conv's dLoss/dz, while `grad` is its
        // dLoss/dy for the trace (the conv kept no ReLU output to compute dz from dy itself).
        var pendingPreActivation: Tensor?
        // Index of a conv whose gradients the fused conv-pool backward has already added.
        var doneIndex = -1
        for (index, layer) in layers.enumerated().reversed() where index != doneIndex {
            let started = profiler == nil ? 0 : StepProfiler.now()
            let updatesKernel = (layer as? Dense)?.pendingKernelUpdate != nil
            defer {
                let alsoConv = index > 0 && doneIndex == index - 1 ? " + " + layers[index - 1].name : ""
                profiler?.add("backward " + layer.name + alsoConv + (updatesKernel ? " + optimizer (kernel)" : ""), since: started)
            }
            trace?.recordOutputGradient(layer: layer, index: index + 1, gradient: grad, isPreActivation: fromPreActivation && index == layers.count - 1)
            let preActivation = gradientIsPreActivation || (index == layers.count - 1 && fromPreActivation)
            gradientIsPreActivation = false
            if let dz = pendingPreActivation, let activated = layer as? ActivatedLayer {
                pendingPreActivation = nil
                grad = try activated.backward(preActivationGradient: dz)
            } else if preActivation, let activated = layer as? ActivatedLayer {
                grad = try activated.backward(preActivationGradient: grad)
            } else if index > 0, let pool = layer as? Pooling2D, pool.ranFused, let conv = layers[index - 1] as? Conv2D {
                // The forward ran conv, ReLU and this pooling as one kernel (see `forward`).
                if trace == nil && !conv.needsInputGradient {
                    // Straight from dPooled to the conv's kernel and bias gradients; dz is built
                    // a few rows at a time and never stored whole.
                    try conv.backwardReLUMaxPool(grad, pool: pool)
                    grad = Tensor(shape: [0], data: [])
                    doneIndex = index - 1
                } else {
                    let dz = try pool.preActivationGradientAfterFusedForward(grad)
                    if trace != nil {
                        pendingPreActivation = dz
                        grad = try pool.backward(grad)
                    } else {
                        grad = dz
                        gradientIsPreActivation = true
                    }
                }
            } else if trace == nil, index > 0, let pool = layer as? Pooling2D, pool.mode == .max,
                      let below = layers[index - 1] as? ActivatedLayer, below.activation == .relu,
                      let relu = below.lastOutput {
                // Max pooling after a ReLU: one pass gives the layer below its dLoss/dz (the
                // trace, when recording, wants the gradient in between, so it takes the plain path).
                grad = try pool.backwardThroughReLU(grad, relu: relu)
                gradientIsPreActivation = true
            } else {
                grad = try layer.backward(grad)
            }
            trace?.recordBackward(layer: layer, index: index + 1, inputGradient: index > 0 ? grad : nil)
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }

    /// `zeroGradients` for a backward pass that follows at once: a Dense kernel gradient is not
    /// zeroed but marked, and that layer's backward stores its gradient instead of adding it.
    /// Every parameter's gradient after the backward equals the one after `zeroGradients`.
    func clearGradientsBeforeBackward() {
        for layer in layers {
            if let dense = layer as? Dense, let kernel = dense.kernel {
                dense.kernelGradientPendingOverwrite = true
                for p in dense.parameters where p !== kernel { p.zeroGradient() }
            } else {
                for p in layer.parameters { p.zeroGradient() }
            }
        }
    }

    /// Loss and dLoss/d(output or logit) for a batch whose forward pass has just run.
    ///
    /// When the output layer's activation is sigmoid (binary) or softmax (categorical), the loss is
    /// computed from its pre-activation, as Keras 3 does; `fromPreActivation` says so.
    public func lossAndGradient(output: Tensor, targets: Tensor, loss: Loss) throws -> (loss: Float, gradient: Tensor, fromPreActivation: Bool) {
        guard output.shape == targets.shape else {
            throw CNNError.shapeMismatch(layer: "loss", expected: output.shape, got: targets.shape)
        }
        if let last = layers.last as? ActivatedLayer, last.activation == loss.logitActivation, let z = last.lastPreActivation {
            let (value, grad) = loss.fromLogits(z, targets: targets)
            return (value, grad, true)
        }
        let (value, grad) = loss.fromProbabilities(output, targets: targets)
        return (value, grad, false)
    }

    /// One training step on a batch: forward, loss, backward, optimizer update.
    /// Returns the batch loss and accuracy (computed before the update, as Keras reports them).
    @discardableResult
    public func trainStep(_ input: Tensor, targets: Tensor, loss: Loss, optimizer: Optimizer, trace: Trace? = nil) throws -> (loss: Float, accuracy: Float) {
        let output = try forward(input, training: true, trace: trace)
        let (value, grad, fromLogit) = try lossAndGradient(output: output, targets: targets, loss: loss)
        clearGradientsBeforeBackward()
        if trace == nil, let inPass = optimizer as? SliceUpdatingOptimizer, let (dense, index) = kernelToUpdateInPass() {
            try inPass.step(parameters, updatingInPass: index) { update in
                // Only held for the backward below: the layer forgets it before this returns.
                try withoutActuallyEscaping(update) { held in
                    dense.pendingKernelUpdate = held
                    defer { dense.pendingKernelUpdate = nil }
                    try backward(grad, fromPreActivation: fromLogit)
                }
            }
        } else {
            try backward(grad, fromPreActivation: fromLogit, trace: trace)
            trace?.recordParameterGradients(model: self)
            let started = profiler == nil ? 0 : StepProfiler.now()
            optimizer.step(parameters)
            profiler?.add("optimizer", since: started)
        }
        profiler?.countStep()
        return (value, Accuracy.of(output, targets: targets))
    }

    /// Dense kernels at least this large are updated inside the backward pass by an optimizer
    /// that can (`SliceUpdatingOptimizer`): see `DenseFast.backwardUpdatingKernel`. Smaller ones
    /// fit the caches, and gain nothing.
    public var updateInPassMinimumWeights = 1 << 16

    /// The Dense layer whose kernel `trainStep` updates in the backward pass (the largest one,
    /// if large enough), with that kernel's index in `parameters`.
    func kernelToUpdateInPass() -> (Dense, Int)? {
        var best: (dense: Dense, index: Int, count: Int)?
        var index = 0
        for layer in layers {
            if let dense = layer as? Dense, let kernel = dense.kernel, kernel.value.count >= updateInPassMinimumWeights,
               kernel.value.count > (best?.count ?? -1) {
                best = (dense, index, kernel.value.count)
            }
            index += layer.parameters.count
        }
        return best.map { ($0.dense, $0.index) }
    }
}
