import ImageFiles

/// Tiles laid out in rows with gaps, each enlarged by nearest neighbour, with a title, an index
/// above every tile and a colour bar below.
///
/// Layout, top to bottom: `margin`, title (scale 2) and subtitle lines, then rows of
/// [label line, tile], separated by `gap`, then the colour bar, then `margin`. Every tile of one
/// grid sits in a cell of the same size, so a tile pixel (x, y) of tile i lands on the block starting at
/// `tileOrigin(i) + (x·scale, y·scale)`.
public struct Grid {
    public struct Tile {
        public var image: RGBImage
        public var label: String
        public init(_ image: RGBImage, label: String = "") {
            self.image = image
            self.label = label
        }
    }

    public var title: String
    public var subtitle: String
    public var tiles: [Tile]
    public var columns: Int
    /// Each tile pixel becomes a scale×scale block.
    public var scale: Int
    /// Pixels between tiles.
    public var gap: Int
    public var colorBar: ColorBar?
    public var margin = 12

    public init(title: String, subtitle: String = "", tiles: [Tile], columns: Int, scale: Int = 1, gap: Int = 6, colorBar: ColorBar? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.tiles = tiles
        self.columns = max(1, min(columns, max(tiles.count, 1)))
        self.scale = max(scale, 1)
        self.gap = max(gap, 0)
        self.colorBar = colorBar
    }

    /// Size of one enlarged tile cell (the largest tile; smaller tiles sit at its top-left), made
    /// wider when a label is wider than the tiles, so that no label runs into the next one (a
    /// Spanish "12: muerto (todo 0)" over a 3×3 map of 48 px): then the widest label and a
    /// character's space. Labels that fit change nothing.
    public var tileSize: (width: Int, height: Int) {
        let tileWidth = (tiles.map(\.image.width).max() ?? 0) * scale
        let widest = tiles.map { BitmapFont.width(of: $0.label) }.max() ?? 0
        return (widest > tileWidth ? widest + BitmapFont.advance : tileWidth, (tiles.map(\.image.height).max() ?? 0) * scale)
    }

    /// The label line over each tile: the glyph box with its descenders (9 rows), then 3 rows so a
    /// "g" or "p" stays clear of the tile's hairline frame one pixel above the tile.
    var labelHeight: Int { tiles.contains { !$0.label.isEmpty } ? BitmapFont.glyphHeight + 3 : 0 }
    public var rows: Int { (tiles.count + columns - 1) / columns }
    var contentWidth: Int { columns * tileSize.width + (columns - 1) * gap }

    var subtitleLines: [String] {
        subtitle.isEmpty ? [] : BitmapFont.wrap(subtitle, maxWidth: max(contentWidth, 360))
    }

    var headerHeight: Int {
        (title.isEmpty ? 0 : 16 + 6) + subtitleLines.count * 10 + (subtitleLines.isEmpty ? 0 : 6)
    }

    /// Top-left pixel of the enlarged tile `index` in the rendered image.
    public func tileOrigin(_ index: Int) -> (x: Int, y: Int) {
        let row = index / columns, column = index % columns
        let x = margin + column * (tileSize.width + gap)
        let y = margin + headerHeight + row * (labelHeight + tileSize.height + gap) + labelHeight
        return (x, y)
    }

    /// Size of the rendered image.
    public var size: (width: Int, height: Int) {
        let titleWidth = BitmapFont.width(of: title, scale: 2)
        let subWidth = subtitleLines.map { BitmapFont.width(of: $0) }.max() ?? 0
        // The bar is at least 240 px wide, and its label may be wider than the bar.
        let barWidth = colorBar.map { max(240, BitmapFont.width(of: $0.label)) } ?? 0
        let width = max(contentWidth, titleWidth, subWidth, barWidth) + 2 * margin
        let body = rows * (labelHeight + tileSize.height) + max(rows - 1, 0) * gap
        let height = margin + headerHeight + body + (colorBar == nil ? 0 : 10 + ColorBar.height) + margin
        return (width, height)
    }

    public func render() -> RGBImage {
        let (w, h) = size
        var canvas = Canvas(width: w, height: h)
        var y = margin
        if !title.isEmpty {
            canvas.text(title, x: margin, y: y, scale: 2)
            y += 22
        }
        for line in subtitleLines {
            canvas.text(line, x: margin, y: y, color: RGB(80, 80, 80))
            y += 10
        }
        for (i, tile) in tiles.enumerated() {
            let (x, ty) = tileOrigin(i)
            if !tile.label.isEmpty { canvas.text(tile.label, x: x, y: ty - labelHeight + 1, color: RGB(70, 70, 70)) }
            canvas.blit(tile.image, x: x, y: ty, scale: scale)
            if gap >= 2 {
                // A hairline frame in the gap, so pale tiles do not melt into the background.
                canvas.stroke(x: x - 1, y: ty - 1, width: tile.image.width * scale + 2, height: tile.image.height * scale + 2, RGB(206, 212, 218))
            }
        }
        if let bar = colorBar {
            let barWidth = min(max(contentWidth, 240), 480)
            bar.draw(on: &canvas, x: margin, y: h - margin - ColorBar.height, width: barWidth)
        }
        return canvas.image
    }
}
