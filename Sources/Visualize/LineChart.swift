import Foundation
import ImageFiles

/// Curves over a shared x axis (e.g. loss and accuracy per epoch, training and validation),
/// drawn to a PNG-ready image or to inline SVG, with axes, ticks, axis labels and a legend.
///
///     let chart = LineChart(title: "Loss", xLabel: "epoch", yLabel: "loss", series: [
///         .init(name: "training", values: [0.69, 0.61, 0.55]),
///         .init(name: "validation", values: [0.68, 0.63, 0.60], color: .orange, dashed: true)])
///     let png = chart.renderPNG(width: 640, height: 360)
///     let svg = chart.svg(width: 640, height: 360)
///
/// Point i of a series is drawn at x = `xStart` + i (epochs count from 1 by default).
/// Non-finite values are skipped.
public struct LineChart {
    public struct Series {
        public var name: String
        public var values: [Double]
        public var color: RGB
        public var dashed: Bool

        public init(name: String, values: [Double], color: RGB = .blue, dashed: Bool = false) {
            self.name = name
            self.values = values
            self.color = color
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// The x value of each series' first point.
    public var xStart: Double
    /// Fixed y range (e.g. 0…1 for accuracy); nil fits the data.
    public var yRange: (Double, Double)?

    public init(title: String, xLabel: String, yLabel: String, series: [Series], xStart: Double = 1, yRange: (Double, Double)? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xStart = xStart
        self.yRange = yRange
    }

    /// The plotting area and scales for an image of the given size.
    struct Frame {
        var left, top, right, bottom: Double
        var x0, x1, y0, y1: Double
        func px(_ x: Double) -> Double { left + (x - x0) / max(x1 - x0, 1e-12) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (y - y0) / max(y1 - y0, 1e-12) * (bottom - top) }
    }

    func frame(width: Int, height: Int) -> Frame {
        let count = series.map(\.values.count).max() ?? 0
        var x1 = xStart + Double(max(count - 1, 1))
        if x1 <= xStart { x1 = xStart + 1 }
        let finite = series.flatMap(\.values).filter(\.isFinite)
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if let r = yRange { lo = r.0; hi = r.1 }
        if hi - lo < 1e-9 { lo -= 0.5; hi += 0.5 }
        let pad = yRange == nil ? (hi - lo) * 0.05 : 0
        return Frame(left: 64, top: 36, right: Double(width) - 24, bottom: Double(height) - 62,
                     x0: xStart, x1: x1, y0: lo - pad, y1: hi + pad)
    }

    /// About five "nice" tick values (steps of 1, 2 or 5 times a power of ten) covering lo…hi.
    public static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(max(count, 1))
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * power }.first { $0 >= raw } ?? raw
        // Multiples of the step, rounded to its decimals so 3 × 0.2 prints as 0.6.
        let scale = pow(10, max(0, -floor(log10(step))) + 1)
        var values: [Double] = []
        var k = ceil(lo / step - 1e-9)
        while k * step <= hi + step * 1e-9 {
            let v = (k * step * scale).rounded() / scale
            values.append(v == 0 ? 0 : v)
            k += 1
        }
        return values
    }

    /// Whole-number x ticks, starting at the first point (epoch 1) when there is room for it.
    func xTicks(_ f: Frame) -> [Double] {
        var ticks = LineChart.ticks(f.x0, f.x1, count: 8).filter { $0 == $0.rounded() }
        if f.x0 == f.x0.rounded(), let first = ticks.first, first > f.x0, ticks.count < 2 || first - f.x0 >= (ticks[1] - first) / 2 {
            ticks.insert(f.x0, at: 0)
        }
        return ticks
    }

