import Foundation

/// A record of every tensor a forward (and backward) pass computed, layer by layer.
///
/// This is the raw material of every picture and tutorial: they read a trace (in memory or from
/// its folder of `.npy` files and `manifest.json`) rather than poke into layers.
/// Only the first sample of a batch is kept unless `keepWholeBatch` is set, so tracing a
/// training batch stays small.
public final class Trace {
    /// One recorded tensor.
    public struct Entry {
        /// 0 for the model input, then 1, 2, … for the layers in order.
        public var index: Int
        public var layer: String
        public var kind: String
        /// What the tensor is to its layer (`TraceRole`): output, pre_activation, kernel, bias,
        /// grad_output, grad_pre_activation, grad_input, grad_kernel, grad_bias; a
        /// BatchNormalization also gamma, beta and their gradients, and its buffers moving_mean
        /// and moving_variance (no gradient: not trained).
        public var role: TraceRole
        public var tensor: Tensor

        /// The file name this entry gets in a trace folder, e.g. "01_conv2d_kernel.npy".
        public var fileName: String {
            index == 0 ? "00_input.npy" : "\(index < 10 ? "0" : "")\(index)_\(layer)_\(role.name).npy"
        }
    }

    public private(set) var entries: [Entry] = []
    public let keepWholeBatch: Bool
    private var layerOrder: [(index: Int, name: String, kind: String, outputShape: [Int], parameters: Int, buffers: [String],
                              nonTrainable: Int, config: [String: JSONValue])] = []

    public init(keepWholeBatch: Bool = false) { self.keepWholeBatch = keepWholeBatch }

    /// The tensor recorded for a layer and role, if any.
    public func tensor(layer: String, role: TraceRole) -> Tensor? {
        entries.last { $0.layer == layer && $0.role == role }?.tensor
    }

    private func add(_ index: Int, _ layer: String, _ kind: String, _ role: TraceRole, _ tensor: Tensor) {
        let kept = keepWholeBatch || tensor.rank < 2 || !role.isPerSample ? tensor : tensor.sample(0)
        entries.removeAll { $0.index == index && $0.role == role }
        entries.append(Entry(index: index, layer: layer, kind: kind, role: role, tensor: kept))
    }

    func recordModelInput(_ input: Tensor) {
        entries.removeAll()
        layerOrder.removeAll()
        add(0, "input", "InputLayer", .output, input)
    }

    func recordForward(layer: Layer, index: Int, output: Tensor) {
        layerOrder.append((index, layer.name, layer.kind.rawValue, Array(output.shape.dropFirst()), layer.parameterCount + layer.bufferCount,
                           layer.buffers.map(\.name), layer.bufferCount, layer.config))
        for p in layer.parameters { add(index, layer.name, layer.kind.rawValue, .weight(p.name), p.value) }
        // Buffers as their own roles, after this forward (which, in training, updated them).
        for b in layer.buffers { add(index, layer.name, layer.kind.rawValue, .weight(b.name), b.value) }
        if let activated = layer as? ActivatedLayer, activated.activation != .linear, let z = activated.lastPreActivation {
            add(index, layer.name, layer.kind.rawValue, .preActivation, z)
        }
        add(index, layer.name, layer.kind.rawValue, .output, output)
    }

    func recordOutputGradient(layer: Layer, index: Int, gradient: Tensor, isPreActivation: Bool) {
        add(index, layer.name, layer.kind.rawValue, isPreActivation ? .preActivationGradient : .outputGradient, gradient)
    }

    func recordBackward(layer: Layer, index: Int, inputGradient: Tensor?) {
        if let g = inputGradient { add(index, layer.name, layer.kind.rawValue, .inputGradient, g) }
    }

    func recordParameterGradients(model: Sequential) {
        for (i, layer) in model.layers.enumerated() {
            for p in layer.parameters { add(i + 1, layer.name, layer.kind.rawValue, .weightGradient(p.name), p.gradient) }
        }
    }

    /// Records parameter gradients after a `backward` the caller ran itself.
    public func captureGradients(of model: Sequential) { recordParameterGradients(model: model) }

