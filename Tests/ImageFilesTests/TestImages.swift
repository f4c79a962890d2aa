import Foundation
@testable import ImageFiles

/// Small images and files the tests make for themselves.
enum TestImages {
    /// A smooth colour image (JPEG-friendly: little high-frequency detail).
    static func smooth(width: Int, height: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                image[x, y] = (UInt8(40 + x * 160 / max(width - 1, 1)), UInt8(60 + y * 140 / max(height - 1, 1)),
                               UInt8(120 + (x + y) * 60 / max(width + height - 2, 1)))
            }
        }
        return image
    }

    /// Seeded noise (a JPEG of it is large, so cutting it leaves real scan data cut short).
    static func noise(width: Int, height: Int, seed: UInt64 = 1) -> RGBImage {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in pixels.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            pixels[i] = UInt8(truncatingIfNeeded: state >> 32)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// A fresh temporary folder, removed by the caller's `defer`.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("imageio-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A PNG that is only a signature and an IHDR chunk claiming `width`×`height` RGB pixels,
    /// followed by a small IDAT of junk: what a lying or damaged header looks like.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        var data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var ihdr = Data()
        ihdr.append(contentsOf: bigEndian(width))
        ihdr.append(contentsOf: bigEndian(height))
        ihdr.append(contentsOf: [8, 2, 0, 0, 0])  // 8 bit, RGB, deflate, no filter, no interlace
        data.append(chunk("IHDR", ihdr))
        data.append(chunk("IDAT", Data([0x78, 0x9C, 0x63, 0x60, 0x00, 0x00])))
        return data
    }

    static func chunk(_ type: String, _ body: Data) -> Data {
        var out = Data(bigEndian(UInt32(body.count)))
        let typed = Data(type.utf8) + body
        out.append(typed)
        out.append(contentsOf: bigEndian(crc32(typed)))
        return out
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// CRC-32 (IEEE, as PNG chunks use), bit by bit.
    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~crc
    }

    /// A JPEG whose start-of-frame marker is patched to claim `width`×`height`.
    static func jpegClaiming(width: UInt16, height: UInt16) throws -> Data {
        var data = try JPEGCodec.encode(smooth(width: 16, height: 16))
        let bytes = [UInt8](data)
        guard let sof = (0..<bytes.count - 1).first(where: { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) }) else {
            throw ImageError(.corrupt, path: "test", reason: "no SOF marker", hint: "")
        }
        // FF C0, length (2), precision (1), height (2), width (2)
        data[sof + 5] = UInt8(height >> 8); data[sof + 6] = UInt8(height & 0xFF)
        data[sof + 7] = UInt8(width >> 8); data[sof + 8] = UInt8(width & 0xFF)
        return data
    }
}
