import CNNCore

/// Why a Keras file (or Keras architecture JSON) cannot be read or written: one sentence naming
/// the file and the problem, then what to do. The command line prints `description` and exits 1.
public enum KerasFileError: Error, CustomStringConvertible, Equatable {
    /// The zip of a .keras file cannot be read (truncated, corrupt, or not a zip at all).
    case corruptZip(path: String, detail: String)
    /// A .keras zip without one of its three members.
    case missingMember(path: String, member: String)
    /// HDF5 data (a legacy .h5, or a .keras's model.weights.h5) that libhdf5 cannot read.
    case corruptHDF5(path: String, detail: String)
    /// A legacy .h5 without the root attribute `model_config`: weights only.
    case missingModelConfig(path: String)
    /// A file that is neither a zip nor HDF5.
    case unknownFormat(path: String)
    /// JSON that is not a Keras model config.
    case badConfig(path: String, reason: String)
    /// A layer class CNNViz does not have, at its position (1 = the first layer after the input).
    case unsupportedLayer(path: String, position: Int, name: String, className: String)
    /// A layer setting CNNViz cannot compute (dilation, groups …).
    case unsupportedSetting(path: String, position: Int, name: String, setting: String)
    /// A functional model whose layers are not one chain.
    case branches(path: String, layer: String, detail: String)
    /// A layer that lays tensors out channels_first.
    case channelsFirst(path: String, position: Int, name: String)
    /// A model (or a stored weight) in another dtype than float32.
    case dtype(path: String, what: String, dtype: String)
    /// A stored weight whose shape is not the one the architecture needs.
    case weightShape(path: String, layer: String, weight: String, found: [Int], needed: [Int])
    /// A layer with more or fewer stored weights than the architecture gives it.
    case weightCount(path: String, layer: String, found: Int, needed: Int)
    /// A legacy .h5 storing weights for another number of layers than the architecture has.
    case layerCount(path: String, found: Int, needed: Int)
    /// The output file name says neither .keras nor .h5.
    case unknownExtension(path: String)

    /// Every layer class (and alias) an imported model may use.
    public static var supportedLayers: String {
        LayerKind.allCases.map(\.rawValue).joined(separator: ", ")
    }

    public var description: String {
        switch self {
        case let .corruptZip(path, detail):
            return "\(path) is not a readable .keras file: its zip archive is truncated or corrupt (\(detail)). Copy the file again (a download may have stopped early), or save it again in Keras with model.save(\"model.keras\")."
        case let .missingMember(path, member):
            return "\(path) is a zip archive but holds no \(member), so it is not a whole Keras model. Save the model in Keras 3 with model.save(\"model.keras\"), which writes config.json, metadata.json and model.weights.h5."
        case let .corruptHDF5(path, detail):
            return "\(path): the HDF5 data is truncated or corrupt (\(detail)). Copy the file again (a download may have stopped early), or save it again in Keras with model.save()."
        case let .missingModelConfig(path):
            return "\(path) holds weights but no architecture (no \"model_config\" attribute): it was written by model.save_weights(). Save the whole model in Keras with model.save(\"model.h5\") or model.save(\"model.keras\")."
        case let .unknownFormat(path):
            return "\(path) is neither a .keras file (a zip) nor a legacy .h5 file (HDF5). Give a file written by Keras' model.save(), or a CNNViz model folder."
        case let .badConfig(path, reason):
            return "\(path): \(reason). Give the JSON Keras writes (model.to_json(), or a file from model.save())."
        case let .unsupportedLayer(path, position, name, className):
            return "\(path): layer \(position) (\"\(name)\") is a \(className), which CNNViz does not have. CNNViz supports \(Self.supportedLayers); rebuild the model in Keras with these layers."
        case let .unsupportedSetting(path, position, name, setting):
            return "\(path): layer \(position) (\"\(name)\") uses \(setting), which CNNViz does not compute. Rebuild the model in Keras without it."
        case let .branches(path, layer, detail):
            return "\(path) is a functional model with branches (layer \"\(layer)\" \(detail)); CNNViz runs one chain of layers, as keras.Sequential does. Rebuild it as a Sequential model."
        case let .channelsFirst(path, position, name):
            return "\(path): layer \(position) (\"\(name)\") uses data_format \"channels_first\"; CNNViz works channels_last (N, H, W, C), Keras' default. Rebuild the model with data_format=\"channels_last\"."
        case let .dtype(path, what, dtype):
            return "\(path): \(what) is \(dtype), but CNNViz computes in float32. Build and save the model in Keras with dtype \"float32\" (keras.mixed_precision.set_global_policy(\"float32\"))."
        case let .weightShape(path, layer, weight, found, needed):
            return "\(path): layer \"\(layer)\" stores \(weight) with shape \(found), but the architecture needs \(needed). The weights do not belong to this architecture; save the model again in Keras with model.save()."
        case let .weightCount(path, layer, found, needed):
            return "\(path): layer \"\(layer)\" stores \(found) weight\(found == 1 ? "" : "s"), but the architecture gives it \(needed). The weights do not belong to this architecture; save the model again in Keras with model.save()."
        case let .layerCount(path, found, needed):
            return "\(path) stores weights for \(found) layer\(found == 1 ? "" : "s"), but the architecture has \(needed) layer\(needed == 1 ? "" : "s") with weights. The weights do not belong to this architecture; save the model again in Keras with model.save()."
        case let .unknownExtension(path):
            return "\(path): the name must end in .keras (Keras 3's format) or .h5 (the legacy format). Choose one, e.g. --output model.keras."
        }
    }
}
