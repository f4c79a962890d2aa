import ImageFiles

/// A small matrix to draw as cells with its numbers, e.g. a 3×3 kernel or an 8×8 crop of a map.
public struct LabeledMatrix {
    public var title: String
    public var rows: Int
    public var columns: Int
    /// Row-major values, rows·columns of them.
    public var values: [Float]
    /// Cell background colours; nil draws plain white cells.
    public var colormap: Colormap?
    /// The colour scale; nil means this matrix's own min…max (symmetric for signed maps).
    public var range: ValueRange?
    /// Cells to mark (e.g. the sliding window, or the maximum pooling keeps).
    public var highlights: [CellHighlight]
    /// Decimals of the numbers in the cells.
    public var decimals: Int

    public init(title: String = "", rows: Int, columns: Int, values: [Float], colormap: Colormap? = nil,
                range: ValueRange? = nil, highlights: [CellHighlight] = [], decimals: Int = 2) {
        precondition(values.count == rows * columns, "a \(rows)×\(columns) matrix needs \(rows * columns) values, got \(values.count)")
        self.title = title
        self.rows = rows
        self.columns = columns
        self.values = values
        self.colormap = colormap
        self.range = range
        self.highlights = highlights
        self.decimals = decimals
    }

    public subscript(row: Int, column: Int) -> Float { values[row * columns + column] }
}

/// A marked block of cells: an outline around rows row..<row+height, columns column..<column+width,
/// or a filled background.
public struct CellHighlight: Equatable {
    public enum Style: Equatable { case outline, fill }
    public var row: Int, column: Int, height: Int, width: Int
    public var color: RGB
    public var style: Style

    public init(row: Int, column: Int, height: Int = 1, width: Int = 1, color: RGB = .highlight, style: Style = .outline) {
        self.row = row; self.column = column; self.height = height; self.width = width
        self.color = color; self.style = style
    }
}

/// Draws matrices side by side as cells with their numbers, with optional separators between
/// them ("*", "=", "→"), highlights and a caption underneath: the picture of one step of a
/// convolution or pooling.
///
///     let frame = MatrixPicture.render(
///         [LabeledMatrix(title: "input", rows: 4, columns: 4, values: x,
///                        highlights: [CellHighlight(row: 0, column: 0, height: 2, width: 2)]),
///          LabeledMatrix(title: "max pool", rows: 2, columns: 2, values: y)],
///         separators: ["→"], caption: "The largest of the four values is kept.")
///
/// Layout: `margin`, then each matrix's title line (10 px), then its cells (`cellSize` px, 1 px
/// grid lines), matrices `spacing` px apart (the separator is centred in that space), then the
/// caption wrapped to the picture width.
public enum MatrixPicture {
    public static let margin = 12
    public static let titleHeight = 14
    public static let spacing = 44

    /// Cell size that fits numbers with `decimals` decimals (e.g. "-0.12" needs 5 characters).
    public static func cellSize(decimals: Int) -> Int {
        max(24, (decimals + 4) * BitmapFont.advance + 6)
    }

    /// Top-left pixel of cell (row, column) of matrix `index`.
    public static func cellOrigin(_ matrices: [LabeledMatrix], index: Int, row: Int, column: Int, cellSize: Int? = nil) -> (x: Int, y: Int) {
        let cell = cellSize ?? self.cellSize(decimals: matrices.map(\.decimals).max() ?? 2)
        var x = margin
        for m in matrices.prefix(index) { x += m.columns * cell + 1 + spacing }
        return (x + column * cell, margin + titleHeight + row * cell)
    }

    /// Draws the matrices; `separators[i]` goes between matrix i and i+1.
    public static func render(_ matrices: [LabeledMatrix], separators: [String] = [], caption: String = "", cellSize: Int? = nil) -> RGBImage {
        let cell = cellSize ?? self.cellSize(decimals: matrices.map(\.decimals).max() ?? 2)
        let widths = matrices.map { $0.columns * cell + 1 }
        let tallest = (matrices.map { $0.rows * cell + 1 }.max() ?? 0)
        let titlesWidth = matrices.map { BitmapFont.width(of: $0.title) }
        var contentWidth = 0
        for (i, w) in widths.enumerated() { contentWidth += max(w, titlesWidth[i]) + (i > 0 ? spacing : 0) }
        contentWidth = max(contentWidth, widths.reduce(0, +) + max(matrices.count - 1, 0) * spacing)
        let captionLines = caption.isEmpty ? [] : BitmapFont.wrap(caption, maxWidth: max(contentWidth, 320))
        let width = max(contentWidth, captionLines.map { BitmapFont.width(of: $0) }.max() ?? 0) + 2 * margin
        let height = margin + titleHeight + tallest + (captionLines.isEmpty ? 0 : 10 + captionLines.count * 10) + margin
        var canvas = Canvas(width: width, height: height)

        for (i, m) in matrices.enumerated() {
            let origin = cellOrigin(matrices, index: i, row: 0, column: 0, cellSize: cell)
            canvas.text(m.title, x: origin.x, y: margin)
            draw(m, on: &canvas, x: origin.x, y: origin.y, cell: cell)
            if i < separators.count, i < matrices.count - 1 {
                let sepX = origin.x + widths[i] + spacing / 2
                canvas.text(separators[i], centerX: sepX, y: origin.y + tallest / 2 - 7, scale: 2)
            }
        }
        var y = margin + titleHeight + tallest + 10
        for line in captionLines {
            canvas.text(line, x: margin, y: y)
            y += 10
        }
        return canvas.image
    }

    /// Draws one matrix's cells, numbers and highlights with its top-left at (x, y).
    public static func draw(_ m: LabeledMatrix, on canvas: inout Canvas, x: Int, y: Int, cell: Int) {
        let range = (m.range ?? ValueRange(of: m.values)).fitted(to: m.colormap ?? .gray)
        let fills = m.highlights.filter { $0.style == .fill }
        for r in 0..<m.rows {
            for c in 0..<m.columns {
                var background = RGB.white
                if let map = m.colormap { background = map.color(m[r, c], in: range) }
                for h in fills where r >= h.row && r < h.row + h.height && c >= h.column && c < h.column + h.width {
                    background = h.color
                }
                let cx = x + c * cell, cy = y + r * cell
                canvas.fill(x: cx, y: cy, width: cell, height: cell, background)
                let text = Format.cell(m[r, c], decimals: m.decimals)
                let ink: RGB = luminance(background) < 0.45 ? .white : .ink
                let scale = cell >= BitmapFont.width(of: text, scale: 2) + 6 && cell >= 26 ? 2 : 1
                canvas.text(text, centerX: cx + cell / 2, y: cy + (cell - 7 * scale) / 2, scale: scale, color: ink)
            }
        }
        // Grid lines.
        for r in 0...m.rows { canvas.fill(x: x, y: y + r * cell, width: m.columns * cell + 1, height: 1, .gray) }
        for c in 0...m.columns { canvas.fill(x: x + c * cell, y: y, width: 1, height: m.rows * cell + 1, .gray) }
        for h in m.highlights where h.style == .outline {
            canvas.stroke(x: x + h.column * cell - 1, y: y + h.row * cell - 1, width: h.width * cell + 3, height: h.height * cell + 3, h.color, thickness: 3)
        }
    }

    /// Relative luminance 0…1, to pick black or white numbers on a coloured cell.
    static func luminance(_ c: RGB) -> Double {
        (0.2126 * Double(c.r) + 0.7152 * Double(c.g) + 0.0722 * Double(c.b)) / 255
    }
}
