import CNNCore
import Foundation

/// The two Keras file formats.
public enum KerasFormat: String, Sendable {
    /// Keras 3's `model.save("model.keras")`: a zip of config.json, metadata.json, model.weights.h5.
    case keras
    /// The legacy `model.save("model.h5")` of Keras 2 (and Keras 3): one HDF5 file.
    case legacyH5 = "h5"

    /// The format a file name asks for: .keras, or .h5/.hdf5; nil for anything else.
    public init?(fileName: String) {
        switch (fileName as NSString).pathExtension.lowercased() {
        case "keras": self = .keras
        case "h5", "hdf5": self = .legacyH5
        default: return nil
        }
    }
}

/// A model read from a Keras file: the spec in CNNViz's form (no class names: Keras does not
/// store them; preprocessing left at CNNViz's default, for the caller to decide) and the model
/// with Keras' weights.
public struct KerasModel {
    public var spec: ModelSpec
    public var model: Sequential
    public var format: KerasFormat
    /// Class names and rescale that `cnnviz export` put in the file; nil in Keras' own files.
    public var extras: CNNVizExtras?
}

/// Reads .keras and legacy .h5 files (what `model.save()` writes) with libhdf5 and ZIPFoundation.
public enum KerasFileReader {
    static let zipSignature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads a model file; the format comes from its first bytes (a zip or HDF5), its name only
    /// decides which message a file that is neither gets.
    public static func read(_ url: URL) throws -> KerasModel {
        let bytes = try RegularFile.read(url, limit: Limits.maxWeightsBytes)
        let path = url.path
        if bytes.starts(with: zipSignature) { return try readKeras(bytes, path: path) }
        if bytes.starts(with: hdf5Signature) { return try readLegacy(bytes, path: path) }
        switch KerasFormat(fileName: path) {
        case .keras?: throw KerasFileError.corruptZip(path: path, detail: "it does not start as a zip archive does")
        case .legacyH5?: throw KerasFileError.corruptHDF5(path: path, detail: "it does not start with the HDF5 signature")
        case nil: throw KerasFileError.unknownFormat(path: path)
        }
    }

    /// The architecture JSON a Keras file holds (config.json, or the .h5's `model_config`), as it is.
    public static func architectureJSON(_ url: URL) throws -> JSONValue {
        let bytes = try RegularFile.read(url, limit: Limits.maxWeightsBytes)
        let path = url.path
        let text: Data
        if bytes.starts(with: zipSignature) {
            text = try KerasArchive.read(bytes, path: path).config
        } else {
            text = try HDF5Library.locked {
                let root = try open(bytes, path: path)
                guard let config = try hdf5Errors(path, { try root.strings(attribute: "model_config") })?.first else {
                    throw KerasFileError.missingModelConfig(path: path)
                }
                return Data(config.utf8)
            }
        }
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: text) else {
            throw KerasFileError.badConfig(path: path, reason: "the architecture is not valid JSON")
        }
        return json
    }

    /// A .keras file's bytes.
    static func readKeras(_ bytes: Data, path: String) throws -> KerasModel {
        let members = try KerasArchive.read(bytes, path: path)
        let spec = try KerasArchitecture.parse(members.config, path: path)
        let model = try spec.build(path: path)
        try HDF5Library.locked {
            let root = try open(members.weights, path: path)
            try SavedModel.assign(try hdf5Errors(path) { try KerasWeights.readKeras3(root, model: model, path: path) }, to: model, path: path)
        }
        return KerasModel(spec: normalized(spec, model: model, config: members.config), model: model, format: .keras,
                          extras: CNNVizExtras(text: members.metadata))
    }

    /// A legacy .h5 file's bytes: the architecture from the root attribute `model_config`.
    static func readLegacy(_ bytes: Data, path: String) throws -> KerasModel {
        try HDF5Library.locked {
            let root = try open(bytes, path: path)
            guard let config = try hdf5Errors(path, { try root.strings(attribute: "model_config") })?.first else {
                throw KerasFileError.missingModelConfig(path: path)
            }
            let json = Data(config.utf8)
            let spec = try KerasArchitecture.parse(json, path: path)
            let model = try spec.build(path: path)
            try SavedModel.assign(try hdf5Errors(path) { try KerasWeights.readLegacy(root, model: model, path: path) }, to: model, path: path)
            var training: Data?
            if let text = try? root.strings(attribute: "training_config")?.first { training = Data(text.utf8) }
            let extras = (try? root.strings(attribute: CNNVizExtras.key)?.first).flatMap { CNNVizExtras(text: Data("{\"cnnviz\": \($0)}".utf8)) }
            return KerasModel(spec: normalized(spec, model: model, config: training), model: model, format: .legacyH5, extras: extras)
        }
    }

    /// Opens HDF5 bytes, or says the file is corrupt.
    static func open(_ bytes: Data, path: String) throws -> HDF5Group {
        try hdf5Errors(path) { try HDF5File.open(bytes).root() }
    }

    /// Runs `body`, turning libhdf5's failures into "truncated or corrupt" with its message.
    static func hdf5Errors<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as HDF5Error {
            throw KerasFileError.corruptHDF5(path: path, detail: error.description)
        }
    }

    /// The spec as CNNViz writes it (each layer's own config), with the input size as the
    /// images' target size and the loss Keras compiled with (or the one the output implies).
    static func normalized(_ spec: ModelSpec, model: Sequential, config: Data?) -> ModelSpec {
        var normalized = ModelSpec(model: model, name: spec.name)
        if model.inputShape.count == 3 { normalized.preprocessing.targetSize = (model.inputShape[0], model.inputShape[1]) }
        let softmax = (model.layers.last as? ActivatedLayer)?.activation == .softmax && (model.outputShape.last ?? 1) > 1
        normalized.loss = softmax ? .categoricalCrossentropy : .binaryCrossentropy
        if let config, let root = try? JSONDecoder().decode(JSONValue.self, from: config),
           let compile = root.objectValue?["compile_config"]?.objectValue ?? root.objectValue,
           let name = compile["loss"]?.stringValue, let loss = Loss(rawValue: name) {
            normalized.loss = loss
        }
        return normalized
    }
}
