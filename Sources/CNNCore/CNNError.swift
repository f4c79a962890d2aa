/// Every error CNNCore throws: what is wrong, and what to do about it.
///
/// The command line prints `description` and exits non-zero, so each message names the layer,
/// file or value at fault and ends with a hint.
public enum CNNError: Error, CustomStringConvertible, Equatable {
    /// A tensor reached a layer with a shape it cannot take.
    case shapeMismatch(layer: String, expected: [Int], got: [Int])
    /// A layer's configuration cannot work for its input (e.g. a kernel larger than the input).
    case impossibleLayer(layer: String, reason: String)
    /// A model or architecture file is malformed.
    case badModelFile(path: String, reason: String)
    /// A weights file is malformed, truncated, or does not fit the model.
    case badWeights(path: String, reason: String)
    /// A value given by the user is unusable.
    case invalidInput(String, hint: String)
    /// Writing a file or folder failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(layer, expected, got):
            return "layer '\(layer)' expects input shape \(Self.format(expected)) but got \(Self.format(got)). "
                + "Check the input size in the model (input_shape) against the images or the previous layer."
        case let .impossibleLayer(layer, reason):
            return "layer '\(layer)': \(reason). Change the layer's settings (kernel size, strides, padding) or the input size."
        case let .badModelFile(path, reason):
            return "model file \(path): \(reason). Fix the file, or write it again with `cnnviz` (see README, 'Model folders')."
        case let .badWeights(path, reason):
            return "weights file \(path): \(reason). The weights must come from a model with the same architecture; save the model again."
        case let .invalidInput(message, hint):
            return "\(message). \(hint.prefix(1).uppercased() + hint.dropFirst())."
        case let .writeFailed(path, reason):
            return "could not write \(path): \(reason). Check that the folder exists and is writable, and that the disk has room."
        }
    }

    /// Formats a per-sample or batch shape the way Keras prints it: (None, 62, 62, 32).
    public static func format(_ shape: [Int]) -> String {
        "(" + shape.map { $0 < 0 ? "None" : String($0) }.joined(separator: ", ") + ")"
    }
}
