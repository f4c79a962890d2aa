import ArgumentParser
import CNNCore
import Foundation
import ImageFiles
import Workflows

/// `cnnviz augment IMAGE`: one PNG sheet showing ImageDataGenerator's random transforms.
struct AugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Preview ImageDataGenerator augmentation of one image as a PNG sheet.",
        discussion: """
        Loads IMAGE as flow_from_directory does (resized to --size with nearest neighbour), then \
        draws --count random transforms with Keras' meaning and writes one PNG: the original and \
        each draw, labelled with its parameters. The defaults are the coursework's \
        ImageDataGenerator(shear_range=0.2, zoom_range=0.2, horizontal_flip=True). Note that \
        Keras reads shear_range in DEGREES: 0.2 shears by at most 0.2°, less than a pixel.
        """
    )

    @Argument(help: "A .png or .jpg image.")
    var image: String

    @Option(help: "Seed for the random draws (same seed, same sheet).")
    var seed: UInt64 = 1

    @Option(help: "Where to write the sheet (.png). Default: output/augment-<image name>.png.")
    var output: String?

    @Option(help: "shear_range, in degrees as Keras reads it.")
    var shear = 0.2

    @Option(help: "zoom_range z: zx and zy drawn independently from U(1 − z, 1 + z).")
    var zoom = 0.2

    @Flag(inversion: .prefixedNo, help: "horizontal_flip: flip with probability 0.5.")
    var flip = true

    @Option(help: "rotation_range, degrees.")
    var rotation = 0.0

    @Option(help: "width_shift_range (a fraction of the width if below 1, else pixels).")
    var widthShift = 0.0

    @Option(help: "height_shift_range (a fraction of the height if below 1, else pixels).")
    var heightShift = 0.0

    @Option(help: "Number of random draws shown.")
    var count = 8

    @Option(help: "target_size the image is resized to first (square).")
    var size = 64

    @Option(help: "Each image pixel becomes a SCALE×SCALE block on the sheet.")
    var scale = 3

    func validate() throws {
        guard count >= 1 && count <= 64 else { throw ValidationError("--count must be between 1 and 64, got \(count).") }
        guard size >= 4 && size <= 512 else { throw ValidationError("--size must be between 4 and 512, got \(size).") }
        guard scale >= 1 && scale <= 8 else { throw ValidationError("--scale must be between 1 and 8, got \(scale).") }
        // Non-finite or huge ranges (`--shear inf`) are refused here, before the image is read;
        // `Augmentation.problems` states each bound.
        let options = ["rotation range": "--rotation", "width shift range": "--width-shift", "height shift range": "--height-shift",
                       "shear range": "--shear", "zoom range": "--zoom"]
        if let problem = augmentation.problems.first {
            let option = options.first { problem.hasPrefix($0.key) }
            let text = option.map { $0.value + problem.dropFirst($0.key.count) } ?? problem
            throw ValidationError("\(text). Example: --shear 0.2 --zoom 0.2 --rotation 10.")
        }
        if let output, !output.lowercased().hasSuffix(".png") {
            throw ValidationError("--output must name a .png file, got '\(output)'.")
        }
    }

    func run() throws {
        try CLIError.guarding {
            let url = URL(fileURLWithPath: image)
            let destination = output.map { URL(fileURLWithPath: $0) } ?? AugmentPreview.defaultOutput(for: url)
            try AugmentPreview.run(image: url, augmentation: augmentation, seed: seed, count: count, size: size,
                                   scale: scale, output: destination)
            print("Wrote \(destination.path) (\(count) draws, seed \(seed)).")
        }
    }

    /// The generator the options describe.
    var augmentation: Augmentation {
        Augmentation(rotationRange: rotation, widthShiftRange: widthShift, heightShiftRange: heightShift,
                     shearRange: shear, zoomRange: zoom, horizontalFlip: flip)
    }
}
