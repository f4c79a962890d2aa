import ImageFiles
@testable import Visualize
import XCTest

/// The augmentation preview sheet (drawn here, the command only fills it).
final class AugmentSheetTests: XCTestCase {
    func testPanelsAreLaidOutInRowsOfThree() {
        let tile = RGBImage(width: 4, height: 4, pixels: [UInt8](repeating: 200, count: 48))
        let panels = (0..<4).map { (tile, ["draw \($0)", "zoom 1.0"]) }
        let sheet = AugmentSheet(title: "t", subtitle: ["s"], panels: panels, scale: 10).render()
        // 3 columns of 40 px with 14 px gaps and 12 px margins; the title is narrower.
        XCTAssertEqual(sheet.width, 3 * 40 + 2 * 14 + 2 * 12)
        // Two rows: each 40 px tall plus two label lines, a 14 px gap between rows.
        let labels = 2 * BitmapFont.lineHeight + 4
        XCTAssertEqual(sheet.height, 12 + (22 + 10 + 8) + 2 * (40 + labels) + 14 + 12)
        // The first panel's pixels are there, enlarged.
        let y = 12 + 22 + 10 + 8 + 5, x = 12 + 5
        XCTAssertEqual(sheet.pixels[3 * (y * sheet.width + x)], 200)
    }
}
