import CNNCore

/// How a `Sequential` runs fast: a list of stages compiled from its layers.
///
/// The reference model runs one layer at a time on the naive kernels (`Sequential.forward` and
/// `backward`). The plan runs the same layers with the same weights on the fast kernels,
/// grouping some into stages that skip work:
///   - a ReLU Conv2D and the max pooling after it → `ConvReLUMaxPoolStage` (one kernel), or
///     when the windows overlap `ConvThenMaxPoolStage` (one backward pass through pool and ReLU);
///   - any other Conv2D → `ConvStage`, MaxPooling2D → `MaxPoolStage`, Activation →
///     `ActivationStage`, BatchNormalization → `BatchNormStage`;
///   - every Dense → `DenseStage`; the largest kernel (at least `inPassMinimumWeights` weights)
///     is updated by the optimizer inside its backward pass;
///   - any other layer (Flatten, Dropout, average and global pooling) → `LayerStage`, the
///     layer's own code.
/// On `.naive` the stages run the reference kernels and every number equals the reference
/// model's, bit for bit; on `.fast` they agree within float rounding (FastPlanTests). A trace
/// always runs the reference model, which keeps every intermediate value a student looks at.
///
/// A training step runs one way: plan → stages → kernels. The plan starts the optimizer's step,
/// hands the one `DenseStage` that owns the chosen kernel the update of that kernel's slices,
/// and updates every other parameter after the backward pass. Nothing calls back into the plan
/// or the model.
public final class ExecutionPlan {
    public let model: Sequential
    public let backend: KernelBackend
    public let stages: [Stage]
    /// The stage whose kernel the optimizer updates in the backward pass, and that kernel's index
    /// in `model.parameters`.
    public let kernelUpdatedInPass: (stage: DenseStage, index: Int)?
    /// When set, every pass adds each stage's time to it, and `trainStep` the optimizer's.
    public var profiler: StepProfiler?

    /// Dense kernels at least this large may be updated in the backward pass; smaller ones fit
    /// the caches and gain nothing.
    public static let inPassMinimumWeights = 1 << 16

    /// Compiles `model` for `backend`. The stages depend on the layers only: on `.naive` the same
    /// stages run their naive twins.
    public init(_ model: Sequential, backend: KernelBackend = .fast,
                inPassMinimumWeights: Int = ExecutionPlan.inPassMinimumWeights) throws {
        self.model = model
        self.backend = backend
        let layers = model.layers
        let inputShapes = [model.inputShape] + model.outputShapes.dropLast()
        // The largest Dense kernel, if large enough: the one updated in the pass.
        var inPass: (dense: Dense, index: Int, count: Int)?
        var parameterIndex = 0
        for layer in layers {
            if let dense = layer as? Dense, let kernel = dense.kernel, kernel.value.count >= inPassMinimumWeights,
               kernel.value.count > (inPass?.count ?? -1) {
                inPass = (dense, parameterIndex, kernel.value.count)
            }
            parameterIndex += layer.parameters.count
        }
        var stages: [Stage] = []
        var chosen: (stage: DenseStage, index: Int)?
        var i = 0
        while i < layers.count {
            let layer = layers[i]
            let next = i + 1 < layers.count ? layers[i + 1] : nil
            if let conv = layer as? Conv2D, let pool = next as? Pooling2D, conv.activation == .relu, pool.mode == .max {
                if let why = ConvReLUMaxPoolStage.whyNotFused(conv, pool) {
                    stages.append(try ConvThenMaxPoolStage(conv: conv, pool: pool, backend: backend, notFusedBecause: why))
                } else {
                    stages.append(try ConvReLUMaxPoolStage(conv: conv, pool: pool, backend: backend))
                }
                i += 2
                continue
            }
            switch layer {
            case let conv as Conv2D:
                stages.append(ConvStage(conv, backend: backend, how: "Conv2D on its own (\(ExecutionPlan.whyConvAlone(conv, next)))"))
            case let pool as Pooling2D where pool.mode == .max:
                stages.append(try MaxPoolStage(pool, backend: backend, how: "MaxPooling2D on its own kernels"))
            case let activation as ActivationLayer:
                stages.append(ActivationStage(activation, inputShape: inputShapes[i], backend: backend,
                                              how: "Activation (\(activation.activation.rawValue))"))
            case let norm as BatchNormalization:
                stages.append(BatchNormStage(norm, inputShape: inputShapes[i], backend: backend, how: "BatchNormalization"))
            case let dense as Dense:
                let updates = inPass?.dense === dense
                let stage = DenseStage(dense, updatesKernelInPass: updates, backend: backend,
                                       how: updates ? "Dense, its kernel updated by the optimizer in the backward pass"
                                                    : "Dense (kernel of \(dense.inputs * dense.units) weights updated after the pass)")
                if updates, let inPass { chosen = (stage, inPass.index) }
                stages.append(stage)
            default:
                stages.append(LayerStage(layer, how: "\(layer.kind), the reference layer's code (little work: no fast kernel)"))
            }
            i += 1
        }
        self.stages = stages
        kernelUpdatedInPass = chosen
    }

