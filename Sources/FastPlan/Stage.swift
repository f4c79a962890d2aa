import CNNCore

/// One step of an `ExecutionPlan`: one layer, or a few layers run as one kernel.
///
/// A stage keeps its forward and backward together and owns what its backward needs. Every
/// stage runs on the backend it is given, so its naive twin is the same stage on `.naive`
/// (FastPlanTests compare the two, and both with the plain layers of the reference model).
public protocol Stage: AnyObject {
    /// The layers it runs, in model order.
    var layers: [Layer] { get }
    /// What runs, e.g. "fused Conv2D+ReLU+MaxPooling2D", and why a layer was not fused.
    var how: String { get }
    /// Output (N, …) for a batch (N, …) of the first layer's input.
    func forward(_ input: Tensor, training: Bool) throws -> Tensor
    /// dLoss/dinput from dLoss/doutput (or from dLoss/dz of the last layer, see `BackwardPass`),
    /// adding (or, in a training step, storing) the layers' parameter gradients.
    func backward(_ gradient: Tensor, _ pass: BackwardPass) throws -> Tensor
    /// The last forward's output before the last layer's activation (the logit of a sigmoid or
    /// softmax output), when the stage keeps it; nil otherwise.
    var lastPreActivation: Tensor? { get }
}

extension Stage {
    /// The layer names joined, e.g. "conv2d + max_pooling2d": the name the profiler uses.
    public var name: String { layers.map(\.name).joined(separator: " + ") }
    /// "conv2d + max_pooling2d: fused Conv2D+ReLU+MaxPooling2D", one line of `summary --plan`.
    public var line: String { name + ": " + how }
    public var lastPreActivation: Tensor? { nil }

    /// Throws `shapeMismatch` unless `input` is a batch of samples shaped `expected`.
    func check(_ input: Tensor, against expected: [Int]) throws {
        guard input.rank == expected.count + 1, Array(input.shape.dropFirst()) == expected else {
            throw CNNError.shapeMismatch(layer: layers[0].name, expected: [-1] + expected, got: input.shape)
        }
    }

    /// Clears the stage's parameter gradients when this pass stores them rather than adds them.
    func prepareGradients(_ pass: BackwardPass) {
        if pass.storesGradients { for layer in layers { for p in layer.parameters { p.zeroGradient() } } }
    }
}

/// "backward was called before forward" for a stage.
func notRunYet(_ stage: Stage) -> CNNError {
    .impossibleLayer(layer: stage.layers[0].name, reason: "backward was called before forward")
}

/// What one backward pass tells each stage.
public struct BackwardPass {
    /// The gradient handed in is dLoss/dz of the stage's last layer, not dLoss/dy: the loss was
    /// computed from the logit (sigmoid or softmax output), as Keras 3 does.
    public var isPreActivation = false
    /// The parameter gradients were not zeroed for this pass: a stage stores its gradients
    /// instead of adding them (saves a zero fill and a read of the 15.7 MB dense kernel gradient).
    public var storesGradients = false
    /// The optimizer's update of the kernel the plan chose (`ExecutionPlan.kernelUpdatedInPass`),
    /// applied slice by slice inside that Dense stage's backward instead of after the pass.
    public var kernelUpdate: SliceUpdate?

    public init(isPreActivation: Bool = false, storesGradients: Bool = false, kernelUpdate: SliceUpdate? = nil) {
        self.isPreActivation = isPreActivation
        self.storesGradients = storesGradients
        self.kernelUpdate = kernelUpdate
    }
}

/// One layer through its own (reference) forward and backward: for layers whose work is small
/// beside the convolutions and dense layers (Flatten, Dropout, average and global pooling).
public final class LayerStage: Stage {
    public let layer: Layer
    public let how: String
    public var layers: [Layer] { [layer] }
    public var lastPreActivation: Tensor? { (layer as? ActivatedLayer)?.lastPreActivation }

    public init(_ layer: Layer, how: String) {
        self.layer = layer
        self.how = how
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try layer.forward(input, training: training)
    }

    public func backward(_ gradient: Tensor, _ pass: BackwardPass) throws -> Tensor {
        prepareGradients(pass)
        if pass.isPreActivation, let activated = layer as? ActivatedLayer {
            return try activated.backward(preActivationGradient: gradient)
        }
        return try layer.backward(gradient)
    }
}
