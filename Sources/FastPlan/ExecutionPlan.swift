import CNNCore

/// How a `Sequential` runs fast: a list of stages compiled from its layers.
///
/// The reference model runs one layer at a time (`Sequential.forward`/`backward`). The plan
/// runs the same layers with the same weights, grouping some into stages that skip work:
///   - a ReLU Conv2D and the max pooling after it → `ConvReLUMaxPoolStage` (one kernel), or
///     when the windows overlap `ConvThenMaxPoolStage` (one backward pass through pool and ReLU);
///   - every Dense → `DenseStage`; the largest kernel (at least `inPassMinimumWeights` weights)
///     is updated by the optimizer inside its backward pass;
///   - any other layer → `LayerStage`, the layer on its own kernels.
/// Every number equals the reference model's bit for bit (FastPlanTests). A trace always runs
/// the reference model, which keeps every intermediate value a student looks at.
///
/// A training step: plan → stages → kernels. The model's layers only hold the weights and run
/// their own kernels when a `LayerStage` asks; nothing calls back into `Sequential`. With an
/// optimizer that can (`SliceUpdatingOptimizer`), the plan's backward runs inside the
/// optimizer's step, which hands it the `SliceUpdate` for the chosen kernel; the plan passes it
/// to the one `DenseStage` that owns that kernel, and the optimizer updates every other
/// parameter after the backward pass.
public final class ExecutionPlan {
    public let model: Sequential
    public let stages: [Stage]
    /// The stage whose kernel the optimizer updates in the backward pass, and that kernel's index
    /// in `model.parameters`.
    public let kernelUpdatedInPass: (stage: DenseStage, index: Int)?
    /// When set, every pass adds each stage's time to it, and `trainStep` the optimizer's.
    public var profiler: StepProfiler?

    /// Dense kernels at least this large may be updated in the backward pass; smaller ones fit
    /// the caches and gain nothing.
    public static let inPassMinimumWeights = 1 << 16

    /// Compiles `model` on its backend (`model.backend`); a naive model fuses nothing.
    public init(_ model: Sequential, inPassMinimumWeights: Int = ExecutionPlan.inPassMinimumWeights) throws {
        self.model = model
        let backend = model.backend
        let layers = model.layers
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
            if let conv = layer as? Conv2D, let pool = next as? Pooling2D {
                if let why = ConvReLUMaxPoolStage.whyNotFused(conv, pool, backend: backend) {
                    if conv.activation == .relu, pool.mode == .max {
                        stages.append(try ConvThenMaxPoolStage(conv: conv, pool: pool, backend: backend, notFusedBecause: why))
                        i += 2
                        continue
                    }
                    stages.append(LayerStage(conv, how: "Conv2D on its own (not fused with \(pool.name): \(why))"))
                } else {
                    stages.append(try ConvReLUMaxPoolStage(conv: conv, pool: pool, backend: backend))
                    i += 2
                    continue
                }
            } else if let conv = layer as? Conv2D {
                stages.append(LayerStage(conv, how: "Conv2D on its own (not fused: \(next.map { "the next layer, \($0.name), is \($0.kind), not MaxPooling2D" } ?? "no layer follows"))"))
            } else if let dense = layer as? Dense {
                let updates = inPass?.dense === dense
                let stage = DenseStage(dense, updatesKernelInPass: updates, backend: backend,
                                       how: updates ? "Dense, its kernel updated by the optimizer in the backward pass"
                                                    : "Dense (kernel of \(dense.inputs * dense.units) weights updated after the pass)")
                if updates, let inPass { chosen = (stage, inPass.index) }
                stages.append(stage)
            } else {
                stages.append(LayerStage(layer, how: "\(layer.kind) on its own kernels"))
            }
            i += 1
        }
        self.stages = stages
        kernelUpdatedInPass = chosen
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

    /// One training step on a batch: forward, loss, backward, optimizer update; the same numbers
    /// as `Sequential.trainStep`. Returns the batch loss and accuracy (before the update).
    @discardableResult
    public func trainStep(_ input: Tensor, targets: Tensor, loss: Loss, optimizer: Optimizer) throws -> (loss: Float, accuracy: Float) {
        let output = try forward(input, training: true)
        let (value, grad, fromLogit) = try model.lossAndGradient(output: output, targets: targets, loss: loss)
        let parameters = model.parameters
        if let inPass = optimizer as? SliceUpdatingOptimizer, let (_, index) = kernelUpdatedInPass {
            try inPass.step(parameters, updatingInPass: index) { update in
                // The update is only held for this backward; no stage keeps it.
                try withoutActuallyEscaping(update) { held in
                    try backward(grad, fromPreActivation: fromLogit, BackwardPass(storesGradients: true, kernelUpdate: held))
                }
            }
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
        let logit = (model.layers.last as? ActivatedLayer)?.lastPreActivation
        guard output.firstNonFinite != nil || logit?.firstNonFinite != nil else { return output }
        throw try model.overflowError(input, for: what)
    }

    /// One line per stage: what runs and why a layer was not fused.
    public var lines: [String] { stages.map(\.line) }
}
