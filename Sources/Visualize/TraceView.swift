import CNNCore
import Foundation

/// A read-only view of a trace, in memory (`Trace`) or on disk (`SavedTrace`), that pictures and
/// pages are drawn from. Both come through the same manifest, so a page drawn from a folder is
/// the page drawn right after the forward pass.
public struct TraceView {
    /// One layer as the manifest lists it.
    public struct LayerInfo {
        public var index: Int
        public var name: String
        /// The layer's kind; nil for a class name this version does not know (a newer trace).
        public var kind: LayerKind?
        /// The Keras class name as the manifest spells it.
        public var kindName: String
        public var outputShape: [Int]
        /// Every weight, as Keras' "Param #"; `nonTrainableParameters` of them are buffers.
        public var parameters: Int
        public var nonTrainableParameters: Int = 0
        public var config: [String: JSONValue]

        /// A config entry as an integer pair (e.g. pool_size), or `fallback`.
        public func pair(_ key: String, _ fallback: (Int, Int)) -> (Int, Int) { config[key]?.intPair ?? fallback }
        public var activation: String { config["activation"]?.stringValue ?? "linear" }
    }

    /// One recorded tensor as the manifest lists it.
    public struct TensorInfo {
        public var index: Int
        public var layer: String
        public var role: TraceRole
        public var shape: [Int]
        /// Relative to the trace folder, e.g. "tensors/01_conv2d_output.npy".
        public var file: String
        public var stats: TensorStats
    }

    public let layers: [LayerInfo]
    public let tensors: [TensorInfo]
    private let loader: (String, TraceRole) throws -> Tensor?

    /// A view of an in-memory trace; tensors of more than `largestFile` values are listed without
    /// a file (as `Trace.write` leaves them) but can still be drawn.
    public init(_ trace: Trace, largestFile: Int = .max) {
        self.init(trace, manifest: trace.manifest(largestFile: largestFile))
    }

    /// A view of an in-memory trace through the manifest `Trace.write` returned.
    public init(_ trace: Trace, manifest: JSONValue) {
        self.init(manifest: manifest) { layer, role in trace.tensor(layer: layer, role: role) }
    }

    /// A view of a trace folder.
    public init(_ saved: SavedTrace) {
        self.init(manifest: saved.manifest) { layer, role in try saved.load(layer: layer, role: role) }
    }

    init(manifest: JSONValue, loader: @escaping (String, TraceRole) throws -> Tensor?) {
        let object = manifest.objectValue ?? [:]
        layers = (object["layers"]?.arrayValue ?? []).compactMap { item in
            guard let o = item.objectValue, let name = o["name"]?.stringValue else { return nil }
            let kindName = o["kind"]?.stringValue ?? ""
            return LayerInfo(index: o["index"]?.intValue ?? 0, name: name, kind: LayerKind(kerasName: kindName), kindName: kindName,
                             outputShape: o["output_shape"]?.arrayValue?.compactMap(\.intValue) ?? [],
                             parameters: o["parameters"]?.intValue ?? 0,
                             nonTrainableParameters: o["non_trainable_parameters"]?.intValue ?? 0,
                             config: o["config"]?.objectValue ?? [:])
        }
        tensors = (object["tensors"]?.arrayValue ?? []).compactMap { item in
            guard let o = item.objectValue, let layer = o["layer"]?.stringValue, let role = o["role"]?.stringValue,
                  let file = o["file"]?.stringValue else { return nil }
            func f(_ key: String) -> Float { Float(o[key]?.doubleValue ?? 0) }
            var stats = TensorStats(Tensor(shape: [0], data: []))
            stats.min = f("min"); stats.max = f("max"); stats.mean = f("mean"); stats.zeroFraction = f("zero_fraction")
            return TensorInfo(index: o["index"]?.intValue ?? 0, layer: layer, role: TraceRole(name: role),
                              shape: o["shape"]?.arrayValue?.compactMap(\.intValue) ?? [], file: file, stats: stats)
        }
        self.loader = loader
    }

    /// The tensor of a layer and role (.output, .preActivation, .kernel, .outputGradient …).
    public func tensor(_ layer: String, _ role: TraceRole) throws -> Tensor? { try loader(layer, role) }

    /// The model input (after preprocessing).
    public func input() throws -> Tensor? { try tensor("input", .output) }

    /// dLoss/d(model input), recorded as the first layer's input gradient (nil in traces
    /// written before inspect recorded it, or when backward stopped above the first layer).
    public func inputGradient() throws -> Tensor? {
        guard let first = layers.first else { return nil }
        return try tensor(first.name, .inputGradient)
    }

    /// What a layer received: the previous layer's output, or the model input for the first.
    public func input(of layer: LayerInfo) throws -> Tensor? {
        if let previous = layers.last(where: { $0.index < layer.index }) { return try tensor(previous.name, .output) }
        return try input()
    }

    /// The manifest entries of one layer (index 0 is the input).
    public func tensors(ofIndex index: Int) -> [TensorInfo] { tensors.filter { $0.index == index } }

    /// The manifest entry of a layer and role.
    public func info(_ layer: String, _ role: TraceRole) -> TensorInfo? { tensors.last { $0.layer == layer && $0.role == role } }
}