    /// The chart as an image (save it with `ImageFile.write`).
    public func renderPNG(width: Int = 640, height: Int = 360) -> RGBImage {
        var canvas = Canvas(width: width, height: height)
        let f = frame(width: width, height: height)
        let (l, t, r, b) = (Int(f.left), Int(f.top), Int(f.right), Int(f.bottom))
        canvas.text(title, x: l, y: 10, scale: 2)
        for y in LineChart.ticks(f.y0, f.y1) {
            let yy = Int(f.py(y).rounded())
            canvas.line(l, yy, r, yy, .lightGray)
            canvas.text(Format.short(y), rightX: l - 6, y: yy - 3)
        }
        for x in xTicks(f) {
            let xx = Int(f.px(x).rounded())
            canvas.line(xx, b, xx, b + 4, .ink)
            canvas.text(Format.short(x), centerX: xx, y: b + 8)
        }
        canvas.line(l, t, l, b, .ink)
        canvas.line(l, b, r, b, .ink)
        canvas.text(xLabel, centerX: (l + r) / 2, y: b + 20)
        canvas.verticalText(yLabel, x: 8, bottomY: (t + b) / 2 + BitmapFont.width(of: yLabel) / 2)
        for s in series {
            var previous: (Int, Int)?
            for (i, v) in s.values.enumerated() {
                guard v.isFinite else { previous = nil; continue }
                let p = (Int(f.px(xStart + Double(i)).rounded()), Int(f.py(v).rounded()))
                if let q = previous { canvas.line(q.0, q.1, p.0, p.1, s.color, thickness: 2, dash: s.dashed ? 6 : 0) }
                canvas.fill(x: p.0 - 2, y: p.1 - 2, width: 5, height: 5, s.color)
                previous = p
            }
        }
        // Legend, in one row under the axis label.
        var lx = l
        let ly = b + 36
        for s in series {
            canvas.line(lx, ly + 3, lx + 24, ly + 3, s.color, thickness: 2, dash: s.dashed ? 6 : 0)
            lx += 30
            lx += canvas.text(s.name, x: lx, y: ly) + 18
        }
        return canvas.image
    }

    /// The chart as an `<svg>` element to put inline in a page (scales with the page width).
    public func svg(width: Int = 640, height: Int = 360) -> String {
        let f = frame(width: width, height: height)
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(HTMLPage.escape(title))\" style=\"max-width:100%;height:auto;font-family:sans-serif;font-size:12px\">\n"
        out += "<rect width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>\n"
        out += "<text x=\"\(n(f.left))\" y=\"22\" font-size=\"16\" font-weight=\"bold\">\(HTMLPage.escape(title))</text>\n"
        for y in LineChart.ticks(f.y0, f.y1) {
            let yy = n(f.py(y))
            out += "<line x1=\"\(n(f.left))\" y1=\"\(yy)\" x2=\"\(n(f.right))\" y2=\"\(yy)\" stroke=\"#dee2e6\"/>"
            out += "<text x=\"\(n(f.left - 6))\" y=\"\(yy)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Format.short(y))</text>\n"
        }
        for x in xTicks(f) {
            let xx = n(f.px(x))
            out += "<line x1=\"\(xx)\" y1=\"\(n(f.bottom))\" x2=\"\(xx)\" y2=\"\(n(f.bottom + 4))\" stroke=\"#212529\"/>"
            out += "<text x=\"\(xx)\" y=\"\(n(f.bottom + 16))\" text-anchor=\"middle\">\(Format.short(x))</text>\n"
        }
        out += "<path d=\"M\(n(f.left)),\(n(f.top)) V\(n(f.bottom)) H\(n(f.right))\" fill=\"none\" stroke=\"#212529\"/>\n"
        out += "<text x=\"\(n((f.left + f.right) / 2))\" y=\"\(n(f.bottom + 32))\" text-anchor=\"middle\">\(HTMLPage.escape(xLabel))</text>\n"
        out += "<text transform=\"translate(16,\(n((f.top + f.bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTMLPage.escape(yLabel))</text>\n"
        for s in series {
            var d = ""
            var pen = false
            for (i, v) in s.values.enumerated() {
                guard v.isFinite else { pen = false; continue }
                d += (pen ? " L" : " M") + "\(n(f.px(xStart + Double(i)))),\(n(f.py(v)))"
                pen = true
            }
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            out += "<path d=\"\(d.trimmingCharacters(in: .whitespaces))\" fill=\"none\" stroke=\"\(s.color.hexString)\" stroke-width=\"2\"\(dash)><title>\(HTMLPage.escape(s.name))</title></path>\n"
        }
        var lx = f.left
        let ly = f.bottom + 50
        for s in series {
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            out += "<line x1=\"\(n(lx))\" y1=\"\(n(ly))\" x2=\"\(n(lx + 24))\" y2=\"\(n(ly))\" stroke=\"\(s.color.hexString)\" stroke-width=\"2\"\(dash)/>"
            out += "<text x=\"\(n(lx + 30))\" y=\"\(n(ly))\" dominant-baseline=\"middle\">\(HTMLPage.escape(s.name))</text>\n"
            lx += 30 + Double(s.name.count) * 7 + 24
        }
        return out + "</svg>"
    }
}
