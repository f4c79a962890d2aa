import CNNCore
import ImageFiles

/// The pictures of one layer, drawn from the tensors of a trace (never from the layer objects):
/// the input image, kernels, feature maps, pooling with its kept maxima, Dense bar strips and
/// the output neuron.
///
/// Every word drawn inside a picture follows `language` (English by default, so the English
/// pictures stay as they were); Keras names, formulas and numbers are the same in both.
public enum LayerPictures {
    /// Enlargement that makes a map about 128 px wide (62 → 2, 31 → 4, 3 → 16 at most).
    public static func scale(forWidth width: Int, target: Int = 128) -> Int {
        max(1, min(16, target / max(width, 1)))
    }

    /// The input after preprocessing: the RGB image and its three channels (gray, 0…1).
    /// Without a `title`, the picture is named "input (after preprocessing)" in `language`.
    public static func input(_ x: Tensor, title: String? = nil, language l: Language = .en) -> RGBImage {
        let (h, w, c) = TensorSlice.spatial(x)
        let range = ValueRange(of: x.data)
        // Values after `rescale` are 0…1; show them as they are when they are, else stretch.
        let shown = range.lo >= 0 && range.hi <= 1 ? ValueRange(lo: 0, hi: 1) : range
        var tiles: [Grid.Tile] = []
        if c == 3 {
            var pixels = [UInt8](repeating: 0, count: h * w * 3)
            for i in 0..<(h * w * 3) { pixels[i] = UInt8((shown.position(x.data[i]) * 255).rounded()) }
            tiles.append(Grid.Tile(RGBImage(width: w, height: h, pixels: pixels), label: "RGB"))
        }
        let names = c == 3 ? [l.pick("red", "rojo"), l.pick("green", "verde"), l.pick("blue", "azul")] : (0..<c).map { l.pick("channel", "canal") + " \($0)" }
        for ch in 0..<c {
            tiles.append(Grid.Tile(Heatmap.image(TensorSlice.channel(x, ch), width: w, height: h, map: .gray, range: shown), label: names[ch]))
        }
        let lo = Format.short(shown.lo), hi = Format.short(shown.hi)
        return Grid(title: title ?? l.pick("input (after preprocessing)", "entrada (tras el preprocesado)"),
                    subtitle: l.pick("\(h)×\(w) pixels, \(c) channels; each channel in gray, black = \(lo), white = \(hi)",
                                     "\(h)×\(w) píxeles, \(c) canales; cada canal en gris, negro = \(lo), blanco = \(hi)"),
                    tiles: tiles, columns: 4, scale: scale(forWidth: w, target: 192), gap: 10,
                    colorBar: ColorBar(map: .gray, range: shown, label: l.pick("channel value", "valor del canal"), language: l)).render()
    }

    /// Feature maps of a (1, H, W, C) tensor as a grid of C tiles with their channel index.
    public static func featureMaps(_ t: Tensor, title: String, subtitle: String = "", map: Colormap,
                                   normalization: Normalization = .perLayer, maxTiles: Int = 64, language l: Language = .en) -> RGBImage {
        let (h, w, c) = TensorSlice.spatial(t)
        let shown = min(c, maxTiles)
        let layerRange: ValueRange
        switch normalization {
        case .global(let r): layerRange = r.fitted(to: map)
        default: layerRange = ValueRange(of: t.data).fitted(to: map)
        }
        let tiles = (0..<shown).map { ch -> Grid.Tile in
            let values = TensorSlice.channel(t, ch)
            let range = normalization == .perMap ? ValueRange(of: values).fitted(to: map) : layerRange
            // Per map, each tile's own range is in its label, so every colour can still be read;
            // a map that is zero everywhere (a filter ReLU switched off here) says so.
            let dead = values.allSatisfy { $0 == 0 }
            let label = dead ? "\(ch): " + l.pick("dead (all 0)", "muerto (todo 0)")
                : normalization == .perMap ? "\(ch): \(Format.short(range.lo))…\(Format.short(range.hi))" : "\(ch)"
            return Grid.Tile(Heatmap.image(values, width: w, height: h, map: map, range: range), label: label)
        }
        let key = map.isSigned ? "-1 = -m, 1 = m" : l.pick("0 = min, 1 = max", "0 = mín, 1 = máx")
        let bar = normalization == .perMap
            ? ColorBar(map: map, range: ValueRange(lo: map.isSigned ? -1 : 0, hi: 1),
                       label: l.pick("each map scaled to its own range, written above it", "cada mapa en su propia escala, escrita encima") + " (" + key + ")", language: l)
            : ColorBar(map: map, range: layerRange, label: l.pick("value (one scale for all \(shown) maps)", "valor (una escala para los \(shown) mapas)"), language: l)
        var sub = subtitle
        if shown < c { sub += (sub.isEmpty ? "" : "; ") + l.pick("first \(shown) of \(c) channels", "los primeros \(shown) de \(c) canales") }
        return Grid(title: title, subtitle: sub, tiles: tiles, columns: min(8, shown), scale: scale(forWidth: w), gap: 6, colorBar: bar).render()
    }