    /// Why a Conv2D runs on its own: what follows it, or why it cannot merge with that.
    static func whyConvAlone(_ conv: Conv2D, _ next: Layer?) -> String {
        guard let next else { return "not fused: no layer follows" }
        guard let pool = next as? Pooling2D else { return "not fused: the next layer, \(next.name), is \(next.kind), not MaxPooling2D" }
        if pool.mode != .max { return "not fused with \(pool.name): average pooling" }
        return "not fused with \(pool.name): activation is \(conv.activation.rawValue), not relu"
    }

    /// Runs a batch (N, inputShape…) through every stage.
    public func forward(_ input: Tensor, training: Bool = false) throws -> Tensor {
        guard input.rank == model.inputShape.count + 1, Array(input.shape.dropFirst()) == model.inputShape else {
            throw CNNError.shapeMismatch(layer: model.layers[0].name, expected: [-1] + model.inputShape, got: input.shape)
        }
        var x = input
        for stage in stages {
            let started = profiler == nil ? 0 : StepProfiler.now()
            x = try stage.forward(x, training: training)
            profiler?.add("forward " + stage.name, since: started)
        }
        return x
    }

    /// Backpropagates through every stage, last to first. Without a `pass` that says otherwise,
    /// parameter gradients are added, as `Sequential.backward` does.
    public func backward(_ gradient: Tensor, fromPreActivation: Bool = false, _ pass: BackwardPass = BackwardPass()) throws {
        var grad = gradient
        for (index, stage) in stages.enumerated().reversed() {
            let started = profiler == nil ? 0 : StepProfiler.now()
            var stagePass = pass
            stagePass.isPreActivation = fromPreActivation && index == stages.count - 1
            grad = try stage.backward(grad, stagePass)
            let inPass = pass.kernelUpdate != nil && stage === kernelUpdatedInPass?.stage
            profiler?.add("backward " + stage.name + (inPass ? " + optimizer (kernel)" : ""), since: started)
        }
    }

    /// Loss and dLoss/d(output or logit) for the batch whose forward pass has just run, as
    /// `Sequential.lossAndGradient` (from the logit when the output layer is sigmoid or softmax).
    public func lossAndGradient(output: Tensor, targets: Tensor, loss: Loss) throws -> (loss: Float, gradient: Tensor, fromPreActivation: Bool) {
        try loss.evaluate(output: output, preActivation: stages.last?.lastPreActivation,
                          outputActivation: (model.layers.last as? ActivatedLayer)?.activation, targets: targets)
    }

    /// One training step on a batch: forward, loss, backward, optimizer update; the same numbers
    /// as `Sequential.trainStep`. Returns the batch loss and accuracy (before the update).
    ///
    /// With Adam, the plan applies Adam's formula itself (`AdamFast`): the chosen Dense kernel
    /// slice by slice inside its backward, every other parameter after the pass. Any other
    /// optimizer runs its own `step` after the pass.
    @discardableResult
    public func trainStep(_ input: Tensor, targets: Tensor, loss: Loss, optimizer: Optimizer) throws -> (loss: Float, accuracy: Float) {
        let output = try forward(input, training: true)
        let (value, grad, fromLogit) = try lossAndGradient(output: output, targets: targets, loss: loss)
        let parameters = model.parameters
        if let adam = optimizer as? Adam {
            let update = AdamFast(adam.beginStep(parameters))
            let inPass = kernelUpdatedInPass.map { update.sliceUpdate(of: $0.index, count: parameters[$0.index].value.count) }
            try backward(grad, fromPreActivation: fromLogit, BackwardPass(storesGradients: true, kernelUpdate: inPass))
            let started = profiler == nil ? 0 : StepProfiler.now()
            update.update(parameters, except: kernelUpdatedInPass?.index)
            profiler?.add("optimizer", since: started)
        } else {
            try backward(grad, fromPreActivation: fromLogit, BackwardPass(storesGradients: true))
            let started = profiler == nil ? 0 : StepProfiler.now()
            optimizer.step(parameters)
            profiler?.add("optimizer", since: started)
        }
        profiler?.countStep()
        return (value, Accuracy.of(output, targets: targets))
    }

    /// `forward`, then a check that the answer is finite (see `Sequential.forwardChecked`).
    public func forwardChecked(_ input: Tensor, for what: String) throws -> Tensor {
        let output = try forward(input)
        let logit = stages.last?.lastPreActivation
        guard output.firstNonFinite != nil || logit?.firstNonFinite != nil else { return output }
        throw try model.overflowError(input, for: what)
    }

    /// One line per stage: what runs and why a layer was not fused.
    public var lines: [String] { stages.map(\.line) }
}
