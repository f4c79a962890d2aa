import CImageShims
import Foundation

/// The Swift side of the C shim: calls one `cis_*` function and turns its result into bytes or
/// an `ImageError`, freeing the C buffer on every path.
enum Shim {
    /// Images above this many pixels are refused from their header, before any pixel memory is
    /// allocated (a 100000×100000 PNG header would otherwise ask for 30 GB). 100 megapixels is
    /// far above any photo in a training folder.
    static let maxPixels: UInt = 100_000_000

    /// A decoded image still in C memory, handed to `body` and freed afterwards.
    struct Decoded {
        let pixels: UnsafeBufferPointer<UInt8>
        let width: Int
        let height: Int
    }

    /// Runs a decoding call, maps failures to `ImageError`, lends the pixels to `body`.
    static func decode<T>(path: String, format: String,
                          _ call: (inout cis_result) -> Int32,
                          _ body: (Decoded) throws -> T) throws -> T {
        var result = cis_result()
        let code = call(&result)
        defer { cis_free(result.data) }
        guard code == CIS_OK, let data = result.data else {
            throw failure(code: code, result: &result, path: path, format: format)
        }
        let decoded = Decoded(pixels: UnsafeBufferPointer(start: data, count: result.size),
                              width: Int(result.width), height: Int(result.height))
        return try body(decoded)
    }

    /// Runs an encoding call and copies the encoded bytes into `Data`.
    ///
    /// Only pictures cnnviz draws itself are encoded (sheets, frames, layer pictures, at most a
    /// few thousand pixels a side); a user's image is never written back at its own size, and one
    /// larger than `maxPixels` is refused when it is read. So the failures left are running out of
    /// memory, said as such, and a picture the program drew wrongly, which is a bug to report.
    static func encode(path: String, format: String, width: Int, height: Int,
                       _ call: (inout cis_result) -> Int32) throws -> Data {
        var result = cis_result()
        let code = call(&result)
        defer { cis_free(result.data) }
        guard code == CIS_OK, let data = result.data else {
            let message = messageText(&result)
            if code == CIS_NO_MEMORY {
                throw ImageError(.writeFailed, path: path, reason: "not enough memory to encode a \(width)×\(height) \(format)",
                                 hint: "Close other programs and try again")
            }
            throw ImageError(.writeFailed, path: path,
                             reason: "\(format) encoding of a \(width)×\(height) picture drawn by cnnviz failed: \(message.isEmpty ? "code \(code)" : message)",
                             hint: "This is a bug in cnnviz; please report it with this message")
        }
        return Data(bytes: data, count: result.size)
    }

    private static func failure(code: Int32, result: inout cis_result, path: String, format: String) -> ImageError {
        let message = messageText(&result)
        switch code {
        case CIS_TOO_LARGE:
            return ImageError(.tooLarge, path: path,
                              reason: "the \(format) header claims \(result.source_width)×\(result.source_height) pixels, \(message)",
                              hint: ImageError.damagedHint)
        case CIS_NO_MEMORY:
            return ImageError(.corrupt, path: path, reason: "not enough memory to decode this \(format)",
                              hint: "Close other programs or use smaller images")
        default:
            if message.contains("truncated") || message.contains("ends early") {
                return ImageError(.truncated, path: path, reason: "the \(format) file ends early (truncated)",
                                  hint: ImageError.truncatedHint)
            }
            if message.contains("user limit") {
                return ImageError(.tooLarge, path: path,
                                  reason: "the \(format) header claims an image wider or taller than \(maxPixels) pixels (\(message))",
                                  hint: ImageError.damagedHint)
            }
            return ImageError(.corrupt, path: path, reason: "this \(format) file cannot be decoded: \(message)",
                              hint: ImageError.replaceOrSkip)
        }
    }

    private static func messageText(_ result: inout cis_result) -> String {
        withUnsafeBytes(of: &result.message) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }
}
