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

    /// The weights of a model as (Keras name, tensor) pairs, in layer order: each layer's
    /// trainable parameters, then its buffers (`batch_normalization.gamma`, `.beta`,
    /// `.moving_mean`, `.moving_variance`, Keras' order).
    public static func namedWeights(_ model: Sequential) -> [(name: String, tensor: Tensor)] {
        model.layers.flatMap { layer in (layer.parameters + layer.buffers).map { ("\(layer.name).\($0.name)", $0.value) } }
    }

    /// The trainable weights only, as (Keras name, tensor) pairs in `model.parameters` order:
    /// the arrays an optimizer keeps slots for (buffers have none).
    public static func namedParameters(_ model: Sequential) -> [(name: String, tensor: Tensor)] {
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
                throw CNNError.writeFailed(path: folder.path, reason: FileErrorText.describe(error))
            }
        }
    }

    /// Reads a model folder and checks that every weight is present with the right shape.
    public static func load(from folder: URL) throws -> SavedModel {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CNNError.badModelFile(path: folder.path, reason: "no such model folder (a model folder holds model.json and weights.safetensors)")
        }
        let jsonURL = folder.appendingPathComponent(architectureFile)
        let spec = try ModelSpec.load(jsonURL)
        let model = try spec.build(seed: 0, path: jsonURL.path)
        try checkClassNames(spec.classNames, output: model, path: jsonURL.path)
        let weightsURL = folder.appendingPathComponent(weightsFile)
        let data = try RegularFile.read(weightsURL, limit: Limits.maxWeightsBytes, failure: CNNError.badWeights)
        try assign(Safetensors.decode(data, path: weightsURL.path), to: model, path: weightsURL.path)
        return SavedModel(spec: spec, model: model)
    }

    /// Refuses class names that do not fit the output: one sigmoid unit says "class 1 or not",
    /// so it needs exactly two names (class 0, then class 1); several units (softmax) need one
    /// name each. An empty list is allowed: the classes are then called "class 0", "class 1" ….
    static func checkClassNames(_ names: [String], output model: Sequential, path: String) throws {
        guard !names.isEmpty, let units = model.outputShape.last, model.outputShape.count == 1 else { return }
        let needed = units == 1 ? 2 : units
        guard names.count == needed else {
            let what = units == 1 ? "one sigmoid unit, which needs exactly two class names (class 0, then class 1)"
                : "\(units) units, which need one class name each"
            throw CNNError.badModelFile(path: path, reason: "\"class_names\" lists \(names.count) (\(names.joined(separator: ", "))) but the model's output is \(what)")
        }
    }

    /// Copies named tensors into a model's parameters and buffers, checking names, shapes and that every
    /// value is a finite number (a NaN weight makes every answer NaN). Nothing is copied unless
    /// every tensor passes.
    public static func assign(_ tensors: [String: Tensor], to model: Sequential, path: String) throws {
        for layer in model.layers {
            for p in layer.parameters + layer.buffers {
                let key = "\(layer.name).\(p.name)"
                guard let t = tensors[key] else {
                    throw CNNError.badWeights(path: path, reason: "tensor '\(key)' is missing")
                }
                guard t.shape == p.value.shape else {
                    throw CNNError.badWeights(path: path, reason: "tensor '\(key)' has shape \(t.shape) but the model needs \(p.value.shape)")
                }
                try checkFinite(t, name: key, path: path)
                if p.name == "moving_variance", let negative = t.data.first(where: { $0 < 0 }) {
                    throw CNNError.badWeights(path: path, reason: "tensor '\(key)' holds the negative variance \(negative); a variance is never below 0")
                }
            }
        }
        for layer in model.layers {
            for p in layer.parameters + layer.buffers { if let t = tensors["\(layer.name).\(p.name)"] { p.value = t } }
        }
    }

    /// Throws unless every value of `tensor` is finite, naming the tensor and the first bad index.
    public static func checkFinite(_ tensor: Tensor, name: String, path: String) throws {
        if let (index, value) = tensor.firstNonFinite {
            throw CNNError.badWeights(path: path, reason: "tensor '\(name)' holds \(Tensor.describeNonFinite(value)) at index \(index); weights must be finite numbers")
        }
    }
}
