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

    /// Draws the sheet and writes it to `output` (a new file, or one cnnviz wrote before).
    public static func run(image url: URL, augmentation: Augmentation, seed: UInt64, count: Int, size: Int,
                           scale: Int, output: URL) throws {
        let original = try ImageLoader.load(url, width: size, height: size)
        var rng = SeededRNG(seed: seed)
        var panels = [(RGBImage, [String])]()
        panels.append((original, ["original", "\(size)×\(size), nearest"]))
        for i in 0..<count {
            let p = augmentation.randomParameters(height: size, width: size, rng: &rng)
            panels.append((Augmentation.applied(p, to: original), ["draw \(i + 1)"] + p.labelLines))
        }
        let sheet = AugmentSheet(title: "Augmentation preview: \(url.lastPathComponent)",
                                 subtitle: [kerasLine(augmentation), "seed \(seed). shear_range is in degrees (Keras): 0.2 means at most 0.2 deg."],
                                 panels: panels, scale: scale).render()
        try OutputFolder.create(output.deletingLastPathComponent())
        try ImageFile.write(sheet, to: output)
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