    /// The manifest: layers (name, type, output shape, parameters as Keras counts them, the
    /// non-trainable share and the roles that are buffers, input file) and every tensor
    /// (layer, role, shape, min, max, mean, zero fraction, file).
    /// Tensors of more than `largestFile` values get no file (`"file": null`, and why).
    public func manifest(extra: [String: JSONValue] = [:], largestFile: Int = .max) -> JSONValue {
        var tensors: [JSONValue] = []
        for e in entries {
            let s = TensorStats(e.tensor)
            var o: [String: JSONValue] = [
                "index": .int(e.index), "layer": .string(e.layer), "kind": .string(e.kind), "role": .string(e.role.name),
                "shape": .ints(e.tensor.shape), "min": .number(Double(s.min)), "max": .number(Double(s.max)),
                "mean": .number(Double(s.mean)), "zero_fraction": .number(Double(s.zeroFraction)),
                "file": .string("tensors/" + e.fileName),
            ]
            if e.tensor.count > largestFile {
                o["file"] = .null
                o["not_written"] = .string("\(e.tensor.count) values (more than \(largestFile)); `cnnviz inspect --all-tensors` writes it")
            }
            tensors.append(.object(o))
        }
        var layers: [JSONValue] = []
        var previousOutput = entries.first { $0.index == 0 }?.fileName
        for l in layerOrder {
            let output = entries.first { $0.index == l.index && $0.role == .output }?.fileName
            layers.append(.object([
                "index": .int(l.index), "name": .string(l.name), "kind": .string(l.kind),
                "output_shape": .ints(l.outputShape), "parameters": .int(l.parameters), "config": .object(l.config),
                "non_trainable_parameters": .int(l.nonTrainable), "buffers": .array(l.buffers.map { .string($0) }),
                "input_file": previousOutput.map { .string("tensors/" + $0) } ?? .null,
                "output_file": output.map { .string("tensors/" + $0) } ?? .null,
            ]))
            previousOutput = output
        }
        var object: [String: JSONValue] = ["format": .string("cnnviz-trace"), "version": .int(1),
                                           "layers": .array(layers), "tensors": .array(tensors)]
        for (k, v) in extra { object[k] = v }
        return .object(object)
    }

    /// Tensors larger than this (values) are written only when asked (`inspect --all-tensors`):
    /// the coursework's Dense kernel and its gradient are 15.7 MB each.
    public static let largeTensor = 1 << 20

    /// Writes `tensors/*.npy` and `manifest.json` into `folder` (which must exist); tensors of
    /// more than `largestFile` values are listed in the manifest but not written. Returns the
    /// manifest, so a page drawn next need not compute every tensor's statistics again.
    @discardableResult
    public func write(to folder: URL, extra: [String: JSONValue] = [:], largestFile: Int = .max) throws -> JSONValue {
        let tensorFolder = folder.appendingPathComponent("tensors")
        do {
            try FileManager.default.createDirectory(at: tensorFolder, withIntermediateDirectories: true)
        } catch {
            throw CNNError.writeFailed(path: tensorFolder.path, reason: FileErrorText.describe(error))
        }
        for e in entries where e.tensor.count <= largestFile {
            try AtomicWrite.file(NPY.encode(e.tensor), to: tensorFolder.appendingPathComponent(e.fileName))
        }
        let manifest = manifest(extra: extra, largestFile: largestFile)
        try AtomicWrite.file(Data(manifest.encodedString().utf8), to: folder.appendingPathComponent("manifest.json"))
        return manifest
    }
}

/// A trace read back from a folder written by `Trace.write`: the manifest and its tensors.
public struct SavedTrace {
    public struct TensorInfo: Equatable {
        public var index: Int
        public var layer: String
        public var kind: String
        public var role: TraceRole
        public var shape: [Int]
        public var file: String
    }

    public let folder: URL
    public let manifest: JSONValue
    public let tensors: [TensorInfo]

    public init(folder: URL) throws {
        self.folder = folder
        let url = folder.appendingPathComponent("manifest.json")
        let data = try RegularFile.read(url, limit: Limits.maxJSONBytes) { path, reason in
            CNNError.invalidInput("the trace manifest \(path) cannot be read: \(reason)", hint: "write the trace again with `cnnviz inspect`")
        }
        guard let manifest = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw CNNError.invalidInput("\(url.path) is not valid JSON", hint: "write the trace again with `cnnviz inspect`")
        }
        self.manifest = manifest
        tensors = (manifest.objectValue?["tensors"]?.arrayValue ?? []).compactMap { item in
            guard let o = item.objectValue, let layer = o["layer"]?.stringValue, let role = o["role"]?.stringValue,
                  let file = o["file"]?.stringValue else { return nil }
            return TensorInfo(index: o["index"]?.intValue ?? 0, layer: layer, kind: o["kind"]?.stringValue ?? "",
                              role: TraceRole(name: role), shape: o["shape"]?.arrayValue?.compactMap(\.intValue) ?? [], file: file)
        }
    }

    /// Loads the tensor of a layer and role from its `.npy` file.
    public func load(layer: String, role: TraceRole) throws -> Tensor? {
        guard let info = tensors.last(where: { $0.layer == layer && $0.role == role }) else { return nil }
        let url = folder.appendingPathComponent(info.file)
        let data = try RegularFile.read(url, limit: Limits.maxWeightsBytes) { path, reason in
            CNNError.invalidInput("the trace tensor \(path) cannot be read: \(reason)", hint: "write the trace again")
        }
        return try NPY.decode(data, path: url.path)
    }
}
