/// The kinds of layer CNNCore has, by their Keras class names (`rawValue`, as model.json,
/// the summary and the trace spell them).
public enum LayerKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case conv2D = "Conv2D"
    case maxPooling2D = "MaxPooling2D"
    case averagePooling2D = "AveragePooling2D"
    case flatten = "Flatten"
    case dense = "Dense"
    case dropout = "Dropout"
    case activation = "Activation"
    case batchNormalization = "BatchNormalization"
    case globalAveragePooling2D = "GlobalAveragePooling2D"
    case globalMaxPooling2D = "GlobalMaxPooling2D"
    case rescaling = "Rescaling"
    case zeroPadding2D = "ZeroPadding2D"

    /// Other names Keras accepts for the same classes.
    public static let aliases: [String: LayerKind] = [
        "MaxPool2D": .maxPooling2D, "AvgPool2D": .averagePooling2D,
        "GlobalAvgPool2D": .globalAveragePooling2D, "GlobalMaxPool2D": .globalMaxPooling2D,
    ]

    /// The kind a Keras `class_name` names, aliases included; nil if CNNCore has no such layer.
    public init?(kerasName: String) {
        guard let kind = LayerKind(rawValue: kerasName) ?? LayerKind.aliases[kerasName] else { return nil }
        self = kind
    }

    public var description: String { rawValue }

    /// Max or average pooling over windows (not the global poolings).
    public var isWindowPooling: Bool { self == .maxPooling2D || self == .averagePooling2D }
    /// GlobalAveragePooling2D or GlobalMaxPooling2D.
    public var isGlobalPooling: Bool { self == .globalAveragePooling2D || self == .globalMaxPooling2D }
}
