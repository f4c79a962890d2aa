import CNNCore
import Foundation
import ImageFiles
import Visualize

/// The pictures the training report keeps of every epoch: the first Conv2D layer's kernels, how
/// far they moved since the start, and its feature maps for two fixed probe images (one per
/// class), drawn from a trace.
///
/// The start is kept as `report/initial-weights.safetensors` (written before the first epoch,
/// read back when a run resumes), so "change since the start" and how far each layer moved can
/// be shown on a scale of their own: after 32 epochs the conv kernels of the coursework move about
/// 25% while the dense layer moves about 200%, and side by side the kernels look unchanged.
public final class EpochPictures {
    /// A probe: one image the report follows through training.
    public struct Probe {
        public var name: String
        public var image: RGBImage
        public var className: String
    }

    public let folder: URL
    public let probes: [Probe]
    public let rescale: Float
    /// The language of the titles and of every word drawn into the pictures.
    public var language: Language = .en

    public static let kernelFolder = "kernels"
    public static let probeFolder = "probes"
    public static let initialWeightsFile = "initial-weights.safetensors"
    /// The weights before the first epoch, by Keras name (nil until written or read).
    private var initial: [String: Tensor]?

    public init(folder: URL, probes: [Probe], rescale: Float) {
        self.folder = folder
        self.probes = probes
        self.rescale = rescale
    }

