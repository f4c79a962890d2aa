import CNNCore
import ImageFiles

/// Turns numbers into coloured pixels.
public enum Heatmap {
    /// A `width`×`height` image of `values` (row-major), coloured by `map` over `range`.
    public static func image(_ values: [Float], width: Int, height: Int, map: Colormap, range: ValueRange) -> RGBImage {
        precondition(values.count == width * height, "a \(width)×\(height) heat map needs \(width * height) values, got \(values.count)")
        // 256 levels, as matplotlib's colour maps: one table look-up per value.
        let table = (0..<256).map { map.color(Double($0) / 255) }.flatMap { [$0.r, $0.g, $0.b] }
        let empty = map.color(0, in: range)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let lo = Double(range.lo), span = Double(range.hi) - Double(range.lo)
        table.withUnsafeBufferPointer { lut in
            pixels.withUnsafeMutableBufferPointer { out in
                for i in 0..<values.count {
                    if range.isEmpty {
                        out[i * 3] = empty.r; out[i * 3 + 1] = empty.g; out[i * 3 + 2] = empty.b
                        continue
                    }
                    let t = (Double(values[i]) - lo) / span
                    let k = t.isNaN ? 0 : Int((min(max(t, 0), 1) * 255).rounded()) * 3
                    out[i * 3] = lut[k]; out[i * 3 + 1] = lut[k + 1]; out[i * 3 + 2] = lut[k + 2]
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}

/// Slices of NHWC tensors as plain 2-D arrays.
public enum TensorSlice {
    /// Channel `c` of a (1, H, W, C) or (H, W, C) tensor, as H·W row-major values.
    public static func channel(_ t: Tensor, _ c: Int) -> [Float] {
        let (h, w, channels) = spatial(t)
        var out = [Float](repeating: 0, count: h * w)
        for i in 0..<(h * w) { out[i] = t.data[i * channels + c] }
        return out
    }

    /// (H, W, C) of a (1, H, W, C) or (H, W, C) tensor.
    public static func spatial(_ t: Tensor) -> (height: Int, width: Int, channels: Int) {
        let s = t.rank == 4 ? Array(t.shape.dropFirst()) : t.shape
        return s.count == 3 ? (s[0], s[1], s[2]) : (1, t.count, 1)
    }

    /// Kernel (KH, KW, C, F): input channel `c` of filter `f`, as KH·KW row-major values.
    public static func kernel(_ t: Tensor, channel c: Int, filter f: Int) -> [Float] {
        let (kh, kw, cs, fs) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        var out = [Float](repeating: 0, count: kh * kw)
        for i in 0..<(kh * kw) { out[i] = t.data[(i * cs + c) * fs + f] }
        return out
    }

    /// A rectangle (rows r0..<r0+h, columns c0..<c0+w) of a row-major matrix with `columns` columns.
    public static func crop(_ values: [Float], columns: Int, row r0: Int, column c0: Int, height h: Int, width w: Int) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(h * w)
        for r in r0..<(r0 + h) { for c in c0..<(c0 + w) { out.append(values[r * columns + c]) } }
        return out
    }
}

/// A horizontal colour bar with its numbers: min at the left, 0 where it falls (if inside), max
/// at the right. Every coloured picture carries one, so a colour can be read back as a value.
public struct ColorBar: Equatable {
    public var map: Colormap
    public var range: ValueRange
    public var label: String
    /// The language of the one word the bar writes itself ("all 0" under a bar of one value);
    /// the label is the caller's, already in it.
    public var language: Language

    public init(map: Colormap, range: ValueRange, label: String = "", language: Language = .en) {
        self.map = map
        self.range = range
        self.label = label
        self.language = language
    }

    /// Pixels the bar takes vertically: label, bar, ticks and numbers.
    public static let height = 40
    static let barHeight = 12

    /// The numbers written under the bar, with their positions 0…1 along it.
    public var ticks: [(position: Double, text: String)] {
        if range.isEmpty { return [(0.5, language.pick("all ", "todo ") + Format.short(range.lo))] }
        var t: [(Double, String)] = [(0, Format.short(range.lo)), (1, Format.short(range.hi))]
        if range.lo < 0 && range.hi > 0 { t.insert((range.position(0), "0"), at: 1) }
        return t
    }

    /// Draws the bar with its top-left at (x, y), `width` pixels wide.
    public func draw(on canvas: inout Canvas, x: Int, y: Int, width: Int) {
        canvas.text(label, x: x, y: y)
        // Under the label's descenders ("maps", "weight"), two blank rows, then the bar's frame.
        let top = y + BitmapFont.glyphHeight + 3
        for i in 0..<max(width, 1) {
            let c = range.isEmpty ? map.color(range.lo, in: range) : map.color(Double(i) / Double(max(width - 1, 1)))
            canvas.fill(x: x + i, y: top, width: 1, height: ColorBar.barHeight, c)
        }
        canvas.stroke(x: x - 1, y: top - 1, width: width + 2, height: ColorBar.barHeight + 2, .gray)
        for tick in ticks {
            let tx = x + Int((tick.position * Double(width - 1)).rounded())
            canvas.fill(x: tx, y: top + ColorBar.barHeight + 1, width: 1, height: 4, .ink)
            let w = BitmapFont.width(of: tick.text)
            let left = min(max(tx - w / 2, x - 4), x + width - w + 4)
            canvas.text(tick.text, x: left, y: top + ColorBar.barHeight + 7)
        }
    }
}
