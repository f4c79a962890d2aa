import CNNCore
import Foundation

/// Random image transforms with Keras `ImageDataGenerator`'s meaning, seeded.
///
/// `get_random_transform` draws, in this order and only for ranges that are set: rotation θ from
/// U(−r, r) degrees; the height shift tx and width shift ty from U(−r, r), times the image size
/// when r < 1 (pixels otherwise); shear from U(−s, s) **degrees** (so `shear_range=0.2` is at
/// most ±0.2°, a known surprise); zx and zy independently from U(lower, upper) (`zoom_range=0.2`
/// → U(0.8, 1.2)); a horizontal flip with probability 0.5. `rescale` is not part of this: the
/// batch iterator multiplies afterwards, as Keras' `standardize` does.
public struct Augmentation: Sendable, Equatable {
    public var rotationRange: Double
    public var widthShiftRange: Double
    public var heightShiftRange: Double
    public var shearRange: Double
    public var zoomLower: Double
    public var zoomUpper: Double
    public var horizontalFlip: Bool

    /// Keras' arguments: `zoomRange` z means [1 − z, 1 + z].
    public init(rotationRange: Double = 0, widthShiftRange: Double = 0, heightShiftRange: Double = 0,
                shearRange: Double = 0, zoomRange: Double = 0, horizontalFlip: Bool = false) {
        self.rotationRange = rotationRange
        self.widthShiftRange = widthShiftRange
        self.heightShiftRange = heightShiftRange
        self.shearRange = shearRange
        self.zoomLower = 1 - zoomRange
        self.zoomUpper = 1 + zoomRange
        self.horizontalFlip = horizontalFlip
    }

    /// The largest shear range, in degrees: at ±90° a shear folds the image onto a line.
    public static let maxShearDegrees = 90.0
    /// The largest rotation range, in degrees: a full turn.
    public static let maxRotationDegrees = 360.0
    /// The largest shift range, in pixels (as a fraction it is below 1): beyond 4096 pixels
    /// every image CNNViz trains on (64×64 by default) shows only its repeated edge pixels.
    public static let maxShiftPixels = 4096.0

    /// Why these ranges cannot be used, one sentence per range ("shear range inf is not a finite
    /// number"); empty when they are fine. Keras accepts any number and then fails or produces
    /// nonsense; CNNViz refuses non-finite values and states the bounds above.
    public var problems: [String] {
        var found = [String]()
        func check(_ name: String, _ value: Double, _ maximum: Double, _ unit: String) {
            if !value.isFinite {
                found.append("\(name) \(value) is not a finite number; give 0 to \(Self.format(maximum))\(unit)")
            } else if value < 0 || value > maximum {
                found.append("\(name) \(Self.format(value)) is outside 0 to \(Self.format(maximum))\(unit)")
            }
        }
        check("rotation range", rotationRange, Self.maxRotationDegrees, " degrees")
        check("width shift range", widthShiftRange, Self.maxShiftPixels, " (a fraction below 1, or pixels)")
        check("height shift range", heightShiftRange, Self.maxShiftPixels, " (a fraction below 1, or pixels)")
        check("shear range", shearRange, Self.maxShearDegrees, " degrees")
        let zoom = 1 - zoomLower
        if !(zoomLower.isFinite && zoomUpper.isFinite) || zoomLower <= 0 || zoomLower > zoomUpper {
            found.append("zoom range \(Self.format(zoom)) is not a number from 0 to below 1 (zx and zy come from U(1 − z, 1 + z))")
        }
        return found
    }

