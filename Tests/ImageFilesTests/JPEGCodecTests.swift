import XCTest
@testable import ImageFiles

/// JPEG through libjpeg-turbo: round trip within a stated tolerance; gray, progressive, CMYK and
/// YCCK files decode to the expected RGB; DCT-scaled decoding gives the promised sizes.
final class JPEGCodecTests: XCTestCase {
    /// JPEG is lossy: at quality 95 with 4:2:0 chroma subsampling, a smooth gradient comes back
    /// within these bounds (measured 0.69 mean, 5 max with libjpeg-turbo 2.1.5; the bounds leave room for other
    /// libjpeg-turbo versions while still catching a channel swap or a shifted row).
    static let meanTolerance = 2.0
    static let maxTolerance = 12

    static func differences(_ a: RGBImage, _ b: RGBImage) -> (mean: Double, max: Int) {
        let diffs = zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }
        return (Double(diffs.reduce(0, +)) / Double(max(diffs.count, 1)), diffs.max() ?? 0)
    }

    func testRoundTripWithinTolerance() throws {
        let image = TestImages.smooth(width: 40, height: 24)
        let data = try JPEGCodec.encode(image, quality: 95)
        XCTAssertEqual(Array(data.prefix(2)), [0xFF, 0xD8])
        let decoded = try JPEGCodec.decode(data, path: "memory.jpg")
        XCTAssertEqual(decoded.width, 40)
        XCTAssertEqual(decoded.height, 24)
        let (mean, maximum) = Self.differences(image, decoded)
        XCTAssertLessThanOrEqual(mean, Self.meanTolerance)
        XCTAssertLessThanOrEqual(maximum, Self.maxTolerance)
    }

    /// Progressive coding only reorders the same quantised coefficients, so it decodes to
    /// exactly the baseline file's pixels.
    func testProgressiveDecodesLikeBaseline() throws {
        let image = TestImages.noise(width: 33, height: 21)
        let baseline = try JPEGCodec.encode(raw: image.pixels, width: 33, height: 21, components: 3, quality: 80)
        let progressive = try JPEGCodec.encode(raw: image.pixels, width: 33, height: 21, components: 3, quality: 80, progressive: true)
        XCTAssertNotEqual(baseline, progressive)
        XCTAssertTrue(progressive.contains(Data([0xFF, 0xC2])), "SOF2 (progressive) marker")
        XCTAssertEqual(try JPEGCodec.decode(progressive, path: "p.jpg"), try JPEGCodec.decode(baseline, path: "b.jpg"))
    }

    func testGrayscaleBecomesEqualChannels() throws {
        let gray = (0..<(16 * 8)).map { UInt8(($0 % 16) * 16) }
        let data = try JPEGCodec.encode(raw: gray, width: 16, height: 8, components: 1, quality: 100)
        let image = try ImageFile.decode(data, path: "gray.jpg")
        for p in 0..<(16 * 8) {
            let (r, g, b) = (image.pixels[3 * p], image.pixels[3 * p + 1], image.pixels[3 * p + 2])
            XCTAssertEqual(r, g); XCTAssertEqual(g, b)
            XCTAssertLessThanOrEqual(abs(Int(r) - Int(gray[p])), Self.maxTolerance)
        }
    }

    /// CMYK files (written with an Adobe marker, so stored inverted as Photoshop does) follow
    /// PIL: true C = 255 − stored, R = (255 − C)(255 − K)/255 = stored_c · stored_k / 255.
    func testCMYKAndYCCKConvertLikePIL() throws {
        let stored: [UInt8] = [200, 100, 50, 255]  // stored c, m, y, k (k 255 = no black)
        let raw = [[UInt8]](repeating: stored, count: 16 * 16).flatMap { $0 }
        for ycck in [false, true] {
            let data = try JPEGCodec.encode(raw: raw, width: 16, height: 16, components: 4, quality: 100, ycck: ycck)
            let image = try JPEGCodec.decode(data, path: "cmyk.jpg")
            let expected = stored.prefix(3).map { Int($0) * Int(stored[3]) / 255 }
            for p in 0..<(16 * 16) {
                for c in 0..<3 {
                    XCTAssertLessThanOrEqual(abs(Int(image.pixels[3 * p + c]) - expected[c]), 3, "ycck=\(ycck) pixel \(p)")
                }
            }
        }
        // Half black: stored k 128 darkens every channel by about half.
        let dark = [[UInt8]](repeating: [255, 255, 255, 128], count: 64).flatMap { $0 }
        let image = try JPEGCodec.decode(JPEGCodec.encode(raw: dark, width: 8, height: 8, components: 4, quality: 100), path: "k.jpg")
        XCTAssertLessThanOrEqual(abs(Int(image.pixels[0]) - 128), 3)
    }

    /// DCT scaling picks the smallest M/8 whose output still covers the target.
    func testScaledDecodeSizes() throws {
        let data = try JPEGCodec.encode(TestImages.smooth(width: 100, height: 80))
        let full = try JPEGCodec.decode(data, path: "a.jpg", atLeast: nil)
        XCTAssertEqual([full.width, full.height], [100, 80])
        // 6/8 would give 75×60 (too short); 7/8 gives ⌈87.5⌉×70.
        let scaled = try JPEGCodec.decode(data, path: "a.jpg", atLeast: (64, 64))
        XCTAssertEqual([scaled.width, scaled.height], [88, 70])
        let eighth = try JPEGCodec.decode(data, path: "a.jpg", atLeast: (10, 10))
        XCTAssertEqual([eighth.width, eighth.height], [13, 10])
        // Smaller than the target: full size.
        let small = try JPEGCodec.decode(data, path: "a.jpg", atLeast: (200, 200))
        XCTAssertEqual([small.width, small.height], [100, 80])
    }
}