    /// A Conv2D kernel (KH, KW, C, F): per filter, each input channel as a small matrix (with its
    /// numbers when the kernel is at most 5×5) and, for 3 input channels, an RGB composite
    /// (grey = 0; each channel 127.5 + 127.5·w/m with m the largest |w| of the layer).
    ///
    /// The picture is as wide as its longest line: the filter labels, the title and the
    /// subtitle (wrapped to the blocks' width) never run past the right edge, in either language.
    public static func kernels(_ kernel: Tensor, bias: Tensor?, title: String, maxFilters: Int = 64, language l: Language = .en) -> RGBImage {
        let (kh, kw, cs, fs) = (kernel.shape[0], kernel.shape[1], kernel.shape[2], kernel.shape[3])
        let range = ValueRange(of: kernel.data).symmetric
        // Deep layers have many input channels: show the first 8 of them (the .npy has all).
        let shownChannels = min(cs, 8)
        let numbers = kh * kw <= 25 && cs <= 4
        let cell = numbers ? 34 : max(4, 48 / max(kh, kw))
        // "in 0" is short enough for the narrowest matrix (43 px); "canal 0" too, where "entrada 0" is not.
        let channelNames = cs == 3 ? ["R", "G", "B"] : (0..<cs).map { l.pick("in \($0)", "canal \($0)") }
        let shown = min(fs, maxFilters)
        let filterLabels = (0..<shown).map { f in
            l.pick("filter", "filtro") + " \(f)" + (bias.map { l.pick(" bias ", " sesgo ") + Format.cell($0.data[f], decimals: 3) } ?? "")
        }
        let matrixWidth = kw * cell + 1, matrixHeight = kh * cell + 1
        let innerGap = 6
        let matricesWidth = (shownChannels + (cs == 3 ? 1 : 0)) * (matrixWidth + innerGap) - innerGap
        let blockWidth = max(matricesWidth, filterLabels.map { BitmapFont.width(of: $0) }.max() ?? 0)
        let blockHeight = 12 + 12 + matrixHeight
        let columns = max(1, min(fs, 1100 / (blockWidth + 24)))
        let rows = (shown + columns - 1) / columns
        let margin = 12
        let width = max(columns * (blockWidth + 24) - 24, 420, BitmapFont.width(of: title, scale: 2)) + 2 * margin
        let subtitle = l.pick("\(shown) filters of \(kh)×\(kw)×\(cs) weights; blue < 0 < red, white = 0", "\(shown) filtros de \(kh)×\(kw)×\(cs) pesos; azul < 0 < rojo, blanco = 0")
            + (cs == 3 ? l.pick("; RGB: the filter as a colour patch, grey = 0", "; RGB: el filtro como una mancha de color, gris = 0") : "")
            + (shownChannels < cs ? l.pick("; input channels 0-\(shownChannels - 1) of \(cs) shown", "; se muestran los canales de entrada 0-\(shownChannels - 1) de \(cs)") : "")
        let subtitleLines = BitmapFont.wrap(subtitle, maxWidth: width - 2 * margin)
        let header = 22 + 20 + 10 * max(subtitleLines.count - 1, 0)
        let height = margin + header + rows * (blockHeight + 14) + 10 + ColorBar.height + margin
        var canvas = Canvas(width: width, height: height)
        canvas.text(title, x: margin, y: margin, scale: 2)
        for (i, line) in subtitleLines.enumerated() {
            canvas.text(line, x: margin, y: margin + 22 + 10 * i, color: RGB(80, 80, 80))
        }
        for f in 0..<shown {
            let x0 = margin + (f % columns) * (blockWidth + 24)
            let y0 = margin + header + (f / columns) * (blockHeight + 14)
            canvas.text(filterLabels[f], x: x0, y: y0, color: .ink)
            for c in 0..<shownChannels {
                let values = TensorSlice.kernel(kernel, channel: c, filter: f)
                let mx = x0 + c * (matrixWidth + innerGap), my = y0 + 24
                canvas.text(channelNames[c], x: mx, y: y0 + 12, color: RGB(90, 90, 90))
                if numbers {
                    let m = LabeledMatrix(rows: kh, columns: kw, values: values, colormap: .diverging, range: range)
                    MatrixPicture.draw(m, on: &canvas, x: mx, y: my, cell: cell)
                } else {
                    canvas.blit(Heatmap.image(values, width: kw, height: kh, map: .diverging, range: range), x: mx, y: my, scale: cell)
                    canvas.stroke(x: mx - 1, y: my - 1, width: kw * cell + 2, height: kh * cell + 2, .lightGray)
                }
            }
            if cs == 3 {
                var pixels = [UInt8](repeating: 0, count: kh * kw * 3)
                for i in 0..<(kh * kw) {
                    for c in 0..<3 {
                        let w = kernel.data[(i * cs + c) * fs + f]
                        let v = range.hi > 0 ? 127.5 + 127.5 * Double(w / range.hi) : 127.5
                        pixels[i * 3 + c] = UInt8(v.rounded().clamped(0, 255))
                    }
                }
                let mx = x0 + 3 * (matrixWidth + innerGap), my = y0 + 24
                canvas.text("RGB", x: mx, y: y0 + 12, color: RGB(90, 90, 90))
                canvas.blit(RGBImage(width: kw, height: kh, pixels: pixels), x: mx, y: my, scale: cell)
                canvas.stroke(x: mx - 1, y: my - 1, width: kw * cell + 2, height: kh * cell + 2, .gray)
            }
        }
        ColorBar(map: .diverging, range: range, label: l.pick("weight", "peso"), language: l).draw(on: &canvas, x: margin, y: height - margin - ColorBar.height, width: 360)
        return canvas.image
    }

