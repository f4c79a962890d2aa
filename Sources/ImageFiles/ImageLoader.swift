import CImageShims
import Foundation

/// Reads one image file and resizes it to a target size: Keras' `load_img(path, target_size)`.
public enum ImageLoader {
    /// How JPEG files are decoded before resizing.
    public enum DecodeMode: String, Sendable, CaseIterable {
        /// Full decode, then resize: the same pixels as Keras/PIL (libjpeg islow DCT, fancy
        /// upsampling, PIL's nearest or bilinear).
        case exact
        /// libjpeg's DCT scaling decodes at M/8 of full size (the smallest still covering the
        /// target), then resizes. Much faster; pixels differ (each comes from a scaled inverse
        /// DCT instead of one full-resolution sample). PNG files are always decoded in full.
        case dctScaled
    }

    /// Decodes `url` (PNG or JPEG, by content) and resizes it to `width`×`height`.
    public static func load(_ url: URL, width: Int, height: Int,
                            interpolation: Resize.Interpolation = .nearest,
                            mode: DecodeMode = .exact) throws -> RGBImage {
        let data = try ImageFile.readData(url)
        return try load(data: data, path: url.path, width: width, height: height, interpolation: interpolation, mode: mode)
    }

    /// The same for bytes already in memory.
    public static func load(data: Data, path: String, width: Int, height: Int,
                            interpolation: Resize.Interpolation = .nearest,
                            mode: DecodeMode = .exact) throws -> RGBImage {
        switch try ImageFile.format(of: data, path: path) {
        case .png:
            let image = try PNGCodec.decode(data, path: path)
            return resized(image, width: width, height: height, interpolation: interpolation)
        case .jpeg:
            let atLeast = mode == .dctScaled ? (width, height) : nil
            return try JPEGCodec.withDecoded(data, path: path, atLeast: atLeast) { decoded in
                if interpolation == .nearest {  // resize straight from the decoder's buffer
                    return Resize.nearest(decoded.pixels, width: decoded.width, height: decoded.height,
                                          toWidth: width, toHeight: height)
                }
                let image = RGBImage(width: decoded.width, height: decoded.height, pixels: Array(decoded.pixels))
                return resized(image, width: width, height: height, interpolation: interpolation)
            }
        }
    }

    /// Keras resizes only when the size differs.
    static func resized(_ image: RGBImage, width: Int, height: Int, interpolation: Resize.Interpolation) -> RGBImage {
        if image.width == width && image.height == height { return image }
        return Resize.resize(image, width: width, height: height, interpolation: interpolation)
    }
}
