import Foundation
import ImageFiles
import Visualize

/// Each step as a PNG frame: the title, the matrices with their numbers in the cells (drawn by
/// Visualize's `MatrixPicture`), images enlarged pixel by pixel, and the arithmetic underneath.
///
/// Colours: the current window is filled pale yellow with an orange frame; a marked cell (the
/// kept maximum, the cell just computed) has a red frame; padding is grey; cells not computed yet
/// are grey with a dot.
public enum PictureRenderer {
    static let margin = 20
    static let gap = 36
    static let maxContentWidth = 1120
    static let textScale = 2
    /// The title (scale 3: 27 px with descenders) and the space under it, down to the panels.
    static let titleBlock = 36
    /// Vertical space between rows of panels, and between the last row and the text.
    static let rowGap = 24
    /// Pitch of the text lines under the panels: the glyph box (18 px at scale 2, descenders
    /// included) and 6 px, so a descender stays clear of an accent on the line below (É, ¿).
    static let lineHeight = (BitmapFont.lineHeight + 2) * textScale
    static let windowFill = RGB(255, 240, 160)
    static let paddingFill = RGB(233, 236, 239)
    static let hiddenFill = RGB(206, 212, 218)
    static let roleColors: [Panel.Role: RGB] = [
        .input: RGB(hex: 0x1F5F99), .kernel: RGB(hex: 0x8E44AD), .product: RGB(hex: 0x7F6000),
        .output: RGB(hex: 0x1E7B34), .gradient: RGB(hex: 0xB03A2E), .other: .ink,
    ]

    /// One frame for step `index` of `count`.
    public static func frame(_ step: Step, index: Int, count: Int, language l: Language) -> RGBImage {
        let title = fontSafe(l.pick("Step", "Paso") + " \(index + 1)/\(count): \(step.title)")
        let drawn = step.panels.map(measure)
        // Lay the panels out in rows no wider than maxContentWidth.
        var rows: [[Int]] = [[]]
        var rowWidth = 0
        for (i, d) in drawn.enumerated() {
            if !rows[rows.count - 1].isEmpty, rowWidth + gap + d.width > maxContentWidth { rows.append([]); rowWidth = 0 }
            rowWidth += (rows[rows.count - 1].isEmpty ? 0 : gap) + d.width
            rows[rows.count - 1].append(i)
        }
        let rowWidths = rows.map { r in r.map { drawn[$0].width }.reduce(0, +) + max(r.count - 1, 0) * gap }
        let rowHeights = rows.map { r in r.map { drawn[$0].height }.max() ?? 0 }
        let contentWidth = max(rowWidths.max() ?? 0, 560)
        let titleWidth = BitmapFont.width(of: title, scale: 3)
        let lines = step.lines.flatMap { BitmapFont.wrap(fontSafe($0), maxWidth: max(contentWidth, 900, titleWidth), scale: textScale) }
        let width = max(contentWidth, min(lines.map { BitmapFont.width(of: $0, scale: textScale) }.max() ?? 0, 1200), titleWidth) + 2 * margin
        // The text block starts under the last row of panels; its last line ends with its
        // descenders (a "g" or "p" on the last line must not be cut off by the frame's edge).
        let textTop = margin + titleBlock + rowHeights.reduce(0, +) + rows.count * rowGap + 4
        let textBottom = lines.isEmpty ? textTop - rowGap - 4 : textTop + (lines.count - 1) * lineHeight + BitmapFont.height(scale: textScale)
        var canvas = Canvas(width: width, height: textBottom + margin)
        canvas.text(title, x: margin, y: margin, scale: 3)
        var y = margin + titleBlock
        for (r, row) in rows.enumerated() {
            var x = margin
            for i in row {
                draw(step.panels[i], size: drawn[i], on: &canvas, x: x, y: y)
                x += drawn[i].width + gap
            }
            y += rowHeights[r] + rowGap
        }
        y += 4
        for line in lines {
            let ink: RGB = line.hasPrefix("OK ") ? RGB(hex: 0x1E7B34) : line.hasPrefix("X MISMATCH") || line.hasPrefix("X NO") ? .red : .ink
            canvas.text(line, x: margin, y: y, scale: textScale, color: ink)
            y += lineHeight
        }
        return canvas.image
    }

    /// A panel's size and drawing parameters.
    struct Size {
        var width: Int, height: Int
        var cell: Int          // number panels: cell size; image panels: enlargement factor
        var decimals: Int
    }

    /// A panel's label (scale 2: 18 px with descenders) and the space down to its cells: 6 px,
    /// so a "p" or "g" (entrada, pesos, gradiente) clears the frame of a marked top-row cell.
    static let labelHeight = 24

