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
    /// `scale`) into `output`. See `AffineTransform` for the geometry.
    public static func apply(_ p: Parameters, pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
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
        return RGBImage(width: image.width, height: image.height,
                        pixels: values.map { UInt8(clamping: Int(($0).rounded())) })
    }
}
