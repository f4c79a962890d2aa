import XCTest
@testable import Visualize

final class ColormapTests: XCTestCase {
    /// Viridis at its published end points and middle (matplotlib's table: entries 0, 128, 255).
    func testViridisKnownPoints() {
        XCTAssertEqual(Colormap.viridis.color(0).hexString, "#440154")
        XCTAssertEqual(Colormap.viridis.color(1).hexString, "#FDE725")
        XCTAssertEqual(Colormap.viridis.color(128.0 / 255).hexString, "#21918C")
        // 0.5 lies between entries 127 and 128: within one step of #21918C.
        let mid = Colormap.viridis.color(0.5)
        XCTAssertLessThanOrEqual(abs(Int(mid.r) - 0x21), 1)
        XCTAssertLessThanOrEqual(abs(Int(mid.g) - 0x91), 1)
        XCTAssertLessThanOrEqual(abs(Int(mid.b) - 0x8C), 1)
    }

    func testViridisLightnessRisesMonotonically() {
        var previous = -1.0
        for i in 0...64 {
            let c = Colormap.viridis.color(Double(i) / 64)
            let l = MatrixPicture.luminance(c)
            XCTAssertGreaterThan(l, previous - 0.002, "viridis must get lighter from 0 to 1 (at \(i)/64)")
            previous = l
        }
    }

    func testDivergingIsWhiteAtZeroBlueBelowRedAbove() {
        let range = ValueRange(lo: -2, hi: 0.5).symmetric
        XCTAssertEqual(range, ValueRange(lo: -2, hi: 2))
        XCTAssertEqual(Colormap.diverging.color(0, in: range), .white)
        let negative = Colormap.diverging.color(-2, in: range), positive = Colormap.diverging.color(2, in: range)
        XCTAssertEqual(negative.hexString, "#053061")
        XCTAssertEqual(positive.hexString, "#67001F")
        XCTAssertGreaterThan(negative.b, negative.r)
        XCTAssertGreaterThan(positive.r, positive.b)
        // Values outside the range clamp to the ends.
        XCTAssertEqual(Colormap.diverging.color(-10, in: range), negative)
    }

    func testGrayAndEmptyRanges() {
        XCTAssertEqual(Colormap.gray.color(0), .black)
        XCTAssertEqual(Colormap.gray.color(1), .white)
        XCTAssertEqual(Colormap.gray.color(0.5), RGB(128, 128, 128))
        // All-zero maps: dark for viridis (nothing active), white for signed maps (nothing at all).
        let zero = ValueRange(lo: 0, hi: 0)
        XCTAssertEqual(Colormap.viridis.color(0, in: zero).hexString, "#440154")
        XCTAssertEqual(Colormap.diverging.color(0, in: zero.symmetric), .white)
    }

    func testColorBarTicksShowMinZeroMax() {
        let bar = ColorBar(map: .diverging, range: ValueRange(lo: -0.5, hi: 0.5))
        XCTAssertEqual(bar.ticks.map(\.text), ["-0.5", "0", "0.5"])
        XCTAssertEqual(bar.ticks[1].position, 0.5, accuracy: 1e-9)
        let positive = ColorBar(map: .viridis, range: ValueRange(lo: 0, hi: 2.25))
        XCTAssertEqual(positive.ticks.map(\.text), ["0", "2.25"])
    }

    func testNumberFormats() {
        XCTAssertEqual(Format.short(Float(0.12345)), "0.123")
        XCTAssertEqual(Format.short(Float(-1.5)), "-1.5")
        XCTAssertEqual(Format.short(Float(1234)), "1234")
        XCTAssertEqual(Format.short(Float(0.00012)), "1.2e-4")
        XCTAssertEqual(Format.cell(-0.004), "0.00")
        XCTAssertEqual(Format.cell(-0.126), "-0.13")
        XCTAssertEqual(Format.percent(0.4712), "47.1%")
    }
}
