import XCTest
import ImageFiles
@testable import Visualize

/// A tile label wider than its tile (a Spanish "1: muerto (todo 0)" over a 4×4 map) widens the
/// grid's cells, so it does not run into the next label; labels that fit leave the cells as they were.
final class GridLabelWidthTests: XCTestCase {
    let tile = RGBImage(width: 4, height: 4, fill: (0, 0, 0))

    func testAWideLabelWidensTheCellsByItsWidthAndASpace() {
        let label = "1: muerto (todo 0)"
        let grid = Grid(title: "", tiles: [Grid.Tile(tile, label: label), Grid.Tile(tile, label: "2")], columns: 2, scale: 4, gap: 6)
        XCTAssertEqual(grid.tileSize.width, BitmapFont.width(of: label) + BitmapFont.advance)
        let endOfFirstLabel = grid.tileOrigin(0).x + BitmapFont.width(of: label)
        XCTAssertGreaterThanOrEqual(grid.tileOrigin(1).x - endOfFirstLabel, BitmapFont.advance + 6)
        XCTAssertLessThanOrEqual(grid.tileOrigin(1).x + grid.tileSize.width + grid.margin, grid.size.width)
    }

    func testLabelsThatFitLeaveTheCellsAsWideAsTheTiles() {
        let grid = Grid(title: "", tiles: [Grid.Tile(tile, label: "0"), Grid.Tile(tile, label: "1")], columns: 2, scale: 8, gap: 6)
        XCTAssertEqual(grid.tileSize.width, 32)
    }

    /// The colour bar's label is part of the picture's width.
    func testAColorBarLabelWiderThanTheTilesWidensThePicture() {
        let label = String(repeating: "valor ", count: 60)
        let grid = Grid(title: "", tiles: [Grid.Tile(tile)], columns: 1, colorBar: ColorBar(map: .viridis, range: ValueRange(lo: 0, hi: 1), label: label))
        XCTAssertGreaterThanOrEqual(grid.size.width, BitmapFont.width(of: label) + 2 * grid.margin)
    }
}
