import CNNCore
import Foundation

/// Keras' architecture JSON, as `model.to_json()`, a .keras's config.json and a legacy .h5's
/// `model_config` hold it, turned into a `ModelSpec`.
///
/// Accepted: a Sequential (`config.layers`), or a Functional model whose layers form one chain;
/// the input shape from an InputLayer's `batch_shape` (Keras 3) or `batch_input_shape` (Keras 2),
/// or from the first layer's `batch_input_shape`/`input_shape`; `module`, `registered_name`,
/// `build_config` and dtype policies in either spelling. Refused, each with its own message:
/// a layer CNNViz lacks, branches, channels_first, a dtype other than float32, dilation or groups.
public enum KerasArchitecture {
    /// Whether `root` looks like Keras' JSON (`{"class_name": ..., "config": ...}`) rather than a
    /// CNNViz model.json (which has `input_shape` and `layers` at the top).
    public static func isKerasJSON(_ root: JSONValue) -> Bool {
        guard let object = root.objectValue else { return false }
        return object["class_name"]?.stringValue != nil && object["config"] != nil && object["layers"] == nil
    }

    /// Parses JSON text; `path` names the file in errors.
    public static func parse(_ data: Data, path: String) throws -> ModelSpec {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw KerasFileError.badConfig(path: path, reason: "the architecture is not valid JSON")
        }
        return try parse(root, path: path)
    }

    /// The spec of a Keras model config: the layers in CNNViz's form, the input shape, the name.
    public static func parse(_ root: JSONValue, path: String) throws -> ModelSpec {
        guard let object = root.objectValue, let className = object["class_name"]?.stringValue else {
            throw KerasFileError.badConfig(path: path, reason: "the top level must be {\"class_name\": \"Sequential\", \"config\": {...}}")
        }
        let config = object["config"]?.objectValue ?? [:]
        let entries: [[String: JSONValue]]
        switch className {
        case "Sequential":
            // Keras 2.2 wrote the layer list as the config itself.
            let list = config["layers"]?.arrayValue ?? object["config"]?.arrayValue
            guard let list else { throw KerasFileError.badConfig(path: path, reason: "the Sequential model lists no \"layers\"") }
            entries = list.compactMap(\.objectValue)
        case "Functional", "Model":
            entries = try KerasFunctional.chain(config, path: path)
        default:
            throw KerasFileError.badConfig(path: path, reason: "the model is a \(className); CNNViz reads Sequential models (and functional models that are one chain of layers)")
        }
        if let dtype = dtypeName(config["dtype"]), dtype != "float32" {
            throw KerasFileError.dtype(path: path, what: "the model's dtype policy", dtype: "\"\(dtype)\"")
        }
        var inputShape: [Int]?
        var layers: [(className: String, config: [String: JSONValue])] = []
        for entry in entries {
            let layerClass = entry["class_name"]?.stringValue ?? ""
            let layerConfig = entry["config"]?.objectValue ?? [:]
            if layerClass == "InputLayer" {
                guard layers.isEmpty else { throw KerasFileError.badConfig(path: path, reason: "an InputLayer stands after the first layer") }
                inputShape = try shape(from: layerConfig, path: path)
                if let dtype = dtypeName(layerConfig["dtype"]), dtype != "float32" {
                    throw KerasFileError.dtype(path: path, what: "the input", dtype: "\"\(dtype)\"")
                }
                continue
            }
            let position = layers.count + 1
            if inputShape == nil, layers.isEmpty { inputShape = try shape(from: layerConfig, path: path) }
            layers.append(try layer(layerClass, layerConfig, position: position, path: path))
        }
        guard !layers.isEmpty else { throw KerasFileError.badConfig(path: path, reason: "the model has no layers") }
        guard layers.count <= Limits.maxLayers else {
            throw KerasFileError.badConfig(path: path, reason: "the model has \(layers.count) layers, more than CNNViz's \(Limits.maxLayers)")
        }
        let built = (object["build_config"]?.objectValue?["input_shape"]).flatMap(batchShape)
            ?? config["build_input_shape"].flatMap(batchShape)
        guard let shape = inputShape ?? built else {
            throw KerasFileError.badConfig(path: path, reason: "the model has no input shape; start it with keras.Input(shape=(64, 64, 3)) (or give the first layer input_shape) and save it again")
        }
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw KerasFileError.badConfig(path: path, reason: "the input shape \(shape) must be known in full (height, width, channels)")
        }
        return ModelSpec(name: config["name"]?.stringValue ?? "sequential", inputShape: shape, layers: layers)
    }

    /// One layer, checked: its class must be CNNViz's, its layout channels_last, its dtype
    /// float32, and a Conv2D without dilation or groups. The config keeps the Keras keys CNNViz's
    /// layers read (`keys`), so a model.json written from it reads like CNNViz's own; the rest
    /// (initializers, regularizers, dtype policies) says nothing about the numbers.
    static func layer(_ className: String, _ config: [String: JSONValue], position: Int, path: String) throws -> (className: String, config: [String: JSONValue]) {
        let name = config["name"]?.stringValue ?? "layer \(position)"
        guard let kind = LayerKind(kerasName: className) else {
            throw KerasFileError.unsupportedLayer(path: path, position: position, name: name, className: className.isEmpty ? "layer without class_name" : className)
        }
        if config["data_format"]?.stringValue == "channels_first" {
            throw KerasFileError.channelsFirst(path: path, position: position, name: name)
        }
        if let dtype = dtypeName(config["dtype"]), dtype != "float32" {
            throw KerasFileError.dtype(path: path, what: "layer \(position) (\"\(name)\") computes in", dtype: "\"\(dtype)\"")
        }
        if kind == .conv2D {
            if let dilation = config["dilation_rate"], let pair = dilation.intPair, pair != (1, 1) {
                throw KerasFileError.unsupportedSetting(path: path, position: position, name: name, setting: "dilation_rate \(pair.0)×\(pair.1)")
            }
            if let groups = config["groups"]?.intValue, groups != 1 {
                throw KerasFileError.unsupportedSetting(path: path, position: position, name: name, setting: "groups=\(groups)")
            }
        }
        return (kind.rawValue, config.filter { ["name"].contains($0.key) || keys[kind, default: []].contains($0.key) })
    }

    /// The config keys each layer kind reads (`LayerFactory`), besides "name".
    static let keys: [LayerKind: Set<String>] = [
        .conv2D: ["filters", "kernel_size", "strides", "padding", "activation", "use_bias"],
        .maxPooling2D: ["pool_size", "strides", "padding"], .averagePooling2D: ["pool_size", "strides", "padding"],
        .dense: ["units", "activation", "use_bias"], .dropout: ["rate"], .activation: ["activation"],
        .batchNormalization: ["axis", "momentum", "epsilon", "center", "scale"],
        .globalAveragePooling2D: ["keepdims", "data_format"], .globalMaxPooling2D: ["keepdims", "data_format"],
        .rescaling: ["scale", "offset"], .zeroPadding2D: ["padding", "data_format"],
    ]

    /// The per-sample input shape from `batch_shape`, `batch_input_shape` or `input_shape`.
    static func shape(from config: [String: JSONValue], path: String) throws -> [Int]? {
        for key in ["batch_shape", "batch_input_shape"] {
            if let value = config[key], value != .null {
                guard let shape = batchShape(value) else {
                    throw KerasFileError.badConfig(path: path, reason: "\"\(key)\" must be a list like [null, 64, 64, 3]")
                }
                return shape
            }
        }
        if let value = config["input_shape"], value != .null {
            guard let list = value.arrayValue, case let shape = list.compactMap(\.intValue), shape.count == list.count else {
                throw KerasFileError.badConfig(path: path, reason: "\"input_shape\" must be a list like [64, 64, 3]")
            }
            return shape
        }
        return nil
    }

    /// [null, 64, 64, 3] → [64, 64, 3]; nil unless the rest are integers (null → -1, refused later).
    static func batchShape(_ value: JSONValue) -> [Int]? {
        guard let list = value.arrayValue, list.count >= 2 else { return nil }
        let rest = list.dropFirst()
        let shape = rest.map { $0 == .null ? -1 : ($0.intValue ?? Int.min) }
        return shape.contains(Int.min) ? nil : shape
    }

    /// The dtype a config names: "float32", or a DTypePolicy's `config.name` ("mixed_float16").
    static func dtypeName(_ value: JSONValue?) -> String? {
        guard let value, value != .null else { return nil }
        if let text = value.stringValue { return text }
        return value.objectValue?["config"]?.objectValue?["name"]?.stringValue
    }
}
