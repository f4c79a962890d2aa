import ImageFiles

/// An RGB image to draw on: rectangles, lines, scaled images and text in the built-in font.
///
/// Coordinates are pixels, x to the right and y down from the top-left corner. Everything is
/// clipped to the image, so drawing partly outside is safe.
public struct Canvas {
    public var image: RGBImage
    public var width: Int { image.width }
    public var height: Int { image.height }

    public init(width: Int, height: Int, background: RGB = .white) {
        image = RGBImage(width: max(width, 0), height: max(height, 0), fill: background.tuple)
    }

    public init(image: RGBImage) { self.image = image }

    /// Sets one pixel (ignored outside the image).
    @inline(__always)
    public mutating func set(_ x: Int, _ y: Int, _ c: RGB) {
        guard x >= 0, y >= 0, x < image.width, y < image.height else { return }
        let i = (y * image.width + x) * 3
        image.pixels[i] = c.r; image.pixels[i + 1] = c.g; image.pixels[i + 2] = c.b
    }

    /// The colour at (x, y).
    public func pixel(_ x: Int, _ y: Int) -> RGB {
        let p = image[x, y]
        return RGB(p.0, p.1, p.2)
    }

    /// Fills the rectangle with top-left (x, y).
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ c: RGB) {
        let x0 = max(x, 0), y0 = max(y, 0), x1 = min(x + w, image.width), y1 = min(y + h, image.height)
        guard x0 < x1, y0 < y1 else { return }
        let width = image.width
        image.pixels.withUnsafeMutableBufferPointer { p in
            for yy in y0..<y1 {
                var i = (yy * width + x0) * 3
                for _ in x0..<x1 {
                    p[i] = c.r; p[i + 1] = c.g; p[i + 2] = c.b
                    i += 3
                }
            }
        }
    }

    /// Draws the outline of a rectangle, `thickness` pixels wide, inside the rectangle.
    public mutating func stroke(x: Int, y: Int, width w: Int, height h: Int, _ c: RGB, thickness t: Int = 1) {
        fill(x: x, y: y, width: w, height: t, c)
        fill(x: x, y: y + h - t, width: w, height: t, c)
        fill(x: x, y: y, width: t, height: h, c)
        fill(x: x + w - t, y: y, width: t, height: h, c)
    }

    /// A straight line from (x0, y0) to (x1, y1) (Bresenham), `thickness` pixels wide;
    /// with `dash` > 0, drawn as dashes of that length.
    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: RGB, thickness: Int = 1, dash: Int = 0) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        var step = 0
        let half = (thickness - 1) / 2
        while true {
            if dash <= 0 || (step / dash) % 2 == 0 {
                if thickness <= 1 { set(x, y, c) } else { fill(x: x - half, y: y - half, width: thickness, height: thickness, c) }
            }
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
            step += 1
        }
    }

    /// Copies `source` with its top-left at (x, y), each source pixel becoming a `scale`×`scale`
    /// block (nearest-neighbour enlargement: a 3×3 kernel stays three readable blocks wide).
    public mutating func blit(_ source: RGBImage, x: Int, y: Int, scale: Int = 1) {
        let s = max(scale, 1)
        // Destination rows and columns inside the image, read back to source pixels (÷ s).
        let dx0 = max(x, 0), dy0 = max(y, 0)
        let dx1 = min(x + source.width * s, image.width), dy1 = min(y + source.height * s, image.height)
        guard dx0 < dx1, dy0 < dy1 else { return }
        let width = image.width, sourceWidth = source.width
        source.pixels.withUnsafeBufferPointer { src in
            image.pixels.withUnsafeMutableBufferPointer { dst in
                for dy in dy0..<dy1 {
                    let sy = (dy - y) / s
                    var d = (dy * width + dx0) * 3
                    for dx in dx0..<dx1 {
                        let si = (sy * sourceWidth + (dx - x) / s) * 3
                        dst[d] = src[si]; dst[d + 1] = src[si + 1]; dst[d + 2] = src[si + 2]
                        d += 3
                    }
                }
            }
        }
    }

    /// Draws `text` with its top-left at (x, y) in the built-in 5×9 font (capitals 7 rows tall,
    /// descenders 2 rows below them: the text paints `BitmapFont.height(scale:)` rows), each font pixel a
    /// `scale`×`scale` block. Newlines start a new line. Returns the width drawn.
    @discardableResult
    public mutating func text(_ text: String, x: Int, y: Int, scale: Int = 1, color: RGB = .ink) -> Int {
        let s = max(scale, 1)
        var cx = x, cy = y, widest = 0
        for ch in text {
            if ch == "\n" { cy += BitmapFont.lineHeight * s + s; cx = x; continue }
            let rows = BitmapFont.rows(ch)
            for (ry, bits) in rows.enumerated() where bits != 0 {
                for rx in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(rx)) != 0 {
                    if s == 1 { set(cx + rx, cy + ry, color) } else { fill(x: cx + rx * s, y: cy + ry * s, width: s, height: s, color) }
                }
            }
            cx += BitmapFont.advance * s
            widest = max(widest, cx - x - s)
        }
        return widest
    }

    /// Draws `text` centred horizontally on `centerX`.
    public mutating func text(_ text: String, centerX: Int, y: Int, scale: Int = 1, color: RGB = .ink) {
        self.text(text, x: centerX - BitmapFont.width(of: text, scale: scale) / 2, y: y, scale: scale, color: color)
    }

    /// Draws `text` so that it ends at `rightX`.
    public mutating func text(_ text: String, rightX: Int, y: Int, scale: Int = 1, color: RGB = .ink) {
        self.text(text, x: rightX - BitmapFont.width(of: text, scale: scale), y: y, scale: scale, color: color)
    }

    /// Draws `text` rotated 90° counter-clockwise (reading bottom to top), its baseline box
    /// starting at (x, y) = bottom-left. Used for vertical axis labels.
    public mutating func verticalText(_ text: String, x: Int, bottomY: Int, scale: Int = 1, color: RGB = .ink) {
        let s = max(scale, 1)
        var offset = 0
        for ch in text {
            let rows = BitmapFont.rows(ch)
            for (ry, bits) in rows.enumerated() where bits != 0 {
                for rx in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(rx)) != 0 {
                    // Glyph pixel (rx, ry) goes to (x + ry, bottomY − offset − rx).
                    fill(x: x + ry * s, y: bottomY - (offset + rx + 1) * s, width: s, height: s, color)
                }
            }
            offset += BitmapFont.advance
        }
    }
}
