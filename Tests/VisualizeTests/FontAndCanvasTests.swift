import XCTest
import ImageFiles
@testable import Visualize

final class FontAndCanvasTests: XCTestCase {
    func testGlyphBitmaps() {
        // Nine rows: seven down to the baseline, then the two descender rows (empty here).
        let below = [".....", "....."]
        XCTAssertEqual(BitmapFont.picture("1"), ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."] + below)
        XCTAssertEqual(BitmapFont.picture("A"), [".###.", "#...#", "#...#", "#...#", "#####", "#...#", "#...#"] + below)
        XCTAssertEqual(BitmapFont.picture("-"), [".....", ".....", ".....", "#####", ".....", ".....", "....."] + below)
        XCTAssertEqual(BitmapFont.picture("."), [".....", ".....", ".....", ".....", ".....", ".##..", ".##.."] + below)
        XCTAssertEqual(BitmapFont.picture(" "), Array(repeating: ".....", count: 9))
        // Every printable ASCII character except space has a glyph, and all glyphs differ.
        let printable = (33...126).map { Character(UnicodeScalar(UInt8($0))) }
        XCTAssertTrue(printable.allSatisfy { BitmapFont.rows($0).contains { $0 != 0 } })
        XCTAssertEqual(Set(printable.map { BitmapFont.rows($0) }).count, printable.count)
        // Unknown characters fall back to "?"; the minus sign looks like "-".
        XCTAssertEqual(BitmapFont.rows("€"), BitmapFont.rows("?"))
        XCTAssertEqual(BitmapFont.rows("−"), BitmapFont.rows("-"))
    }

    func testTextWidthAndDrawing() {
        XCTAssertEqual(BitmapFont.width(of: ""), 0)
        XCTAssertEqual(BitmapFont.width(of: "1"), 5)
        XCTAssertEqual(BitmapFont.width(of: "0.25"), 23)
        XCTAssertEqual(BitmapFont.width(of: "0.25", scale: 2), 46)
        var canvas = Canvas(width: 20, height: 10)
        let drawn = canvas.text("1", x: 2, y: 1, scale: 1, color: .black)
        XCTAssertEqual(drawn, 5)
        // "1" at (2, 1): its top pixel is glyph (2, 0) → (4, 1); glyph (0, 0) is blank.
        XCTAssertEqual(canvas.pixel(4, 1), .black)
        XCTAssertEqual(canvas.pixel(2, 1), .white)
        XCTAssertEqual(canvas.pixel(3, 7), .black)  // bottom bar ".###." row 6
        // Scale 2: each font pixel is a 2×2 block.
        var big = Canvas(width: 20, height: 20)
        big.text("-", x: 0, y: 0, scale: 2, color: .black)
        for x in 0..<10 { XCTAssertEqual(big.pixel(x, 6), .black); XCTAssertEqual(big.pixel(x, 7), .black) }
        XCTAssertEqual(big.pixel(0, 5), .white)
        XCTAssertEqual(big.pixel(0, 8), .white)
    }

    func testWrapBreaksAtSpaces() {
        let lines = BitmapFont.wrap("the quick brown fox", maxWidth: BitmapFont.width(of: "the quick"))
        XCTAssertEqual(lines, ["the quick", "brown fox"])
    }

    func testCanvasClipsAndBlitsBlocks() {
        var canvas = Canvas(width: 8, height: 8)
        canvas.fill(x: -4, y: -4, width: 6, height: 6, .red)  // partly outside: clipped, no trap
        XCTAssertEqual(canvas.pixel(1, 1), .red)
        XCTAssertEqual(canvas.pixel(2, 2), .white)
        let source = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 10, 20, 30])
        canvas.blit(source, x: 2, y: 4, scale: 3)
        XCTAssertEqual(canvas.pixel(2, 4), .black)
        XCTAssertEqual(canvas.pixel(4, 6), .black)
        XCTAssertEqual(canvas.pixel(5, 4), RGB(10, 20, 30))
        XCTAssertEqual(canvas.pixel(7, 6), RGB(10, 20, 30))
        canvas.line(0, 7, 7, 0, .blue)
        XCTAssertEqual(canvas.pixel(0, 7), .blue)
        XCTAssertEqual(canvas.pixel(7, 0), .blue)
    }

    /// Spanish is written with its accents, not folded to ASCII or drawn as "?".
    func testSpanishLettersAndTheTutorialSymbolsHaveGlyphs() {
        let question = BitmapFont.rows("?")
        for ch in "áéíóúüñÁÉÍÓÚÜÑ¿¡«»✓✗⌊⌋⌈⌉Σ" {
            XCTAssertNotEqual(BitmapFont.rows(ch), question, "\(ch)")
        }
        XCTAssertEqual(BitmapFont.picture("á")[0], "...#.", "the accent sits on top")
        XCTAssertNotEqual(BitmapFont.rows("á"), BitmapFont.rows("a"))
        XCTAssertNotEqual(BitmapFont.rows("ñ"), BitmapFont.rows("n"))
    }
}