    public static func kernelFile(epoch: Int) -> String { "\(kernelFolder)/epoch-\(pad(epoch)).png" }
    public static func probeFile(_ probe: String, epoch: Int) -> String { "\(probeFolder)/\(probe)-epoch-\(pad(epoch)).png" }
    public static func changeFile(epoch: Int) -> String { "\(kernelFolder)/change-epoch-\(pad(epoch)).png" }
    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Draws and writes the pictures of one epoch (epoch 0 = before training, when the start
    /// is also saved).
    public func write(epoch: Int, model: Sequential) throws {
        guard model.layers.contains(where: { $0 is Conv2D }) else { return }
        if epoch == 0 { try saveInitial(model) }
        try draw(epoch: epoch, model: model)
    }

    /// A copy of `model`'s layers up to its first Conv2D with their weights as they are now:
    /// all that `draw` needs, so that an epoch's pictures can be drawn on another thread while
    /// the model trains on (`TrainingSession` does). The weights are copy-on-write arrays, so
    /// the copy costs nothing until the next step writes the model's own. Nil without a Conv2D.
    public static func pictureModel(_ model: Sequential) throws -> Sequential? {
        guard let index = model.layers.firstIndex(where: { $0 is Conv2D }) else { return nil }
        let layers = model.layers.prefix(through: index).map { (className: $0.kind.rawValue, config: $0.config) }
        let copy = try ModelSpec(inputShape: model.inputShape, layers: layers).build()
        for (target, source) in zip(copy.layers, model.layers) {
            for (t, s) in zip(target.parameters + target.buffers, source.parameters + source.buffers) { t.value = s.value }
        }
        return copy
    }

    /// Draws the pictures of one epoch from `model` (the trained model, or its `pictureModel`),
    /// which is only read. The start must be known by then (`write` at epoch 0, or the file a
    /// resumed run left).
    public func draw(epoch: Int, model: Sequential) throws {
        guard let conv = model.layers.first(where: { $0 is Conv2D }) as? Conv2D else { return }
        for sub in [EpochPictures.kernelFolder, EpochPictures.probeFolder] {
            try OutputFolder.create(folder.appendingPathComponent(sub))
        }
        let l = language
        let when = epoch == 0 ? l.pick("before training", "antes de entrenar") : l.pick("after epoch \(epoch)", "tras la época \(epoch)")
        if epoch > 0, let start = try initialWeights(), let kernel = conv.kernel?.value,
           let startKernel = start["\(conv.name).kernel"], startKernel.shape == kernel.shape {
            let change = Tensor(shape: kernel.shape, data: zip(kernel.data, startKernel.data).map { $0 - $1 })
            let bias = conv.bias.flatMap { b in start["\(conv.name).bias"].map { Tensor(shape: b.value.shape, data: zip(b.value.data, $0.data).map { $0 - $1 }) } }
            let picture = LayerPictures.kernels(change, bias: bias, title: l.pick("\(conv.name): change of the kernels since the start, \(when) (own scale)",
                                                                                 "\(conv.name): cambio desde el inicio, \(when) (escala propia)"), language: l)
            try ImageFile.write(picture, to: folder.appendingPathComponent(EpochPictures.changeFile(epoch: epoch)))
        }
        for probe in probes {
            let trace = Trace()
            // Up to the conv layer only: the Dense layers above it (3.9 M weights on the reference
            // engine) took most of the per-epoch pictures' time.
            _ = try model.forward(probe.image.tensor(rescale: rescale), through: model.layers.firstIndex { $0 === conv } ?? model.layers.count - 1,
                                  trace: trace)
            if probe.name == probes.first?.name, let kernel = trace.tensor(layer: conv.name, role: .kernel) {
                let picture = LayerPictures.kernels(kernel, bias: trace.tensor(layer: conv.name, role: .bias),
                                                    title: l.pick("\(conv.name) kernels \(when)", "\(conv.name): kernels \(when)"), language: l)
                try ImageFile.write(picture, to: folder.appendingPathComponent(EpochPictures.kernelFile(epoch: epoch)))
            }
            if let maps = trace.tensor(layer: conv.name, role: .output) {
                let picture = LayerPictures.featureMaps(maps, title: l.pick("\(conv.name) feature maps of \(probe.name) (\(probe.className)) \(when)",
                                                                            "\(conv.name): mapas de características de \(probe.name) («\(probe.className)») \(when)"),
                                                        map: .viridis, normalization: .perMap, language: l)
                try ImageFile.write(picture, to: folder.appendingPathComponent(EpochPictures.probeFile(probe.name, epoch: epoch)))
            }
        }
    }

    /// How far each trainable array moved since the start: ‖w − w₀‖ / ‖w₀‖ (nil where the
    /// start is unknown or zero, as for biases that start at 0: then ‖w − w₀‖ is given).
    public func movement(_ model: Sequential) throws -> [(name: String, relative: Double?, distance: Double)] {
        guard let start = try initialWeights() else { return [] }
        return SavedModel.namedParameters(model).compactMap { name, tensor -> (name: String, relative: Double?, distance: Double)? in
            guard let w0 = start[name], w0.count == tensor.count else { return nil }
            var distance = 0.0, size = 0.0
            for (w, s) in zip(tensor.data, w0.data) {
                distance += Double(w - s) * Double(w - s)
                size += Double(s) * Double(s)
            }
            return (name, size > 0 ? distance.squareRoot() / size.squareRoot() : nil, distance.squareRoot())
        }
    }

    /// Writes the start (`initial-weights.safetensors`) and keeps it for the change pictures.
    public func saveInitial(_ model: Sequential) throws {
        try OutputFolder.create(folder)
        let weights = SavedModel.namedParameters(model)
        try AtomicWrite.file(Safetensors.encode(weights), to: folder.appendingPathComponent(EpochPictures.initialWeightsFile))
        initial = Dictionary(weights.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    }

    /// The start, from memory or from the file a resumed run left.
    func initialWeights() throws -> [String: Tensor]? {
        if let initial { return initial }
        let url = folder.appendingPathComponent(EpochPictures.initialWeightsFile)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data = try RegularFile.read(url, limit: Limits.maxWeightsBytes) { path, reason in
            CNNError.invalidInput("the report's starting weights \(path) cannot be read: \(reason)", hint: "train again without --resume")
        }
        initial = try Safetensors.decode(data, path: url.path)
        return initial
    }
}

extension EpochPictures {
    /// Before the first epoch: saves the start and has epoch 0's pictures drawn by `background`
    /// (nothing for a model without Conv2D, as `write`).
    public func start(_ model: Sequential, on background: BackgroundWork) throws {
        guard model.layers.contains(where: { $0 is Conv2D }) else { return }
        try saveInitial(model)
        try drawInBackground(epoch: 0, model: model, on: background)
    }

    /// Copies what the pictures of `epoch` need from `model` (its `pictureModel`) and hands the
    /// drawing and writing to `background`, so that the training goes on meanwhile. The start
    /// must be saved first (`saveInitial`) or left by the run being resumed.
    public func drawInBackground(epoch: Int, model: Sequential, on background: BackgroundWork) throws {
        guard let copy = try EpochPictures.pictureModel(model) else { return }
        background.submit("report pictures per epoch") { [self] in try draw(epoch: epoch, model: copy) }
    }
}
