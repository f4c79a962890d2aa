import CImageShims
import Foundation

/// PNG ⇄ `RGBImage` through libpng.
///
/// Decoding accepts every PNG colour type and bit depth (gray, gray+alpha, palette with or
/// without transparency, RGB, RGBA; 1, 2, 4, 8, 16 bit; interlaced) and returns 8-bit RGB:
/// alpha and palette transparency are dropped, gray is replicated, 16-bit samples keep their
/// high byte. For 8-bit files these are exactly PIL's `Image.open(f).convert('RGB')` pixels.
/// (PIL differs for 16-bit *gray*: it clips the 16-bit value at 255, a quirk not copied here.)
public enum PNGCodec {
    /// zlib level for encoding. CNNViz's pictures are flat colour blocks that compress well at
    /// any level; level 2 writes them several times faster than libpng's default 6 (the training
    /// report writes three large PNGs every epoch) for files about a fifth larger. Rows are not
    /// filtered (see png_shim.c).
    public static let compressionLevel: Int32 = 2

    /// Encodes an 8-bit RGB PNG; `decode(encode(image)) == image` exactly. The pixels are
    /// already PNG's rows (no repacking, which took longer than libpng for the report's pictures).
    public static func encode(_ image: RGBImage) throws -> Data {
        guard !image.pixels.isEmpty else { return try encode(PNGSamples(rgb: image)) }  // libpng reports the empty size
        return try image.pixels.withUnsafeBufferPointer { rows in
            try Shim.encode(path: "PNG data", format: "PNG", width: image.width, height: image.height) { result in
                cis_png_encode(rows.baseAddress, image.width * 3, Int32(image.width), Int32(image.height),
                               PNGSamples.ColorType.rgb.rawValue, 8, 0, nil, 0, nil, 0, compressionLevel, &result)
            }
        }
    }

    /// Decodes any PNG to 8-bit RGB. `path` names the file in error messages.
    public static func decode(_ data: Data, path: String) throws -> RGBImage {
        guard !data.isEmpty else { throw ImageFile.emptyFileError(path) }
        return try data.withUnsafeBytes { raw in
            try Shim.decode(path: path, format: "PNG", { result in
                cis_png_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, UInt(Shim.maxPixels), &result)
            }, { decoded in
                RGBImage(width: decoded.width, height: decoded.height, pixels: Array(decoded.pixels))
            })
        }
    }

    /// Encodes raw PNG samples of any colour type and bit depth (used by tests to make every
    /// kind of PNG a folder may hold).
    public static func encode(_ samples: PNGSamples) throws -> Data {
        let rows = samples.packedRows()
        return try rows.bytes.withUnsafeBufferPointer { rowBytes in
            try samples.palette.withUnsafeBufferPointer { palette in
                try samples.transparency.withUnsafeBufferPointer { trans in
                    try Shim.encode(path: "PNG data", format: "PNG", width: samples.width, height: samples.height) { result in
                        cis_png_encode(rowBytes.baseAddress, rows.stride, Int32(samples.width), Int32(samples.height),
                                       samples.colorType.rawValue, Int32(samples.bitDepth), samples.interlaced ? 1 : 0,
                                       palette.baseAddress, Int32(samples.palette.count / 3),
                                       trans.baseAddress, Int32(samples.transparency.count),
                                       compressionLevel, &result)
                    }
                }
            }
        }
    }
}

/// Samples for a PNG of any colour type: one value per channel per pixel, row-major, each value
/// in 0 ..< 2^bitDepth (palette indices for `.palette`).
public struct PNGSamples {
    /// PNG colour types (PNG specification, IHDR).
    public enum ColorType: Int32, CaseIterable, Sendable {
        case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6
        public var channels: Int {
            switch self {
            case .gray, .palette: return 1
            case .grayAlpha: return 2
            case .rgb: return 3
            case .rgba: return 4
            }
        }
    }

    public var width: Int
    public var height: Int
    public var colorType: ColorType
    /// 1, 2, 4, 8 or 16, as the PNG specification allows for the colour type.
    public var bitDepth: Int
    public var values: [UInt16]
    /// RGB triples, for `.palette`.
    public var palette: [UInt8] = []
    /// Alpha per palette entry (the tRNS chunk), for `.palette`.
    public var transparency: [UInt8] = []
    /// Adam7 interlacing.
    public var interlaced = false

    public init(width: Int, height: Int, colorType: ColorType, bitDepth: Int, values: [UInt16],
                palette: [UInt8] = [], transparency: [UInt8] = [], interlaced: Bool = false) {
        precondition(values.count == width * height * colorType.channels, "PNGSamples: wrong number of values")
        self.width = width
        self.height = height
        self.colorType = colorType
        self.bitDepth = bitDepth
        self.values = values
        self.palette = palette
        self.transparency = transparency
        self.interlaced = interlaced
    }

    /// An 8-bit RGB image as PNG samples.
    public init(rgb image: RGBImage) {
        self.init(width: image.width, height: image.height, colorType: .rgb, bitDepth: 8,
                  values: image.pixels.map { UInt16($0) })
    }

    /// Rows in PNG layout: big-endian 16-bit samples, sub-byte samples packed high bits first.
    func packedRows() -> (bytes: [UInt8], stride: Int) {
        let perRow = width * colorType.channels
        let stride = (perRow * bitDepth + 7) / 8
        var bytes = [UInt8](repeating: 0, count: max(stride * height, 1))
        for y in 0..<height {
            for i in 0..<perRow {
                let value = values[y * perRow + i]
                switch bitDepth {
                case 16:
                    bytes[y * stride + 2 * i] = UInt8(value >> 8)
                    bytes[y * stride + 2 * i + 1] = UInt8(value & 0xFF)
                case 8:
                    bytes[y * stride + i] = UInt8(value)
                default:
                    let bit = i * bitDepth
                    let shift = 8 - bitDepth - bit % 8
                    bytes[y * stride + bit / 8] |= UInt8(value) << shift
                }
            }
        }
        return (bytes, stride)
    }
}