    /// Values as vertical bars from a zero line (e.g. the 128 units of a Dense layer), coloured by
    /// `map`, with a value axis and unit indices.
    /// The picture is at least as wide as its title and subtitle.
    public static func barStrip(_ values: [Float], title: String, subtitle: String = "", map: Colormap, labels: [String] = [],
                                language l: Language = .en) -> RGBImage {
        let n = max(values.count, 1)
        let barWidth = max(3, min(48, 1024 / n))
        let margin = 12, left = 64, plotHeight = 180
        let raw = ValueRange(of: values)
        let range = ValueRange(lo: min(raw.lo, 0), hi: max(raw.hi, 0) == 0 && min(raw.lo, 0) == 0 ? 1 : max(raw.hi, 0))
        // Bars grow from zero, so the colours start at zero too (or are symmetric around it).
        let colorRange = map.isSigned ? raw.symmetric : ValueRange(lo: min(raw.lo, 0), hi: raw.hi)
        let width = max(left + n * barWidth + margin, 420, BitmapFont.width(of: title, scale: 2) + 2 * margin, BitmapFont.width(of: subtitle) + 2 * margin)
        let top = margin + 22 + (subtitle.isEmpty ? 0 : 12) + 10
        let height = top + plotHeight + 26 + ColorBar.height + margin
        var canvas = Canvas(width: width, height: height)
        canvas.text(title, x: margin, y: margin, scale: 2)
        if !subtitle.isEmpty { canvas.text(subtitle, x: margin, y: margin + 22, color: RGB(80, 80, 80)) }
        func y(_ v: Float) -> Int {
            var t = Double(range.hi - v) / Double(range.hi - range.lo)
            if !t.isFinite {
                // NaN or ±inf values (an overflowing model), or a span beyond float's range:
                // computed in Double and drawn at an edge, where `Int(_:)` would trap.
                t = (Double(range.hi) - Double(v)) / (Double(range.hi) - Double(range.lo))
                t = t.isNaN ? 1 : min(max(t, 0), 1)
            }
            return top + Int((t * Double(plotHeight)).rounded())
        }
        for tick in LineChart.ticks(Double(range.lo), Double(range.hi), count: 4) {
            let ty = y(Float(tick))
            canvas.line(left, ty, left + n * barWidth, ty, .lightGray)
            canvas.text(Format.short(tick), rightX: left - 6, y: ty - 3)
        }
        let zero = y(0)
        for (i, v) in values.enumerated() {
            let x = left + i * barWidth
            let yv = y(v)
            let c = map.color(v, in: colorRange)
            canvas.fill(x: x, y: min(yv, zero), width: max(barWidth - 1, 1), height: max(abs(yv - zero), v == 0 ? 0 : 1), c)
        }
        canvas.line(left, zero, left + n * barWidth, zero, .ink)
        canvas.line(left, top, left, top + plotHeight, .ink)
        let step = labels.isEmpty ? (n <= 16 ? 1 : n <= 64 ? 8 : 16) : 1
        for i in stride(from: 0, to: n, by: step) {
            let x = left + i * barWidth + barWidth / 2
            canvas.line(x, top + plotHeight + 2, x, top + plotHeight + 5, .ink)
            canvas.text(labels.isEmpty ? "\(i)" : labels[i], centerX: x, y: top + plotHeight + 8)
        }
        canvas.text(labels.isEmpty ? l.pick("unit", "unidad") : l.pick("class", "clase"), x: left - 40, y: top + plotHeight + 8, color: RGB(80, 80, 80))
        ColorBar(map: map, range: colorRange, label: l.pick("value", "valor"), language: l).draw(on: &canvas, x: left, y: height - margin - ColorBar.height, width: min(360, n * barWidth))
        return canvas.image
    }

