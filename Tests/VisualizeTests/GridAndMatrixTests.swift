import XCTest
import CNNCore
import ImageFiles
@testable import Visualize

final class GridAndMatrixTests: XCTestCase {
    /// A 3×3 tile whose pixel (x, y) has colour (10·x, 10·y, 7).
    func tile(_ seed: UInt8) -> RGBImage {
        var image = RGBImage(width: 3, height: 3)
        for y in 0..<3 { for x in 0..<3 { image[x, y] = (UInt8(10 * x), UInt8(10 * y), seed) } }
        return image
    }

    func testGridGeometry() {
        let tiles = (0..<5).map { Grid.Tile(tile(UInt8($0)), label: "\($0)") }
        let grid = Grid(title: "", tiles: tiles, columns: 3, scale: 8, gap: 4)
        XCTAssertEqual(grid.rows, 2)
        XCTAssertEqual(grid.tileSize.width, 24)
        // Tiles of a row are one tile width plus the gap apart; rows one label line (9 rows with
        // descenders + 3 above the frame) + tile + gap.
        XCTAssertEqual(grid.tileOrigin(1).x - grid.tileOrigin(0).x, 24 + 4)
        XCTAssertEqual(grid.tileOrigin(3).y - grid.tileOrigin(0).y, 12 + 24 + 4)
        XCTAssertEqual(grid.tileOrigin(3).x, grid.tileOrigin(0).x)
        let image = grid.render()
        XCTAssertEqual(image.width, 12 + 3 * 24 + 2 * 4 + 12)
        XCTAssertEqual(image.height, 12 + 2 * (12 + 24) + 4 + 12)
        // Enlargement: tile 4's pixel (2, 1) fills the 8×8 block at origin + (16, 8).
        let (ox, oy) = grid.tileOrigin(4)
        let canvas = Canvas(image: image)
        for dy in 0..<8 {
            for dx in 0..<8 { XCTAssertEqual(canvas.pixel(ox + 16 + dx, oy + 8 + dy), RGB(20, 10, 4)) }
        }
        // The gap between tiles stays background.
        XCTAssertEqual(canvas.pixel(grid.tileOrigin(0).x + 24 + 1, oy), .white)
    }

    func testGridWithColorBarIsTallerByTheBar() {
        let tiles = [Grid.Tile(tile(0))]
        let plain = Grid(title: "t", tiles: tiles, columns: 1, scale: 4).size
        let barred = Grid(title: "t", tiles: tiles, columns: 1, scale: 4, colorBar: ColorBar(map: .viridis, range: ValueRange(lo: 0, hi: 1))).size
        XCTAssertEqual(barred.height - plain.height, 10 + ColorBar.height)
        XCTAssertGreaterThanOrEqual(barred.width, 240 + 24)
    }

    func testMatrixPictureGeometryAndHighlights() {
        let a = LabeledMatrix(title: "input", rows: 4, columns: 4, values: (0..<16).map(Float.init),
                              highlights: [CellHighlight(row: 1, column: 2, color: RGB(255, 0, 255), style: .fill)])
        let b = LabeledMatrix(title: "pooled", rows: 2, columns: 2, values: [5, 7, 13, 15])
        let cell = MatrixPicture.cellSize(decimals: 2)
        XCTAssertEqual(cell, 42)
        let image = MatrixPicture.render([a, b], separators: ["→"], caption: "max of each 2×2 window")
        let origin = MatrixPicture.cellOrigin([a, b], index: 0, row: 0, column: 0)
        XCTAssertEqual(origin.x, MatrixPicture.margin)
        XCTAssertEqual(origin.y, MatrixPicture.margin + MatrixPicture.titleHeight)
        let second = MatrixPicture.cellOrigin([a, b], index: 1, row: 0, column: 0)
        XCTAssertEqual(second.x, MatrixPicture.margin + 4 * cell + 1 + MatrixPicture.spacing)
        XCTAssertEqual(image.width, second.x + 2 * cell + 1 + MatrixPicture.margin)
        // Height: title line, 4 rows of cells, caption line.
        XCTAssertEqual(image.height, MatrixPicture.margin + MatrixPicture.titleHeight + 4 * cell + 1 + 10 + 10 + MatrixPicture.margin)
        let canvas = Canvas(image: image)
        // Filled highlight at (row 1, column 2): its corner (inside the grid line) is magenta.
        let h = MatrixPicture.cellOrigin([a, b], index: 0, row: 1, column: 2)
        XCTAssertEqual(canvas.pixel(h.x + 2, h.y + 2), RGB(255, 0, 255))
        // A plain cell's corner is white; grid lines are gray.
        let plain = MatrixPicture.cellOrigin([a, b], index: 0, row: 0, column: 0)
        XCTAssertEqual(canvas.pixel(plain.x + 2, plain.y + 2), .white)
        XCTAssertEqual(canvas.pixel(plain.x, plain.y + 5), .gray)
        // The number "15" is drawn in the last cell (some dark pixels inside it).
        let last = MatrixPicture.cellOrigin([a, b], index: 0, row: 3, column: 3)
        var dark = 0
        for y in (last.y + 1)..<(last.y + cell) { for x in (last.x + 1)..<(last.x + cell) where canvas.pixel(x, y) == .ink { dark += 1 } }
        XCTAssertGreaterThan(dark, 10)
    }

    func testPoolingKeptPositionsFromTheTrace() {
        // 4×4 input, one channel, values 0…15 shuffled: each 2×2 window keeps its largest.
        let values: [Float] = [1, 9, 2, 3,
                               4, 0, 8, 5,
                               6, 7, 15, 10,
                               11, 12, 13, 14]
        let x = Tensor(shape: [1, 4, 4, 1], data: values)
        let (g, kept) = PoolingPictures.keptPositions(input: x, poolSize: (2, 2), strides: (2, 2), padding: .valid)
        XCTAssertEqual(g.outHeight, 2)
        XCTAssertEqual(kept.map { values[Int($0)] }, [9, 8, 12, 15])
        XCTAssertEqual(kept, [1, 6, 13, 10])
    }

    func testBarStripAndSigmoidPicturesHaveTheirSize() {
        let bars = LayerPictures.barStrip((0..<128).map { Float($0 % 7) - 2 }, title: "dense", map: .diverging)
        XCTAssertEqual(bars.width, 64 + 128 * 8 + 12)
        let sigmoid = LayerPictures.sigmoidOutput(logit: 0.3, classNames: ["cats", "dogs"])
        XCTAssertEqual(sigmoid.width, 640)
        XCTAssertEqual(sigmoid.height, 400)
    }
}
