import CNNCore
import Foundation
import ImageFiles
import Visualize

/// The pictures the training report keeps of every epoch: the first Conv2D layer's kernels and
/// its feature maps for two fixed probe images (one per class), drawn from a trace.
public struct EpochPictures {
    /// A probe: one image the report follows through training.
    public struct Probe {
        public var name: String
        public var image: RGBImage
        public var className: String
    }

    public let folder: URL
    public let probes: [Probe]
    public let rescale: Float

    public static let kernelFolder = "kernels"
    public static let probeFolder = "probes"

    public init(folder: URL, probes: [Probe], rescale: Float) {
        self.folder = folder
        self.probes = probes
        self.rescale = rescale
    }

    public static func kernelFile(epoch: Int) -> String { "\(kernelFolder)/epoch-\(pad(epoch)).png" }
    public static func probeFile(_ probe: String, epoch: Int) -> String { "\(probeFolder)/\(probe)-epoch-\(pad(epoch)).png" }
    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Draws and writes the pictures of one epoch (epoch 0 = before training).
    public func write(epoch: Int, model: Sequential) throws {
        guard let conv = model.layers.first(where: { $0 is Conv2D }) else { return }
        for sub in [EpochPictures.kernelFolder, EpochPictures.probeFolder] {
            try OutputFolder.create(folder.appendingPathComponent(sub))
        }
        let when = epoch == 0 ? "before training" : "after epoch \(epoch)"
        for probe in probes {
            let trace = Trace()
            _ = try model.forward(probe.image.tensor(rescale: rescale), trace: trace)
            if probe.name == probes.first?.name, let kernel = trace.tensor(layer: conv.name, role: .kernel) {
                let picture = LayerPictures.kernels(kernel, bias: trace.tensor(layer: conv.name, role: .bias),
                                                    title: "\(conv.name) kernels \(when)")
                try ImageFile.write(picture, to: folder.appendingPathComponent(EpochPictures.kernelFile(epoch: epoch)))
            }
            if let maps = trace.tensor(layer: conv.name, role: .output) {
                let picture = LayerPictures.featureMaps(maps, title: "\(conv.name) feature maps of \(probe.name) (\(probe.className)) \(when)",
                                                        map: .viridis)
                try ImageFile.write(picture, to: folder.appendingPathComponent(EpochPictures.probeFile(probe.name, epoch: epoch)))
            }
        }
    }
}