    /// The output neuron of a binary classifier: the logit z on the sigmoid curve, p = σ(z), the
    /// 0.5 threshold and the class it picks. Without a `title`, it is "output neuron" in `language`;
    /// in Spanish the class names read as «labels».
    public static func sigmoidOutput(logit z: Float, classNames: [String], title: String? = nil, language l: Language = .en) -> RGBImage {
        let p = Activation.sigmoid(z)
        let names = (classNames.count >= 2 ? classNames : [l.pick("class 0", "clase 0"), l.pick("class 1", "clase 1")]).map { l.label($0) }
        let chosen = ClassDecision.binaryClass(p)
        let width = 640, height = 400, margin = 12
        let left = 64, right = width - 24, top = 120, bottom = 330
        // A logit of NaN or ±inf (an overflowing model) is drawn at the edge rather than trapping in `Int(_:)`.
        let shown = z.isNaN ? 0 : Double(z).clamped(-1e30, 1e30)
        let span = max(8, (abs(shown) + 1).rounded(.up))
        func px(_ v: Double) -> Int { left + Int(((v + span) / (2 * span) * Double(right - left)).rounded()) }
        func py(_ v: Double) -> Int { bottom - Int((v * Double(bottom - top)).rounded()) }
        var canvas = Canvas(width: width, height: height)
        canvas.text(title ?? l.pick("output neuron", "neurona de salida"), x: margin, y: margin, scale: 2)
        canvas.text("logit z = \(Format.short(z))", x: margin, y: margin + 26, scale: 2)
        canvas.text("p = σ(z) = 1 / (1 + e^-z) = \(Format.cell(p, decimals: 4))", x: margin, y: margin + 48, scale: 2)
        canvas.text("p \(p > 0.5 ? ">" : "≤") 0.5 → \(names[chosen])", x: margin, y: margin + 70, scale: 2, color: chosen == 1 ? RGB.red : RGB.blue)
        for v in [0.0, 0.5, 1.0] {
            canvas.line(left, py(v), right, py(v), v == 0.5 ? .highlight : .lightGray, thickness: v == 0.5 ? 2 : 1, dash: v == 0.5 ? 6 : 0)
            canvas.text(Format.short(v), rightX: left - 6, y: py(v) - 3)
        }
        canvas.text(l.pick("threshold 0.5", "umbral 0.5"), rightX: right, y: py(0.5) - 12, color: .highlight)
        canvas.text(names[1] + " ↑", x: left + 4, y: py(1) + 4, color: .red)
        canvas.text(names[0] + " ↓", x: left + 4, y: py(0) - 12, color: .blue)
        for t in LineChart.ticks(-span, span, count: 8) {
            canvas.line(px(t), bottom, px(t), bottom + 4, .ink)
            canvas.text(Format.short(t), centerX: px(t), y: bottom + 8)
        }
        canvas.line(left, top, left, bottom, .ink)
        canvas.line(left, bottom, right, bottom, .ink)
        canvas.text("z (logit)", centerX: (left + right) / 2, y: bottom + 22)
        canvas.verticalText("p = σ(z)", x: 14, bottomY: (top + bottom) / 2 + 24)
        var previous: (Int, Int)?
        for i in 0...400 {
            let v = -span + 2 * span * Double(i) / 400
            let point = (px(v), py(Double(Activation.sigmoid(Float(v)))))
            if let q = previous { canvas.line(q.0, q.1, point.0, point.1, .ink, thickness: 2) }
            previous = point
        }
        let zx = px(shown), zy = py(p.isNaN ? 0.5 : Double(p))
        canvas.line(zx, bottom, zx, zy, .gray, dash: 4)
        canvas.fill(x: zx - 5, y: zy - 5, width: 11, height: 11, chosen == 1 ? .red : .blue)
        canvas.stroke(x: zx - 6, y: zy - 6, width: 13, height: 13, .ink)
        return canvas.image
    }
}
