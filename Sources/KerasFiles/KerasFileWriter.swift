import CNNCore
import Foundation

/// Writes a CNNCore model as a file `keras.saving.load_model` reads: Keras 3's .keras zip, or the
/// legacy .h5. Only the model is written (no optimizer state, no compile settings): Keras loads
/// it uncompiled, ready to predict; `model.compile(...)` before training it further.
public enum KerasFileWriter {
    /// The file's bytes; `path` names the destination in errors. `extras` (class names, rescale)
    /// go where Keras does not look, for CNNViz to read back.
    public static func bytes(_ model: Sequential, name: String, format: KerasFormat, path: String, extras: CNNVizExtras? = nil) throws -> Data {
        do {
            switch format {
            case .keras: return try keras(model, name: name, path: path, extras: extras)
            case .legacyH5: return try HDF5Library.locked { try legacy(model, name: name, extras: extras) }
            }
        } catch let error as HDF5Error {
            throw CNNError.writeFailed(path: path, reason: error.description)
        }
    }

    /// config.json, metadata.json and model.weights.h5 (`layers/<key>/vars/<j>`, keys by class).
    static func keras(_ model: Sequential, name: String, path: String, extras: CNNVizExtras?) throws -> Data {
        let config = Data(KerasConfigWriter.model(model, name: name, legacy: false).compactString().utf8)
        var fields: [String: JSONValue] = ["keras_version": .string(KerasConfigWriter.kerasVersion), "date_saved": .string(dateSaved())]
        if let extras { fields[CNNVizExtras.key] = extras.json }
        let metadata = Data(JSONValue.object(fields).compactString().utf8)
        let weights: Data = try HDF5Library.locked {
            let file = try HDF5File.create()
            let root = try file.root()
            let layers = try root.makeGroup("layers")
            for (layer, key) in zip(model.layers, KerasWeights.storageKeys(model)) {
                let vars = try layers.makeGroup(key).makeGroup("vars")
                try vars.writeStrings(attribute: "name", [layer.name], scalar: true)
                for (index, weight) in (layer.parameters + layer.buffers).enumerated() {
                    try vars.writeFloats(String(index), shape: weight.value.shape, values: weight.value.data)
                }
            }
            let own = try root.makeGroup("vars")
            try own.writeStrings(attribute: "name", [name], scalar: true)
            return try file.bytes()
        }
        return try KerasArchive.write(config: config, metadata: metadata, weights: weights, path: path)
    }

    /// The legacy .h5: `model_config` at the root, weights under `model_weights/<layer>/` listed
    /// in `layer_names` and each group's `weight_names` (Keras 3's paths: `<model>/<layer>/kernel`).
    static func legacy(_ model: Sequential, name: String, extras: CNNVizExtras?) throws -> Data {
        let file = try HDF5File.create()
        let root = try file.root()
        if let extras { try root.writeStrings(attribute: CNNVizExtras.key, [extras.json.compactString()], scalar: true) }
        try root.writeStrings(attribute: "model_config", [KerasConfigWriter.model(model, name: name, legacy: true).compactString()], scalar: true)
        try root.writeStrings(attribute: "keras_version", [KerasConfigWriter.kerasVersion], scalar: true)
        try root.writeStrings(attribute: "backend", ["tensorflow"], scalar: true)
        let weights = try root.makeGroup("model_weights")
        try weights.writeStrings(attribute: "layer_names", model.layers.map(\.name))
        try weights.writeStrings(attribute: "backend", ["tensorflow"], scalar: true)
        try weights.writeStrings(attribute: "keras_version", [KerasConfigWriter.kerasVersion], scalar: true)
        // Keras creates the groups in name order (no group name is a prefix of a later one).
        for layer in model.layers.sorted(by: { $0.name < $1.name }) {
            let group = try weights.makeGroup(layer.name)
            let stored = layer.parameters + layer.buffers
            guard !stored.isEmpty else { try group.writeEmptyList(attribute: "weight_names"); continue }
            try group.writeStrings(attribute: "weight_names", stored.map { "\(name)/\(layer.name)/\($0.name)" })
            let inner = try group.makeGroup(name).makeGroup(layer.name)
            for weight in stored { try inner.writeFloats(weight.name, shape: weight.value.shape, values: weight.value.data) }
        }
        try weights.makeGroup("top_level_model_weights").writeEmptyList(attribute: "weight_names")
        return try file.bytes()
    }

    /// Keras' "2026-11-30@20:47:30" (UTC).
    static func dateSaved() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd@HH:mm:ss"
        return formatter.string(from: Date())
    }
}
