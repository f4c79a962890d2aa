import XCTest
import ImageFiles
@testable import Visualize

/// g, j, p, q and y hang below the baseline, so a student reads "paso" and "máximo" rather than
/// a row of nines (issue 16), and the text's painted height includes those rows.
final class DescenderTests: XCTestCase {
    let baselineRows = 0..<BitmapFont.capHeight
    let descenderRows = BitmapFont.capHeight..<BitmapFont.glyphHeight

    func inked(_ ch: Character, rows: Range<Int>) -> Bool {
        rows.contains { y in (0..<BitmapFont.glyphWidth).contains { BitmapFont.isSet(ch, x: $0, y: y) } }
    }

    func testDescenderLettersReachBelowTheBaseline() {
        XCTAssertEqual(BitmapFont.glyphHeight, 9)
        XCTAssertEqual(BitmapFont.capHeight, 7, "capitals keep their height")
        for ch in "gjpqy,;μ¿¡" {
            XCTAssertEqual(BitmapFont.rows(ch).count, BitmapFont.glyphHeight, "\(ch)")
            XCTAssertTrue(inked(ch, rows: descenderRows), "\(ch) has pixels below the baseline:\n" + BitmapFont.picture(ch).joined(separator: "\n"))
        }
        // The x-height is unchanged: g p q y start on row 2, like a, o and u.
        for ch in "gpqy" {
            XCTAssertFalse(inked(ch, rows: 0..<2), "\(ch) starts at the x-height")
            XCTAssertTrue(inked(ch, rows: 2..<3), "\(ch) starts at the x-height")
        }
    }

    func testEverythingElseSitsOnTheBaseline() {
        let hanging = Set("gjpqy,;μ¿¡")
        let others = (33...126).map { Character(UnicodeScalar(UInt8($0))) } + Array("áéíóúüñÁÉÍÓÚÜÑ«»×−σ→≥≤·…°∑√↑↓²✓✗⌊⌋⌈⌉Σ")
        for ch in others where !hanging.contains(ch) {
            XCTAssertFalse(inked(ch, rows: descenderRows), "\(ch) should not reach below the baseline")
        }
    }

    /// The student's report: g and q looked like 9. Now the bowl is at the x-height and the tail
    /// below the baseline, while 9 stands on the baseline from the cap height.
    func testGAndQNoLongerLookLikeNine() {
        XCTAssertNotEqual(BitmapFont.picture("g"), BitmapFont.picture("9"))
        XCTAssertNotEqual(BitmapFont.picture("q"), BitmapFont.picture("9"))
        XCTAssertNotEqual(BitmapFont.picture("g"), BitmapFont.picture("q"))
        XCTAssertNotEqual(BitmapFont.picture("y"), BitmapFont.picture("g"))
        XCTAssertFalse(inked("9", rows: descenderRows))
        XCTAssertTrue(inked("9", rows: 0..<1), "9 reaches the cap height")
        XCTAssertEqual(BitmapFont.picture("g"), [".....", ".....", ".####", "#...#", "#...#", "#...#", ".####", "....#", ".###."])
    }

    /// Lowest painted row of a canvas (nil when nothing is painted).
    func lowestInk(_ canvas: Canvas) -> Int? {
        (0..<canvas.image.height).last { y in (0..<canvas.image.width).contains { canvas.pixel($0, y) != .white } }
    }

    func testRenderedTextHeightIncludesTheDescenders() {
        for scale in [1, 2, 3] {
            var hanging = Canvas(width: 120, height: 40)
            hanging.text("paso y gq", x: 1, y: 2, scale: scale)
            XCTAssertEqual(lowestInk(hanging), 2 + BitmapFont.height(scale: scale) - 1, "scale \(scale)")
            var capitals = Canvas(width: 120, height: 40)
            capitals.text("MAX 9", x: 1, y: 2, scale: scale)
            XCTAssertEqual(lowestInk(capitals), 2 + BitmapFont.capHeight * scale - 1, "scale \(scale)")
        }
        XCTAssertEqual(BitmapFont.height(scale: 2), 18)
        // A newline moves down past the glyph box, so g's tail (row 8) never meets the T below.
        var two = Canvas(width: 40, height: 40)
        two.text("g\nT", x: 0, y: 0)
        let inkRows = (0..<40).filter { y in (0..<40).contains { two.pixel($0, y) != .white } }
        XCTAssertTrue(inkRows.contains(8), "g's tail")
        XCTAssertFalse(inkRows.contains(9) || inkRows.contains(10), "blank rows between the lines")
        XCTAssertEqual(inkRows.first { $0 > 8 }, BitmapFont.lineHeight + 1, "T's bar starts the next line")
    }

    /// A grid's labels sit over the tile's hairline frame: a descender must not touch it.
    func testGridLabelDescendersClearTheTileFrame() {
        let tile = RGBImage(width: 2, height: 2, fill: (0, 0, 0))
        let grid = Grid(title: "", tiles: [Grid.Tile(tile, label: "gpqy"), Grid.Tile(tile, label: "jg")], columns: 2, scale: 6, gap: 6)
        let canvas = Canvas(image: grid.render())
        let (x, ty) = grid.tileOrigin(0)
        let labelWidth = BitmapFont.width(of: "gpqy")
        let row = { (y: Int) in (x..<(x + labelWidth)).filter { canvas.pixel($0, y) != .white }.count }
        XCTAssertGreaterThan(row(ty - 3), 0, "the tails are drawn, not clipped")
        XCTAssertEqual(row(ty - 2), 0, "a blank row between the tails and the frame")
        XCTAssertGreaterThan(row(ty - 1), 0, "the frame")
        XCTAssertEqual(ty - grid.labelHeight + 1, ty - 11, "the label's top row")
    }
}
