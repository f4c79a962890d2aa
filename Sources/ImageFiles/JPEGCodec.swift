import CImageShims
import Foundation

/// JPEG ⇄ `RGBImage` through libjpeg-turbo.
///
/// Decoding reads baseline and progressive files in gray, YCbCr, RGB, CMYK and YCCK and returns
/// 8-bit RGB with libjpeg's defaults (islow DCT, fancy upsampling) — what PIL, and so Keras'
/// `load_img`, does. CMYK follows PIL (Adobe marker ⇒ inverted; R = (255−C)(255−K)/255).
/// A file that ends early is refused, as PIL refuses it ("image file is truncated"); so is a
/// scan that ends before the image does, which PIL would fill with gray without a word.
public enum JPEGCodec {
    /// Encodes 8-bit RGB at `quality` (1–100) with 4:2:0 chroma subsampling (libjpeg defaults).
    public static func encode(_ image: RGBImage, quality: Int = 90) throws -> Data {
        try encode(raw: image.pixels, width: image.width, height: image.height, components: 3, quality: quality)
    }

    /// Decodes a JPEG at full size. `path` names the file in error messages.
    public static func decode(_ data: Data, path: String) throws -> RGBImage {
        try decode(data, path: path, atLeast: nil)
    }

    /// Decodes a JPEG; with `atLeast` set, uses libjpeg's DCT scaling to decode at the smallest
    /// size M/8 (M = 1…8) that is still at least that large. Scaled decoding computes each output
    /// pixel from the DCT coefficients of the area it covers, so its pixels differ from a full
    /// decode followed by a resize; it is several times faster (see `cnnviz bench decode`).
    public static func decode(_ data: Data, path: String, atLeast: (width: Int, height: Int)?) throws -> RGBImage {
        try withDecoded(data, path: path, atLeast: atLeast) { decoded in
            RGBImage(width: decoded.width, height: decoded.height, pixels: Array(decoded.pixels))
        }
    }

    /// Decodes into C memory and lends the pixels to `body` (no copy); freed afterwards.
    static func withDecoded<T>(_ data: Data, path: String, atLeast: (width: Int, height: Int)?,
                               _ body: (Shim.Decoded) throws -> T) throws -> T {
        guard !data.isEmpty else { throw ImageFile.emptyFileError(path) }
        return try data.withUnsafeBytes { raw in
            try Shim.decode(path: path, format: "JPEG", { result in
                cis_jpeg_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, UInt(Shim.maxPixels),
                                Int32(atLeast?.width ?? 0), Int32(atLeast?.height ?? 0), &result)
            }, body)
        }
    }

    /// Encodes raw pixels with 1 (gray), 3 (RGB) or 4 (CMYK, Adobe marker) channels; used by
    /// tests to make grayscale, progressive, CMYK and YCCK files.
    public static func encode(raw pixels: [UInt8], width: Int, height: Int, components: Int,
                              quality: Int = 90, progressive: Bool = false, ycck: Bool = false) throws -> Data {
        guard width > 0, height > 0, pixels.count == width * height * components else {
            throw ImageError(.invalidArgument, path: "JPEG data",
                             reason: "\(pixels.count) bytes do not make a \(width)×\(height) image with \(components) channels",
                             hint: "Give width · height · channels bytes")
        }
        return try pixels.withUnsafeBufferPointer { buffer in
            try Shim.encode(path: "JPEG data", format: "JPEG", width: width, height: height) { result in
                cis_jpeg_encode(buffer.baseAddress, Int32(width), Int32(height), Int32(components),
                                Int32(quality), progressive ? 1 : 0, ycck ? 1 : 0, &result)
            }
        }
    }
}
