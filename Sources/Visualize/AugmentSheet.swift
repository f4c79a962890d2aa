import ImageFiles

/// The preview sheet: a title, settings lines, then panels in rows, each an enlarged image with
/// its label lines underneath.
public struct AugmentSheet {
    public let title: String
    public let subtitle: [String]
    public let panels: [(RGBImage, [String])]
    public let scale: Int
    let margin = 12, gap = 14, columns = 3

    public init(title: String, subtitle: [String], panels: [(RGBImage, [String])], scale: Int) {
        self.title = title
        self.subtitle = subtitle
        self.panels = panels
        self.scale = scale
    }

    public func render() -> RGBImage {
        let tileW = (panels.map { $0.0.width }.max() ?? 0) * scale
        let tileH = (panels.map { $0.0.height }.max() ?? 0) * scale
        let labelLines = panels.map { $0.1.count }.max() ?? 0
        let labelH = labelLines * BitmapFont.lineHeight + 4
        let cols = min(columns, panels.count)
        let rows = (panels.count + cols - 1) / cols
        let headerH = 22 + subtitle.count * 10 + 8
        let textW = max(BitmapFont.width(of: title, scale: 2), subtitle.map { BitmapFont.width(of: $0) }.max() ?? 0)
        let width = max(cols * tileW + (cols - 1) * gap, textW) + 2 * margin
        let height = margin + headerH + rows * (tileH + labelH) + (rows - 1) * gap + margin
        var canvas = Canvas(width: width, height: height)
        canvas.text(title, x: margin, y: margin, scale: 2)
        for (i, line) in subtitle.enumerated() {
            canvas.text(line, x: margin, y: margin + 22 + i * 10, color: RGB(80, 80, 80))
        }
        for (i, (image, lines)) in panels.enumerated() {
            let x = margin + (i % cols) * (tileW + gap)
            let y = margin + headerH + (i / cols) * (tileH + labelH + gap)
            canvas.stroke(x: x - 1, y: y - 1, width: image.width * scale + 2, height: image.height * scale + 2,
                          i == 0 ? RGB.highlight : RGB(206, 212, 218))
            canvas.blit(image, x: x, y: y, scale: scale)
            for (k, line) in lines.enumerated() {
                canvas.text(line, x: x, y: y + tileH + 4 + k * BitmapFont.lineHeight, color: k == 0 ? RGB.ink : RGB(70, 70, 70))
            }
        }
        return canvas.image
    }
}
