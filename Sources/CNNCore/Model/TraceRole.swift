/// What a recorded tensor is to its layer: what the trace, its files and the pages know it by.
///
/// Its `name` is the spelling in `manifest.json` and in the `.npy` file names
/// (`03_conv2d_grad_kernel.npy`), so Python readers see the same words.
public enum TraceRole: Hashable, Sendable, CustomStringConvertible {
    /// The layer's output y (the model's input for the "input" entry).
    case output
    /// z, before the activation (Conv2D and Dense with an activation).
    case preActivation
    /// A weight by its Keras name: trainable ("kernel", "bias", "gamma", "beta") or a buffer
    /// ("moving_mean", "moving_variance").
    case weight(String)
    /// dLoss/dy.
    case outputGradient
    /// dLoss/dz, when the backward pass started from the logit.
    case preActivationGradient
    /// dLoss/dx, handed to the layer below.
    case inputGradient
    /// dLoss/dweight ("grad_kernel").
    case weightGradient(String)

    public static let kernel = TraceRole.weight("kernel")
    public static let bias = TraceRole.weight("bias")

    /// The manifest's and the file names' spelling: "output", "pre_activation", "kernel", "grad_kernel" …
    public var name: String {
        switch self {
        case .output: return "output"
        case .preActivation: return "pre_activation"
        case .weight(let name): return name
        case .outputGradient: return "grad_output"
        case .preActivationGradient: return "grad_pre_activation"
        case .inputGradient: return "grad_input"
        case .weightGradient(let name): return "grad_" + name
        }
    }

    public var description: String { name }

    /// The role a manifest names.
    public init(name: String) {
        switch name {
        case "output": self = .output
        case "pre_activation": self = .preActivation
        case "grad_output": self = .outputGradient
        case "grad_pre_activation": self = .preActivationGradient
        case "grad_input": self = .inputGradient
        default: self = name.hasPrefix("grad_") ? .weightGradient(String(name.dropFirst(5))) : .weight(name)
        }
    }

    /// Weights and their gradients are kept whole; activations only for the first sample.
    var isPerSample: Bool {
        switch self {
        case .weight, .weightGradient: return false
        default: return true
        }
    }
}
