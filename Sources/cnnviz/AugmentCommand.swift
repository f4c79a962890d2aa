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
        A fixed transform instead of random draws: --fixed (or --zoom-x/--zoom-y), where --shear, \
        --rotation, --width-shift and --height-shift are the values themselves (degrees, pixels), \
        --zoom-x/--zoom-y Keras' zx and zy, and --flip flips; Keras' apply_transform with the \
        same values gives the same picture. --json prints the transforms applied.
        Example: cnnviz augment cat.1.jpg --shear 15 --zoom-x 0.8 --zoom-y 1.2 --flip --json
        """
    )

    @Argument(help: "A .png or .jpg image.")
    var image: String

    @Option(help: "Seed for the random draws (same seed, same sheet).")
    var seed: UInt64 = 1

    @Option(help: "Where to write the sheet (.png). Default: output/augment-<image name>.png.")
    var output: String?

    @Option(help: "shear_range, in degrees as Keras reads it (default 0.2); with a fixed transform, the shear angle in degrees.")
    var shear: Double?

    @Option(help: "zoom_range z: zx and zy drawn independently from U(1 − z, 1 + z) (default 0.2).")
    var zoom: Double?

    @Option(name: .customLong("zoom-x"), help: "A fixed transform's zx (Keras' apply_transform; 1 keeps the size, below 1 zooms in).")
    var zoomX: Double?

    @Option(name: .customLong("zoom-y"), help: "A fixed transform's zy.")
    var zoomY: Double?

    @Flag(inversion: .prefixedNo, help: "horizontal_flip: flip with probability 0.5 (on by default); with a fixed transform, flip it.")
    var flip: Bool?

    @Flag(help: "Apply one transform given by the options instead of random draws.")
    var fixed = false

    @Option(help: "rotation_range, degrees; with a fixed transform, the angle (theta).")
    var rotation = 0.0

    @Option(help: "width_shift_range (a fraction of the width if below 1, else pixels); with a fixed transform, ty in pixels.")
    var widthShift = 0.0

    @Option(help: "height_shift_range (a fraction of the height if below 1, else pixels); with a fixed transform, tx in pixels.")
    var heightShift = 0.0

    @Option(help: "Number of random draws shown.")
    var count = 8

    @Option(help: "target_size the image is resized to first (square).")
    var size = 64

    @Option(help: "Each image pixel becomes a SCALE×SCALE block on the sheet.")
    var scale = 3

    @Flag(help: "Print the transforms applied (Keras' apply_transform keys) as JSON.")
    var json = false

    /// A transform given by hand rather than drawn.
    var isFixed: Bool { fixed || zoomX != nil || zoomY != nil }

    func validate() throws {
        guard count >= 1 && count <= 64 else { throw ValidationError("--count must be between 1 and 64, got \(count).") }
        guard size >= 4 && size <= 512 else { throw ValidationError("--size must be between 4 and 512, got \(size).") }
        guard scale >= 1 && scale <= 8 else { throw ValidationError("--scale must be between 1 and 8, got \(scale).") }
        if isFixed {
            if zoom != nil { throw ValidationError("--zoom is a range for random draws; a fixed transform takes --zoom-x and --zoom-y.") }
            if let problem = transform.problems.first { throw ValidationError("\(problem). Example: --shear 15 --zoom-x 0.8 --zoom-y 1.2 --flip.") }
        } else {
            // Non-finite or huge ranges (`--shear inf`) are refused here, before the image is read;
            // `Augmentation.problems` states each bound.
            let options = ["rotation range": "--rotation", "width shift range": "--width-shift", "height shift range": "--height-shift",
                           "shear range": "--shear", "zoom range": "--zoom"]
            if let problem = augmentation.problems.first {
                let option = options.first { problem.hasPrefix($0.key) }
                let text = option.map { $0.value + problem.dropFirst($0.key.count) } ?? problem
                throw ValidationError("\(text). Example: --shear 0.2 --zoom 0.2 --rotation 10.")
            }
        }
        if let output, !output.lowercased().hasSuffix(".png") {
            throw ValidationError("--output must name a .png file, got '\(output)'.")
        }
    }

    func run() throws {
        try CLIError.guarding {
            let url = URL(fileURLWithPath: image)
            let destination = output.map { URL(fileURLWithPath: $0) } ?? AugmentPreview.defaultOutput(for: url)
            let draws: AugmentPreview.Draws = isFixed ? .fixed(transform) : .random(augmentation, seed: seed, count: count)
            let applied = try AugmentPreview.run(image: url, draws: draws, size: size, scale: scale, output: destination)
            if json {
                var object: [String: JSONValue] = [
                    "image": .string(url.path), "size": .int(size), "output": .string(destination.path),
                    "transforms": .array(applied.map(AugmentPreview.json)),
                ]
                if !isFixed {
                    object["seed"] = .int(Int(seed % (1 << 52)))
                    object["generator"] = .string(AugmentPreview.kerasLine(augmentation))
                }
                print(JSONValue.object(object).encodedString())
            } else {
                print(isFixed ? "Wrote \(destination.path) (the transform \(AugmentPreview.kerasTransform(transform)))."
                      : "Wrote \(destination.path) (\(count) draws, seed \(seed)).")
            }
        }
    }

    /// The generator the options describe (random draws).
    var augmentation: Augmentation {
        Augmentation(rotationRange: rotation, widthShiftRange: widthShift, heightShiftRange: heightShift,
                     shearRange: shear ?? 0.2, zoomRange: zoom ?? 0.2, horizontalFlip: flip ?? true)
    }

    /// The one transform the options describe (--fixed): Keras' apply_transform values.
    var transform: Augmentation.Parameters {
        Augmentation.Parameters(theta: rotation, tx: heightShift, ty: widthShift, shear: shear ?? 0,
                                zx: zoomX ?? 1, zy: zoomY ?? 1, flipHorizontal: flip ?? false)
    }
}
