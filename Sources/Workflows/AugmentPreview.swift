import CNNCore
import Foundation
import ImageFiles
import Visualize

/// `cnnviz augment`: one image, resized as `flow_from_directory` does, then `count` random
/// draws of ImageDataGenerator's transform, drawn on one PNG sheet with their parameters.
public enum AugmentPreview {
    /// `output/augment-<image name>.png`.
    public static func defaultOutput(for image: URL) -> URL {
        URL(fileURLWithPath: OutputFolder.defaultRoot).appendingPathComponent("augment-\(image.deletingPathExtension().lastPathComponent).png")
    }

    /// What the sheet shows: random draws of a generator, or one transform given by hand.
    public enum Draws {
        case random(Augmentation, seed: UInt64, count: Int)
        case fixed(Augmentation.Parameters)
    }

    /// Draws the sheet and writes it to `output` (a new file, or one cnnviz wrote before);
    /// returns the transforms it applied, in order.
    @discardableResult
    public static func run(image url: URL, draws: Draws, size: Int, scale: Int, output: URL) throws -> [Augmentation.Parameters] {
        let original = try ImageLoader.load(url, width: size, height: size)
        let transforms: [Augmentation.Parameters], subtitle: [String]
        switch draws {
        case let .random(augmentation, seed, count):
            var rng = SeededRNG(seed: seed)
            transforms = (0..<count).map { _ in augmentation.randomParameters(height: size, width: size, rng: &rng) }
            subtitle = [kerasLine(augmentation), "seed \(seed). shear_range is in degrees (Keras): 0.2 means at most 0.2 deg."]
        case let .fixed(p):
            transforms = [p]
            subtitle = ["apply_transform(x, " + kerasTransform(p) + ")", "one transform, given by hand (shear in degrees, as Keras)."]
        }
        var panels = [(RGBImage, [String])]()
        panels.append((original, ["original", "\(size)×\(size), nearest"]))
        for (i, p) in transforms.enumerated() {
            panels.append((Augmentation.applied(p, to: original), [transforms.count == 1 ? "transformed" : "draw \(i + 1)"] + p.labelLines))
        }
        let sheet = AugmentSheet(title: "Augmentation preview: \(url.lastPathComponent)", subtitle: subtitle, panels: panels, scale: scale).render()
        try OutputFolder.create(output.deletingLastPathComponent())
        try ImageFile.write(sheet, to: output)
        return transforms
    }

    /// A transform in the keys of Keras' `ImageDataGenerator.apply_transform` (a Python dict).
    public static func kerasTransform(_ p: Augmentation.Parameters) -> String {
        let values = [("theta", p.theta), ("tx", p.tx), ("ty", p.ty), ("shear", p.shear), ("zx", p.zx), ("zy", p.zy)]
        return "{" + values.map { "'\($0.0)': " + String(format: "%g", $0.1) }.joined(separator: ", ")
            + ", 'flip_horizontal': " + (p.flipHorizontal ? "True" : "False") + "}"
    }

    /// The same for `--json`, full precision.
    public static func json(_ p: Augmentation.Parameters) -> JSONValue {
        .object(["theta": .number(p.theta), "tx": .number(p.tx), "ty": .number(p.ty), "shear": .number(p.shear),
                 "zx": .number(p.zx), "zy": .number(p.zy), "flip_horizontal": .bool(p.flipHorizontal)])
    }

    /// The generator as Keras code would spell it ("%g": 0.2, not 0.19999999999999996).
    public static func kerasLine(_ a: Augmentation) -> String {
        let ranges = [("rotation_range", a.rotationRange), ("width_shift_range", a.widthShiftRange),
                      ("height_shift_range", a.heightShiftRange), ("shear_range", a.shearRange),
                      ("zoom_range", a.zoomUpper - 1)]
        var parts = ranges.filter { $0.1 != 0 }.map { "\($0.0)=" + String(format: "%g", $0.1) }
        if a.horizontalFlip { parts.append("horizontal_flip=True") }
        return "ImageDataGenerator(" + parts.joined(separator: ", ") + ")"
    }
}
