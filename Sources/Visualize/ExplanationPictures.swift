import CNNCore
import ImageFiles

/// The pictures of `cnnviz explain`: maps of numbers laid over the photo as the model sees it.
/// Draws only; the numbers come from Workflows' `ExplanationMaps`.
public enum ExplanationPictures {
    /// The side of the square overlays, in pixels (the 64×64 input enlarged 4×).
    public static let size = 256

    /// Bilinear resampling of a `width`×`height` map (row-major) to `toWidth`×`toHeight`, with
    /// pixel centres aligned (as `cv2.resize` and `tf.image.resize`, half-pixel centres), edges clamped.
    public static func upsample(_ values: [Float], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [Float] {
        precondition(values.count == width * height && width > 0 && height > 0, "a \(width)×\(height) map needs \(width * height) values")
        func taps(_ o: Int, _ src: Int, _ dst: Int) -> (Int, Int, Float) {
            let c = max(0, min(Float(src - 1), (Float(o) + 0.5) * Float(src) / Float(dst) - 0.5))
            let i0 = Int(c)
            return (i0, min(i0 + 1, src - 1), c - Float(i0))
        }
        var out = [Float](repeating: 0, count: toWidth * toHeight)
        for y in 0..<toHeight {
            let (y0, y1, fy) = taps(y, height, toHeight)
            for x in 0..<toWidth {
                let (x0, x1, fx) = taps(x, width, toWidth)
                let top = values[y0 * width + x0] * (1 - fx) + values[y0 * width + x1] * fx
                let bottom = values[y1 * width + x0] * (1 - fx) + values[y1 * width + x1] * fx
                out[y * toWidth + x] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }

    /// `photo` (size×size) with `map` (size×size values) laid over it. Unsigned maps (viridis):
    /// every pixel half photo, half colour, so 0 darkens to purple and the largest value shines
    /// yellow. Signed maps (diverging): the opacity grows with |v|, so zero leaves the photo as it is.
    public static func overlay(_ photo: RGBImage, _ map: [Float], colormap: Colormap, range: ValueRange) -> RGBImage {
        precondition(map.count == photo.width * photo.height, "the map must have one value per pixel of the photo")
        var pixels = photo.pixels
        for i in 0..<map.count {
            let t = range.position(map[i])
            let strength = colormap.isSigned ? abs(t - 0.5) * 2 : t
            let c = colormap.color(map[i], in: range)
            let under = RGB(photo.pixels[i * 3], photo.pixels[i * 3 + 1], photo.pixels[i * 3 + 2])
            let mixed = under.mixed(with: c, colormap.isSigned ? 0.8 * strength : 0.55)
            pixels[i * 3] = mixed.r; pixels[i * 3 + 1] = mixed.g; pixels[i * 3 + 2] = mixed.b
        }
        return RGBImage(width: photo.width, height: photo.height, pixels: pixels)
    }

    /// A map on its own, each cell an enlarged block (nearest), so a student can count cells.
    public static func cells(_ map: [Float], width: Int, height: Int, colormap: Colormap, range: ValueRange) -> RGBImage {
        let scale = max(1, size / max(width, height))
        return ImageOps.enlarge(Heatmap.image(map, width: width, height: height, map: colormap, range: range), scale: scale)
    }

    /// Saliency (H, W, C) → (max over channels of |g|, the channel value of largest magnitude with its sign).
    public static func saliencyViews(_ g: Tensor) -> (magnitude: [Float], signed: [Float]) {
        let c = g.shape[g.rank - 1], n = g.count / c
        var magnitude = [Float](repeating: 0, count: n), signed = [Float](repeating: 0, count: n)
        for p in 0..<n {
            for k in 0..<c where abs(g.data[p * c + k]) > magnitude[p] {
                magnitude[p] = abs(g.data[p * c + k])
                signed[p] = g.data[p * c + k]
            }
        }
        return (magnitude, signed)
    }

    /// The occlusion map spread back onto the input's pixels: each pixel gets the mean of the
    /// cells whose patch covered it (0 where none did), so the map lines up with the photo.
    public static func occlusionPerPixel(_ map: Tensor, patch: Int, stride: Int, height: Int, width: Int) -> [Float] {
        var sum = [Float](repeating: 0, count: height * width), count = [Float](repeating: 0, count: height * width)
        for r in 0..<map.shape[0] {
            for c in 0..<map.shape[1] {
                let v = map.data[r * map.shape[1] + c]
                for y in (r * stride)..<min(r * stride + patch, height) {
                    for x in (c * stride)..<min(c * stride + patch, width) { sum[y * width + x] += v; count[y * width + x] += 1 }
                }
            }
        }
        return zip(sum, count).map { $1 > 0 ? $0 / $1 : 0 }
    }

    /// One picture of an explanation: its file name, the image, and what it shows.
    public struct Picture {
        public var file: String
        public var image: RGBImage
        public var caption: String
        public init(file: String, image: RGBImage, caption: String) { self.file = file; self.image = image; self.caption = caption }
    }

    /// Over the photo: a map of `width`×`height` upsampled bilinearly to the photo.
    public static func overlayPicture(_ file: String, photo: RGBImage, map: [Float], width: Int, height: Int,
                                      colormap: Colormap, caption: String) -> Picture {
        let up = upsample(map, width: width, height: height, toWidth: photo.width, toHeight: photo.height)
        let range = ValueRange(of: map).fitted(to: colormap)
        let unsigned = colormap.isSigned ? range : ValueRange(lo: min(0, range.lo), hi: range.hi)
        return Picture(file: file, image: overlay(photo, up, colormap: colormap, range: unsigned), caption: caption)
    }
}