    static func measure(_ p: Panel) -> Size {
        let m = p.matrix
        let labelWidth = BitmapFont.width(of: fontSafe(p.label), scale: 2)
        if p.display != .numbers {
            let scale = max(1, 192 / max(m.rows, m.cols, 1))
            return Size(width: max(m.cols * scale, labelWidth), height: labelHeight + m.rows * scale, cell: scale, decimals: 0)
        }
        let decimals = decimalsNeeded(m.values)
        let widest = m.values.map { BitmapFont.width(of: Format.cell($0, decimals: decimals), scale: 2) }.max() ?? 0
        let cell = min(max(40, widest + 12), 76)
        return Size(width: max(m.cols * cell + 1, labelWidth), height: labelHeight + m.rows * cell + 1, cell: cell, decimals: decimals)
    }

    /// 0 for integers, else the fewest decimals (up to 3) that show every value as NumberFormat does.
    static func decimalsNeeded(_ values: [Float]) -> Int {
        for d in 0...3 {
            let scale = Float(pow(10, Double(d)))
            if values.allSatisfy({ abs(($0 * scale).rounded() - $0 * scale) < 1e-3 }) { return d }
        }
        return 3
    }

    static func draw(_ p: Panel, size: Size, on canvas: inout Canvas, x: Int, y: Int) {
        canvas.text(fontSafe(p.label), x: x, y: y, scale: 2, color: roleColors[p.role] ?? .ink)
        let top = y + labelHeight
        let m = p.matrix
        if p.display != .numbers {
            canvas.blit(picture(m, signed: p.display == .signedImage), x: x, y: top, scale: size.cell)
            let s = size.cell
            // A thin frame, so a map that is mostly white (zero) still shows its extent.
            canvas.stroke(x: x - 1, y: top - 1, width: m.cols * s + 2, height: m.rows * s + 2, .lightGray)
            if let box = bounds(p.highlighted) {
                canvas.stroke(x: x + box.col * s - 2, y: top + box.row * s - 2, width: box.width * s + 4, height: box.height * s + 4, .highlight, thickness: 2)
            }
            for c in p.marked {
                canvas.stroke(x: x + c.col * s - 3, y: top + c.row * s - 3, width: s + 6, height: s + 6, .red, thickness: 2)
            }
            return
        }
        var highlights: [CellHighlight] = p.dimmed.map { CellHighlight(row: $0.row, column: $0.col, color: paddingFill, style: .fill) }
        highlights += p.highlighted.map { CellHighlight(row: $0.row, column: $0.col, color: windowFill, style: .fill) }
        if let box = bounds(p.highlighted) {
            highlights.append(CellHighlight(row: box.row, column: box.col, height: box.height, width: box.width, color: .highlight, style: .outline))
        }
        highlights += p.marked.map { CellHighlight(row: $0.row, column: $0.col, color: .red, style: .outline) }
        let labeled = LabeledMatrix(title: "", rows: m.rows, columns: m.cols, values: m.values, highlights: highlights, decimals: size.decimals)
        MatrixPicture.draw(labeled, on: &canvas, x: x, y: top, cell: size.cell)
        for c in p.hidden {
            canvas.fill(x: x + c.col * size.cell + 1, y: top + c.row * size.cell + 1, width: size.cell - 1, height: size.cell - 1, hiddenFill)
            canvas.fill(x: x + c.col * size.cell + size.cell / 2 - 1, y: top + c.row * size.cell + size.cell / 2 - 1, width: 3, height: 3, .gray)
        }
    }

    /// The smallest rectangle around some cells (nil for none).
    static func bounds(_ cells: [Cell]) -> (row: Int, col: Int, height: Int, width: Int)? {
        guard let r0 = cells.map(\.row).min(), let r1 = cells.map(\.row).max(),
              let c0 = cells.map(\.col).min(), let c1 = cells.map(\.col).max() else { return nil }
        // Only a solid rectangle gets one frame; scattered cells (e.g. relu's row) still do, which reads fine.
        return (r0, c0, r1 - r0 + 1, c1 - c0 + 1)
    }

    /// A matrix as an image: grey 0…1, or a diverging map with zero at white.
    static func picture(_ m: Matrix, signed: Bool) -> RGBImage {
        var image = RGBImage(width: m.cols, height: m.rows)
        let range = ValueRange(of: m.values).symmetric
        for r in 0..<m.rows {
            for c in 0..<m.cols {
                let v = m[r, c]
                let color = signed ? Colormap.diverging.color(range.position(v)) : Colormap.gray.color(Double(min(max(v, 0), 1)))
                image[c, r] = color.tuple
            }
        }
        return image
    }

    /// Text the 5×9 bitmap font can draw. It has Spanish's letters and signs (á, ñ, ¿, ¡ …) and the
    /// tutorials' symbols (⌊ ⌋ ✓ ✗ Σ), so only a few typographic marks are spelled out.
    public static func fontSafe(_ text: String) -> String {
        var t = text
        for (from, to) in [("½", "1/2"), ("●", "*"), ("←", "<-"), ("◀", "<"), ("▶", ">"), ("—", "-"), ("’", "'"), ("“", "\""), ("”", "\"")] {
            t = t.replacingOccurrences(of: from, with: to)
        }
        return t
    }
}
