import CNNCore

/// A CNNCore model as Keras 3 describes it: the JSON of a .keras's config.json (and, without
/// `module`, `registered_name` and `build_config`, of a legacy .h5's `model_config`), in the form
/// `keras.saving.load_model` rebuilds the model from.
enum KerasConfigWriter {
    /// The Keras version whose format these files follow (the files in ../shared/models/keras).
    static let kerasVersion = "3.15.1"

    static let float32Policy: JSONValue = .object([
        "module": .string("keras"), "class_name": .string("DTypePolicy"),
        "config": .object(["name": .string("float32")]), "registered_name": .null,
    ])

    /// The model's config: Sequential, an InputLayer with `batch_shape`, then every layer.
    static func model(_ model: Sequential, name: String, legacy: Bool) -> JSONValue {
        var layers: [JSONValue] = [entry("InputLayer", [
            "batch_shape": batch(model.inputShape), "dtype": .string("float32"), "sparse": .bool(false),
            "name": .string(inputName(model)),
        ], inputShape: nil, legacy: legacy)]
        var shape = model.inputShape
        for (index, layer) in model.layers.enumerated() {
            layers.append(entry(layer.kind.rawValue, config(layer), inputShape: shape, legacy: legacy))
            shape = model.outputShapes[index]
        }
        var root: [String: JSONValue] = [
            "class_name": .string("Sequential"),
            "config": .object(["name": .string(name), "trainable": .bool(true), "dtype": float32Policy, "layers": .array(layers)]),
        ]
        if !legacy {
            root["module"] = .string("keras")
            root["registered_name"] = .null
            root["build_config"] = .object(["input_shape": batch(model.inputShape)])
        }
        return .object(root)
    }

    /// One layer's entry: {"module", "class_name", "config", "registered_name", "build_config"}.
    static func entry(_ className: String, _ config: [String: JSONValue], inputShape: [Int]?, legacy: Bool) -> JSONValue {
        var entry: [String: JSONValue] = ["class_name": .string(className), "config": .object(config)]
        if !legacy {
            entry["module"] = .string("keras.layers")
            entry["registered_name"] = .null
            if let inputShape { entry["build_config"] = .object(["input_shape": batch(inputShape)]) }
        }
        return .object(entry)
    }

    /// CNNViz's config of a layer (Keras' keys already) with what Keras' config also says:
    /// trainable, the float32 dtype policy and the channels_last layout where the class has one.
    static func config(_ layer: Layer) -> [String: JSONValue] {
        var config = layer.config
        config["trainable"] = .bool(true)
        config["dtype"] = float32Policy
        switch layer.kind {
        case .conv2D:
            config["data_format"] = .string("channels_last")
            config["dilation_rate"] = .ints([1, 1])
            config["groups"] = .int(1)
        case .maxPooling2D, .averagePooling2D, .flatten, .globalAveragePooling2D, .globalMaxPooling2D:
            config["data_format"] = .string("channels_last")
        default:
            break
        }
        return config
    }

    /// A per-sample shape with Keras' batch axis in front: [64, 64, 3] → [null, 64, 64, 3].
    static func batch(_ shape: [Int]) -> JSONValue { .array([.null] + shape.map { .int($0) }) }

    /// "input_layer", unless a layer already has that name.
    static func inputName(_ model: Sequential) -> String {
        var name = "input_layer"
        var n = 0
        while model.layers.contains(where: { $0.name == name }) { n += 1; name = "input_layer_\(n)" }
        return name
    }
}
