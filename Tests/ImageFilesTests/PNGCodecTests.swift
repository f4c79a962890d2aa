import XCTest
@testable import ImageFiles

/// PNG encode → decode is exact, and every PNG colour type and bit depth decodes to the RGB
/// bytes PIL's convert('RGB') gives (alpha dropped, gray replicated, 16 bit → high byte).
final class PNGCodecTests: XCTestCase {
    /// A small image whose every pixel differs, so a swapped or shifted pixel is caught.
    static func gradient(width: Int = 7, height: Int = 5) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                image[x, y] = (UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)), UInt8((x * 37 + y * 91) % 256))
            }
        }
        return image
    }

    func testRoundTripIsExact() throws {
        let image = Self.gradient()
        let data = try PNGCodec.encode(image)
        XCTAssertEqual(Array(data.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertEqual(try PNGCodec.decode(data, path: "memory.png"), image)
    }

    func testRoundTripOneByOne() throws {
        let image = RGBImage(width: 1, height: 1, fill: (1, 2, 3))
        XCTAssertEqual(try PNGCodec.decode(PNGCodec.encode(image), path: "one.png"), image)
    }

    func testImageFileWriteThenReadThroughDisk() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("imageio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = Self.gradient(width: 33, height: 17)
        let url = folder.appendingPathComponent("picture.png")
        try ImageFile.write(image, to: url)
        XCTAssertEqual(try ImageFile.read(url), image)
        // Content decides the format, not the name.
        let misnamed = folder.appendingPathComponent("really-a-png.jpg")
        try FileManager.default.copyItem(at: url, to: misnamed)
        XCTAssertEqual(try ImageFile.read(misnamed), image)
    }
}
