import XCTest
@testable import ImageFiles

/// Every PNG colour type and bit depth, interlaced or not, written through libpng and decoded
/// back to the RGB bytes PIL's convert('RGB') gives.
final class PNGColorTypeTests: XCTestCase {
    let width = 5, height = 3

    /// Decodes `samples` (plain and Adam7-interlaced) and compares with `expected` RGB bytes.
    func check(_ samples: PNGSamples, expected: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        for interlaced in [false, true] {
            var variant = samples
            variant.interlaced = interlaced
            let data = try PNGCodec.encode(variant)
            XCTAssertEqual(data[28], interlaced ? 1 : 0, "interlace flag in IHDR", file: file, line: line)
            let image = try PNGCodec.decode(data, path: "test.png")
            XCTAssertEqual(image.width, width, file: file, line: line)
            XCTAssertEqual(image.height, height, file: file, line: line)
            XCTAssertEqual(image.pixels, expected,
                           "\(samples.colorType) \(samples.bitDepth)-bit interlaced=\(interlaced)", file: file, line: line)
        }
    }

    func testGrayAllDepthsScaleToFullRange() throws {
        for depth in [1, 2, 4, 8, 16] {
            let maxValue = (1 << depth) - 1
            let values = (0..<(width * height)).map { UInt16(($0 * 7) % (maxValue + 1)) }
            // 1/2/4 bit scale by 255/max (1 → 255, 2-bit 1 → 85, 4-bit 1 → 17); 16 bit keeps the high byte.
            let gray = values.map { depth == 16 ? UInt8($0 >> 8) : UInt8(Int($0) * 255 / maxValue) }
            try check(PNGSamples(width: width, height: height, colorType: .gray, bitDepth: depth, values: values),
                      expected: gray.flatMap { [$0, $0, $0] })
        }
    }

    func testSixteenBitGrayKeepsHighByte() throws {
        let values: [UInt16] = [0x0000, 0x00FF, 0x0100, 0x7F80, 0xFFFF] + [UInt16](repeating: 0x1234, count: 10)
        try check(PNGSamples(width: width, height: height, colorType: .gray, bitDepth: 16, values: values),
                  expected: [0, 0, 1, 0x7F, 0xFF].flatMap { [$0, $0, $0] } + [UInt8](repeating: 0x12, count: 30))
    }

    func testGrayAlphaDropsAlpha() throws {
        for depth in [8, 16] {
            let pixels = (0..<(width * height)).map { UInt16($0 * 17) << (depth == 16 ? 8 : 0) }
            let values = pixels.flatMap { [$0, UInt16(3)] }  // nearly transparent: must not matter
            let gray = pixels.map { UInt8($0 >> (depth == 16 ? 8 : 0)) }
            try check(PNGSamples(width: width, height: height, colorType: .grayAlpha, bitDepth: depth, values: values),
                      expected: gray.flatMap { [$0, $0, $0] })
        }
    }

    func testRGBAndRGBA() throws {
        let rgb = (0..<(width * height * 3)).map { UInt8(($0 * 29) % 256) }
        for depth in [8, 16] {
            let wide: [UInt16] = rgb.map { value -> UInt16 in depth == 16 ? (UInt16(value) << 8) | 0xAB : UInt16(value) }
            try check(PNGSamples(width: width, height: height, colorType: .rgb, bitDepth: depth, values: wide), expected: rgb)
            var rgba = [UInt16]()
            for p in 0..<(width * height) {
                rgba += wide[(3 * p)..<(3 * p + 3)]
                rgba.append(UInt16(p))
            }
            try check(PNGSamples(width: width, height: height, colorType: .rgba, bitDepth: depth, values: rgba), expected: rgb)
        }
    }

    func testPaletteWithTransparencyAllDepths() throws {
        for depth in [1, 2, 4, 8] {
            let entries = 1 << depth
            var palette = [UInt8]()
            for i in 0..<entries {
                let r = UInt8((i * 53) % 256), g = UInt8((i * 101) % 256), b = UInt8(255 - (i * 11) % 256)
                palette += [r, g, b]
            }
            let transparency = (0..<entries).map { UInt8($0 % 2 == 0 ? 0 : 128) }  // tRNS is dropped
            let indices = (0..<(width * height)).map { UInt16(($0 * 5) % entries) }
            var expected = [UInt8]()
            for index in indices { expected += palette[(3 * Int(index))..<(3 * Int(index) + 3)] }
            try check(PNGSamples(width: width, height: height, colorType: .palette, bitDepth: depth, values: indices,
                                 palette: palette, transparency: transparency),
                      expected: expected)
        }
    }
}
