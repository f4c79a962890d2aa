import Foundation

/// A model on disk: a folder with `model.json` (architecture, input, classes, preprocessing) and
/// `weights.safetensors` (Keras' names and layouts: `conv2d.kernel` [3, 3, 3, 32], `dense.bias` [128] …).
public struct SavedModel {
    public var spec: ModelSpec
    public var model: Sequential

    public init(spec: ModelSpec, model: Sequential) {
        self.spec = spec
        self.model = model
    }

    public static let architectureFile = "model.json"
    public static let weightsFile = "weights.safetensors"

    /// The weights of a model as (Keras name, tensor) pairs, in layer order.
    public static func namedWeights(_ model: Sequential) -> [(name: String, tensor: Tensor)] {
        model.layers.flatMap { layer in layer.parameters.map { ("\(layer.name).\($0.name)", $0.value) } }
    }

    /// Writes the folder atomically: into a temporary folder first, renamed into place at the end.
    /// `extraFiles` (name → bytes) are written into the same folder, e.g. the trainer's state,
    /// and `extraTensors` (name → tensors) as safetensors files, e.g. the optimizer's moments.
    public func save(to folder: URL, extraFiles: [String: Data] = [:],
                     extraTensors: [String: [(name: String, tensor: Tensor)]] = [:]) throws {
        let json = Data(spec.encoded().utf8)
        try AtomicWrite.folder(at: folder) { temp in
            do {
                try json.write(to: temp.appendingPathComponent(SavedModel.architectureFile))
                try Safetensors.write(SavedModel.namedWeights(model), metadata: ["format": "cnnviz", "layout": "keras"],
                                      to: temp.appendingPathComponent(SavedModel.weightsFile))
                for (name, data) in extraFiles { try data.write(to: temp.appendingPathComponent(name)) }
                for (name, tensors) in extraTensors { try Safetensors.write(tensors, to: temp.appendingPathComponent(name)) }
            } catch let error as CNNError {
                throw error
            } catch {
                throw CNNError.writeFailed(path: folder.path, reason: FileErrorReason.describe(error))
            }
        }
    }

    /// Reads a model folder and checks that every weight is present with the right shape.
    public static func load(from folder: URL, backend: KernelBackend = .fast) throws -> SavedModel {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CNNError.badModelFile(path: folder.path, reason: "no such model folder (a model folder holds model.json and weights.safetensors)")
        }
        let jsonURL = folder.appendingPathComponent(architectureFile)
        let spec = try ModelSpec.load(jsonURL)
        let model = try spec.build(seed: 0, backend: backend, path: jsonURL.path)
        let weightsURL = folder.appendingPathComponent(weightsFile)
        guard let data = FileManager.default.contents(atPath: weightsURL.path) else {
            throw CNNError.badWeights(path: weightsURL.path, reason: "the file is missing")
        }
        try assign(Safetensors.decode(data, path: weightsURL.path), to: model, path: weightsURL.path)
        return SavedModel(spec: spec, model: model)
    }

    /// Copies named tensors into a model's parameters, checking names and shapes.
    public static func assign(_ tensors: [String: Tensor], to model: Sequential, path: String) throws {
        for layer in model.layers {
            for p in layer.parameters {
                let key = "\(layer.name).\(p.name)"
                guard let t = tensors[key] else {
                    throw CNNError.badWeights(path: path, reason: "tensor '\(key)' is missing")
                }
                guard t.shape == p.value.shape else {
                    throw CNNError.badWeights(path: path, reason: "tensor '\(key)' has shape \(t.shape) but the model needs \(p.value.shape)")
                }
                p.value = t
            }
        }
    }
}
