import CNNCore
import ImageFiles

/// Pictures of a pooling layer beside its input, with the value each window keeps marked.
///
/// The kept positions are recomputed from the traced input and the layer's config (pool size,
/// strides, padding) with the reference kernel `PoolNaive`, so the picture needs only the trace.
/// The words drawn follow `language` (English by default); the layer's Keras name stays.
public enum PoolingPictures {
    /// For max pooling: for every output cell of channel `c`, the (row, column) of the input
    /// value it kept (the first maximum in row-major window order on ties).
    public static func keptPositions(input: Tensor, poolSize: (Int, Int), strides: (Int, Int), padding: Padding) -> (geometry: ConvGeometry, kept: [Int32]) {
        let g = ConvGeometry(sample: Array(input.shape.suffix(3)), batch: 1, kernel: poolSize, strides: strides, padding: padding)
        return (g, PoolNaive.maxForward(input: input.data, geometry: g).argmax)
    }

    /// Channels worth showing: the `count` with the largest maximum (a channel of zeros shows nothing).
    public static func liveliestChannels(_ t: Tensor, count: Int) -> [Int] {
        let c = TensorSlice.spatial(t).channels
        let maxima = (0..<c).map { ch in TensorSlice.channel(t, ch).max() ?? 0 }
        return Array((0..<c).sorted { maxima[$0] > maxima[$1] || (maxima[$0] == maxima[$1] && $0 < $1) }.prefix(count)).sorted()
    }

    /// A zoomed crop (the top-left `windows`×`windows` output cells and the input they read) of a
    /// few channels, as matrices with their numbers: each pooling window outlined, the kept
    /// maximum filled orange, and the pooled values beside it.
    public static func zoom(input: Tensor, output: Tensor, layer: TraceView.LayerInfo, channels: [Int], windows: Int = 4,
                            language l: Language = .en) -> RGBImage {
        let pool = layer.pair("pool_size", (2, 2))
        let strides = layer.pair("strides", pool)
        let padding = Padding(rawValue: layer.config["padding"]?.stringValue ?? "valid") ?? .valid
        let isMax = layer.kind == .maxPooling2D
        let (g, kept) = keptPositions(input: input, poolSize: pool, strides: strides, padding: padding)
        let outRows = min(windows, g.outHeight), outCols = min(windows, g.outWidth)
        let inRows = min(g.height, (outRows - 1) * strides.0 + pool.0 - g.padTop)
        let inCols = min(g.width, (outCols - 1) * strides.1 + pool.1 - g.padLeft)
        var pictures: [RGBImage] = []
        let range = ValueRange(of: input.data)
        for c in channels {
            let inValues = TensorSlice.crop(TensorSlice.channel(input, c), columns: g.width, row: 0, column: 0, height: inRows, width: inCols)
            let outValues = TensorSlice.crop(TensorSlice.channel(output, c), columns: g.outWidth, row: 0, column: 0, height: outRows, width: outCols)
            var marks: [CellHighlight] = []
            for oh in 0..<outRows {
                for ow in 0..<outCols {
                    let r0 = max(oh * strides.0 - g.padTop, 0), c0 = max(ow * strides.1 - g.padLeft, 0)
                    let r1 = min(oh * strides.0 - g.padTop + pool.0, inRows), c1 = min(ow * strides.1 - g.padLeft + pool.1, inCols)
                    marks.append(CellHighlight(row: r0, column: c0, height: r1 - r0, width: c1 - c0, color: RGB(60, 60, 60)))
                    if isMax {
                        let index = Int(kept[(oh * g.outWidth + ow) * g.channels + c])
                        let pixel = index / g.channels
                        marks.insert(CellHighlight(row: pixel / g.width, column: pixel % g.width, color: RGB(255, 190, 110), style: .fill), at: 0)
                    }
                }
            }
            let window = "\(pool.0)×\(pool.1)", stride = "\(strides.0)"
            let caption = c == channels.first
                ? (isMax ? l.pick("Each \(window) window (outlined) keeps its largest value (orange); stride \(stride).",
                                  "Cada ventana de \(window) (recuadrada) conserva su valor más grande (naranja); paso (stride) \(stride).")
                         : l.pick("Each \(window) window (outlined) is replaced by its average; stride \(stride).",
                                  "Cada ventana de \(window) (recuadrada) se sustituye por su media; paso (stride) \(stride)."))
                : ""
            pictures.append(MatrixPicture.render([
                LabeledMatrix(title: l.pick("input channel \(c), rows 0-\(inRows - 1), columns 0-\(inCols - 1)",
                                            "canal de entrada \(c), filas 0-\(inRows - 1), columnas 0-\(inCols - 1)"), rows: inRows, columns: inCols,
                              values: inValues, colormap: .viridis, range: range, highlights: marks),
                LabeledMatrix(title: l.pick("output channel \(c)", "canal de salida \(c)"), rows: outRows, columns: outCols,
                              values: outValues, colormap: .viridis, range: range),
            ], separators: ["→"], caption: caption))
        }
        let headline = "\(layer.name): " + l.pick("zoom on the top-left corner", "ampliación de la esquina superior izquierda")
        var header = Canvas(width: BitmapFont.width(of: headline, scale: 2) + 24, height: 30)
        header.text(headline, x: 12, y: 8, scale: 2)
        let rows = stride(from: 0, to: pictures.count, by: 2).map { ImageOps.stackHorizontally(Array(pictures[$0..<min($0 + 2, pictures.count)]), gap: 16) }
        return ImageOps.stackVertically([header.image] + rows, gap: 4)
    }