    static func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }

    /// The coursework's generator: `shear_range=0.2, zoom_range=0.2, horizontal_flip=True`.
    public static let coursework = Augmentation(shearRange: 0.2, zoomRange: 0.2, horizontalFlip: true)

    /// One draw: what `get_random_transform` returns.
    public struct Parameters: Sendable, Equatable {
        public var theta = 0.0, tx = 0.0, ty = 0.0, shear = 0.0, zx = 1.0, zy = 1.0
        public var flipHorizontal = false
        public init(theta: Double = 0, tx: Double = 0, ty: Double = 0, shear: Double = 0,
                    zx: Double = 1, zy: Double = 1, flipHorizontal: Bool = false) {
            self.theta = theta; self.tx = tx; self.ty = ty; self.shear = shear
            self.zx = zx; self.zy = zy; self.flipHorizontal = flipHorizontal
        }

        /// Short lines describing the draw, for preview panels (ASCII plus ×, so the built-in
        /// bitmap font can draw them): ["zoom 1.07×0.91", "shear -0.13 deg", "flip"].
        public var labelLines: [String] {
            var lines = [String]()
            if theta != 0 { lines.append(String(format: "rotate %.1f deg", theta)) }
            if tx != 0 || ty != 0 { lines.append(String(format: "shift %.1f, %.1f px", tx, ty)) }
            if shear != 0 { lines.append(String(format: "shear %.3f deg", shear)) }
            if zx != 1 || zy != 1 { lines.append(String(format: "zoom %.2f×%.2f", zx, zy)) }
            if flipHorizontal { lines.append("flipped") }
            return lines.isEmpty ? ["identity"] : lines
        }

        /// The same on one line.
        public var label: String { labelLines.joined(separator: ", ") }

        /// What is wrong with a transform given by hand (`cnnviz augment --zoom-x …`), each
        /// naming its option; empty when it can be applied.
        public var problems: [String] {
            var found = [String]()
            for (name, value, limit) in [("--rotation", theta, Augmentation.maxRotationDegrees), ("--shear", shear, Augmentation.maxShearDegrees),
                                         ("--height-shift", tx, Augmentation.maxShiftPixels), ("--width-shift", ty, Augmentation.maxShiftPixels)]
                where !(value.isFinite && abs(value) <= limit) {
                found.append("\(name) \(Augmentation.format(value)) is not a number from −\(Augmentation.format(limit)) to \(Augmentation.format(limit))")
            }
            for (name, value) in [("--zoom-x", zx), ("--zoom-y", zy)] where !(value.isFinite && value >= 0.01 && value <= 100) {
                found.append("\(name) \(Augmentation.format(value)) is not a zoom factor from 0.01 to 100 (1 leaves the size; Keras' zx and zy)")
            }
            return found
        }
    }

    /// Draws parameters for an image of `height`×`width`, in Keras' order.
    public func randomParameters(height: Int, width: Int, rng: inout SeededRNG) -> Parameters {
        var p = Parameters()
        if rotationRange != 0 { p.theta = rng.uniform(-rotationRange, rotationRange) }
        if heightShiftRange != 0 {
            p.tx = rng.uniform(-heightShiftRange, heightShiftRange)
            if heightShiftRange < 1 { p.tx *= Double(height) }
        }
        if widthShiftRange != 0 {
            p.ty = rng.uniform(-widthShiftRange, widthShiftRange)
            if widthShiftRange < 1 { p.ty *= Double(width) }
        }
        if shearRange != 0 { p.shear = rng.uniform(-shearRange, shearRange) }
        if !(zoomLower == 1 && zoomUpper == 1) {
            p.zx = rng.uniform(zoomLower, zoomUpper)
            p.zy = rng.uniform(zoomLower, zoomUpper)
        }
        if horizontalFlip { p.flipHorizontal = rng.nextUnitDouble() < 0.5 }
        return p
    }

    /// Applies a draw to 8-bit RGB pixels and writes H·W·3 floats (0…255 before `scale`, times
    /// `scale`) into `output`, one pixel at a time: the readable twin of the fast `apply` (in
    /// `Augmentation+Fast.swift`), which must give the same bits. See `AffineTransform` for the geometry.
    public static func applyReference(_ p: Parameters, pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                                      scale: Float, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(pixels.count >= width * height * 3 && output.count >= width * height * 3)
        let affine = AffineTransform(p, height: height, width: width)
        for r in 0..<height {
            for c in 0..<width {
                // The flip comes after the affine transform in Keras: output column c shows
                // the transformed image's column width − 1 − c.
                let sourceColumn = p.flipHorizontal ? width - 1 - c : c
                let o = (r * width + c) * 3
                if let affine {
                    let (y, x) = affine.sourceCoordinate(row: r, column: sourceColumn)
                    AffineTransform.sampleBilinearNearestEdge(pixels, width: width, height: height, y: y, x: x,
                                                              scale: scale, into: output, at: o)
                } else {
                    let i = (r * width + sourceColumn) * 3
                    output[o] = Float(pixels[i]) * scale
                    output[o + 1] = Float(pixels[i + 1]) * scale
                    output[o + 2] = Float(pixels[i + 2]) * scale
                }
            }
        }
    }

    /// Applies a draw to an image; values 0…255 as floats (Keras keeps them unrounded).
    public static func apply(_ p: Parameters, to image: RGBImage) -> [Float] {
        var out = [Float](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { apply(p, pixels: source, width: image.width, height: image.height, scale: 1, into: $0) }
        }
        return out
    }

    /// Applies a draw and rounds back to an 8-bit image (for previews).
    public static func applied(_ p: Parameters, to image: RGBImage) -> RGBImage {
        let values = apply(p, to: image)
        // Values are 0…255 for any finite draw; a NaN (from ranges a caller did not check against
        // `problems`) becomes 0 rather than a trap in Int(_:).
        return RGBImage(width: image.width, height: image.height,
                        pixels: values.map { $0.isFinite ? UInt8(clamping: Int($0.rounded())) : ($0 > 0 ? 255 : 0) })
    }
}
