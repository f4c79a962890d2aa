/// Resizing with PIL's pixel-centre convention, so CNNViz picks the same source pixels as Keras.
///
/// Both methods treat pixel i as covering [i, i+1) with its centre at i + 0.5, as PIL does.
public enum Resize {
    /// How to resample; `.nearest` is Keras' default for `load_img` and `flow_from_directory`.
    public enum Interpolation: String, Sendable, CaseIterable { case nearest, bilinear }

    /// Resizes with the given method.
    public static func resize(_ image: RGBImage, width: Int, height: Int, interpolation: Interpolation) -> RGBImage {
        switch interpolation {
        case .nearest: return nearest(image, width: width, height: height)
        case .bilinear: return bilinear(image, width: width, height: height)
        }
    }

    /// PIL's NEAREST: output x takes source ⌊(x + 0.5) · src / dst⌋.
    ///
    /// 10 → 4 picks 1, 3, 6, 8; 3 → 7 picks 0, 0, 1, 1, 1, 2, 2.
    public static func nearest(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        image.pixels.withUnsafeBufferPointer { source in
            nearest(source, width: image.width, height: image.height, toWidth: width, toHeight: height)
        }
    }

    /// The source indices nearest resizing picks along one axis.
    public static func nearestIndices(from source: Int, to target: Int) -> [Int] {
        // PIL computes in double precision: (x + 0.5) · scale with scale = src / dst.
        let scale = Double(source) / Double(target)
        return (0..<target).map { x in min(Int((Double(x) + 0.5) * scale), source - 1) }
    }

    /// Nearest resize of RGB pixels in any buffer (used on C-owned decoder output, without copy).
    static func nearest(_ source: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                        toWidth: Int, toHeight: Int) -> RGBImage {
        precondition(toWidth >= 0 && toHeight >= 0 && source.count >= width * height * 3)
        if toWidth == width && toHeight == height { return RGBImage(width: width, height: height, pixels: Array(source)) }
        let xs = nearestIndices(from: width, to: toWidth)
        let ys = nearestIndices(from: height, to: toHeight)
        var out = [UInt8](repeating: 0, count: toWidth * toHeight * 3)
        out.withUnsafeMutableBufferPointer { target in
            var o = 0
            for y in ys {
                let row = y * width * 3
                for x in xs {
                    let i = row + x * 3
                    target[o] = source[i]; target[o + 1] = source[i + 1]; target[o + 2] = source[i + 2]
                    o += 3
                }
            }
        }
        return RGBImage(width: toWidth, height: toHeight, pixels: out)
    }
}