    /// Whole maps of a few channels: the input with every value pooling dropped faded (so the
    /// kept maxima stand out), beside the pooled output enlarged to the same size.
    public static func full(input: Tensor, output: Tensor, layer: TraceView.LayerInfo, channels: [Int], language l: Language = .en) -> RGBImage {
        let pool = layer.pair("pool_size", (2, 2))
        let strides = layer.pair("strides", pool)
        let padding = Padding(rawValue: layer.config["padding"]?.stringValue ?? "valid") ?? .valid
        let isMax = layer.kind == .maxPooling2D
        let (g, kept) = keptPositions(input: input, poolSize: pool, strides: strides, padding: padding)
        let range = ValueRange(of: input.data)
        let inScale = LayerPictures.scale(forWidth: g.width, target: 192)
        let outScale = max(1, (g.width * inScale) / max(g.outWidth, 1))
        var tiles: [Grid.Tile] = []
        for c in channels {
            var image = Heatmap.image(TensorSlice.channel(input, c), width: g.width, height: g.height, map: .viridis, range: range)
            if isMax {
                var keep = [Bool](repeating: false, count: g.height * g.width)
                for i in 0..<(g.outHeight * g.outWidth) { keep[Int(kept[i * g.channels + c]) / g.channels] = true }
                for (i, k) in keep.enumerated() where !k {
                    let p = image[i % g.width, i / g.width]
                    image[i % g.width, i / g.width] = RGB(p.0, p.1, p.2).mixed(with: .white, 0.75).tuple
                }
            }
            tiles.append(Grid.Tile(ImageOps.enlarge(image, scale: inScale), label: l.pick("input ch \(c)", "entrada, canal \(c)") + (isMax ? l.pick(", kept bright", " (vivos: se quedan)") : "")))
            let out = Heatmap.image(TensorSlice.channel(output, c), width: g.outWidth, height: g.outHeight, map: .viridis, range: range)
            tiles.append(Grid.Tile(ImageOps.enlarge(out, scale: outScale), label: l.pick("output ch \(c)", "salida, canal \(c)")))
        }
        return Grid(title: "\(layer.name): " + l.pick("input → output", "entrada → salida"),
                    subtitle: "\(g.height)×\(g.width) → \(g.outHeight)×\(g.outWidth); "
                        + (isMax ? l.pick("faded pixels are the values max pooling throws away", "los píxeles pálidos son los valores que el max pooling descarta")
                                 : l.pick("each output pixel is the average of its window", "cada píxel de salida es la media de su ventana")),
                    tiles: tiles, columns: 4, scale: 1, gap: 10,
                    colorBar: ColorBar(map: .viridis, range: range, label: l.pick("value (input and output share this scale)", "valor (entrada y salida comparten esta escala)"),
                                       language: l)).render()
    }
}
