/// A trainable array of a layer, with its gradient beside it.
///
/// A class, so the optimizer updates the very array the layer computes with.
public final class Parameter {
    /// Keras' weight name within the layer: "kernel" or "bias".
    public let name: String
    /// The weights. Written in place (`value.data.withUnsafeMutableBufferPointer`) by the
    /// optimizers and the fast plan, through `_modify`: a `didSet` here would make every such
    /// write from another module copy the whole array first (15.7 MB per training step for the
    /// coursework's dense kernel), because an observed property hands out a copy to modify.
    public var value: Tensor {
        get { storage }
        set { storage = newValue; version &+= 1 }
        _modify { version &+= 1; yield &storage }
    }
    private var storage: Tensor
    /// Counts changes to `value` (any write, in place or whole), so a fast plan can tell when a
    /// copy it keeps of the weights, rearranged for its kernels, is out of date.
    public private(set) var version = 0
    /// dLoss/dvalue, accumulated (+=) by `backward` and cleared by `zeroGradient()`.
    public var gradient: Tensor

    public init(name: String, value: Tensor) {
        self.name = name
        self.storage = value
        self.gradient = Tensor.zeros(value.shape)
    }

    /// One memset (the element loop through the class property was not vectorised: ~4% of a
    /// coursework training step for the 3.9 M dense kernel).
    public func zeroGradient() {
        gradient.data.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}

/// One layer of a `Sequential` model: forward and backward side by side.
///
/// Shapes given to `outputShape` and `build` are per sample, without the batch axis: (H, W, C)
/// for images, (features) after Flatten. Tensors passed to `forward` carry the batch axis first.
public protocol Layer: AnyObject {
    /// The Keras layer name, e.g. "conv2d" or "dense_1".
    var name: String { get set }
    /// The Keras class name, e.g. "Conv2D".
    var kind: LayerKind { get }
    /// Trainable arrays, in Keras' order (kernel, then bias).
    var parameters: [Parameter] { get }
    /// Non-trainable state that is saved with the model but never given to an optimizer
    /// (BatchNormalization's moving_mean and moving_variance), in Keras' order. Their
    /// `gradient` stays zero. Most layers have none: the default is `[]`.
    var buffers: [Parameter] { get }
    /// False for the first layer: its input gradient is never used, so it is not computed.
    var needsInputGradient: Bool { get set }

    /// The per-sample output shape for a per-sample input shape; throws if the layer cannot
    /// take that input (for example a kernel larger than the image with `valid` padding).
    func outputShape(for inputShape: [Int]) throws -> [Int]
    /// Creates the parameters for this input shape with Keras' default initializers.
    func build(inputShape: [Int], rng: inout SeededRNG) throws
    /// Computes the output for a batch and remembers what `backward` needs.
    func forward(_ input: Tensor, training: Bool) throws -> Tensor
    /// Given dLoss/doutput of the last `forward`, adds parameter gradients and returns dLoss/dinput.
    func backward(_ outputGradient: Tensor) throws -> Tensor
    /// The layer's settings as they appear in model.json (Keras' `get_config()` keys).
    var config: [String: JSONValue] { get }
}

extension Layer {
    public var buffers: [Parameter] { [] }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
    /// Values of the non-trainable buffers (Keras' "Non-trainable params").
    public var bufferCount: Int { buffers.reduce(0) { $0 + $1.value.count } }

    /// Throws `shapeMismatch` unless `input` is a batch of samples shaped `expected`.
    func check(_ input: Tensor, against expected: [Int]) throws {
        guard input.rank == expected.count + 1, Array(input.shape.dropFirst()) == expected else {
            throw CNNError.shapeMismatch(layer: name, expected: [-1] + expected, got: input.shape)
        }
    }
}

/// A layer whose output passes through an activation (Conv2D and Dense): the model can ask for
/// the value before the activation (Keras keeps it as the "logits" of a sigmoid or softmax).
public protocol ActivatedLayer: Layer {
    var activation: Activation { get }
    /// The pre-activation output z of the last forward pass (nil before the first).
    var lastPreActivation: Tensor? { get }
    /// The output y = activation(z) of the last forward pass (nil before the first).
    var lastOutput: Tensor? { get }
    /// Backward from dLoss/dz directly, skipping the activation (used for the loss from the logit).
    func backward(preActivationGradient: Tensor) throws -> Tensor
}
