import CNNCore

/// "What shape comes out?": a Conv2D or MaxPooling2D on an H×W×C input, valid or same padding.
///
/// The key is the shape CNNCore's layer reports once built for that input (`Engine.outputShape`),
/// as Keras prints it in `model.summary()`; the worked key writes Keras' formula out:
///   valid: ⌊(n − k)/s⌋ + 1     same: ⌈n/s⌉
enum OutputSizeExercise {
    static let sides = Array(5...32) + [64]

    static func make(number: Int, dice: inout Dice, language l: Language) throws -> ExerciseProblem {
        let isConv = dice.int(0, 2) > 0  // two Conv2D for one pooling layer
        let h = dice.pick(sides)
        let w = dice.bool() ? h : dice.pick(sides)
        let c = dice.pick([1, 3, 16, 32])
        let k = isConv ? dice.pick([1, 2, 3, 3, 5]) : dice.pick([2, 2, 3])
        let s = isConv ? dice.pick([1, 1, 2, 3]) : dice.pick([k, k, 1, 2])
        let padding = dice.pick(["valid", "same"])
        let filters = dice.pick([8, 16, 32, 64])
        let layerName = isConv ? "Conv2D" : "MaxPooling2D"
        let shape: [Int]
        if isConv {
            shape = try Engine.outputShape(of: Conv2D(filters: filters, kernelSize: (k, k), strides: (s, s), padding: Padding(word: padding), name: "conv2d"),
                                           inputShape: [h, w, c])
        } else {
            shape = try Engine.outputShape(of: Pooling2D(.max, poolSize: (k, k), strides: (s, s), padding: Padding(word: padding), name: "max_pooling2d"),
                                           inputShape: [h, w, c])
        }
        let key = Matrix(rows: 1, cols: 3, values: shape.map(Float.init))
        guard shape.count == 3 else {
            throw LessonError(source: "output-size", problem: "the layer gave the shape \(shape), not (H, W, C)", expected: "a Conv2D or MaxPooling2D on an (H, W, C) input")
        }
        let rows = ConvArithmetic.axis(input: h, window: k, stride: s, padding: padding)
        let cols = ConvArithmetic.axis(input: w, window: k, stride: s, padding: padding)
        let work = [
            [l.pick("height: ", "alto: ") + sideFormula(rows, n: h, s: s, out: shape[0], padding: padding, l)],
            [l.pick("width: ", "ancho: ") + sideFormula(cols, n: w, s: s, out: shape[1], padding: padding, l)],
            [isConv ? l.pick("channels: one per filter → \(filters)", "canales: uno por filtro → \(filters)")
                    : l.pick("channels: pooling keeps each channel apart → \(c)", "canales: el pooling trata cada canal por separado → \(c)")],
        ]
        let what = isConv
            ? l.pick("a Conv2D with \(filters) filters of \(k)×\(k), stride \(s), '\(padding)' padding",
                     "una Conv2D con \(filters) filtros de \(k)×\(k), paso \(s), relleno '\(padding)'")
            : l.pick("a MaxPooling2D with a \(k)×\(k) window, stride \(s), '\(padding)' padding",
                     "una MaxPooling2D con ventana \(k)×\(k), paso \(s), relleno '\(padding)'")
        var given = [
            GivenValue("input_shape", l.pick("input shape (H, W, C)", "forma de la entrada (H, W, C)"), .integers([h, w, c])),
            GivenValue("layer", l.pick("layer", "capa"), .word(layerName)),
        ]
        if isConv {
            given += [GivenValue("filters", l.pick("filters", "filtros"), .integer(filters)),
                      GivenValue("kernel_size", l.pick("kernel size", "tamaño del núcleo (kernel_size)"), .integer(k))]
        } else {
            given.append(GivenValue("pool_size", l.pick("pool size", "tamaño de ventana (pool_size)"), .integer(k)))
        }
        given += [GivenValue("stride", l.pick("stride", "paso (stride)"), .integer(s)),
                  GivenValue("padding", l.pick("padding", "relleno (padding)"), .word(padding))]
        return ExerciseProblem(
            topic: .outputSize, number: number,
            statement: l.pick("An input of shape (\(h), \(w), \(c)) goes through \(what). What shape (H, W, C) comes out?",
                              "Una entrada de forma (\(h), \(w), \(c)) pasa por \(what). ¿Qué forma (H, W, C) sale?"),
            given: given,
            answers: [AnswerPart("output", l.pick("output shape", "forma de la salida"), symbol: l.pick("shape", "forma"), key: key, columns: ["H", "W", "C"], work: work)],
            worked: [l.pick("Keras: valid → ⌊(n − k)/s⌋ + 1; same → ⌈n/s⌉ (the kernel size does not matter with same).",
                            "Keras: valid → ⌊(n − k)/s⌋ + 1; same → ⌈n/s⌉ (con same el tamaño del núcleo no importa).")])
    }

    /// One side worked out: valid → ⌊(n − k)/s⌋ + 1 = …; same → ⌈n/s⌉ = … (the padding Keras adds
    /// for `same` does not change the size, so it is left to the convolution exercises).
    static func sideFormula(_ axis: ConvArithmetic.Axis, n: Int, s: Int, out: Int, padding: String, _ l: Language) -> String {
        padding == "same" ? "⌈\(n)/\(s)⌉ = \(out)" : Worked.formula(axis, l)
    }
}

/// "Where does this value land after Flatten?": a position (r, c, ch) in an H×W×C feature map.
///
/// The key is CNNCore's `Flatten` on a map that is 1 at that position and 0 elsewhere: the index
/// of the 1 in its output. Keras keeps the (H, W, C) order: index = (r·W + c)·C + ch.
enum FlattenIndexExercise {
    static func make(number: Int, dice: inout Dice, language l: Language) throws -> ExerciseProblem {
        let (h, w, c) = (dice.int(2, 6), dice.int(2, 6), dice.int(1, 4))
        let (r, col, ch) = (dice.int(0, h - 1), dice.int(0, w - 1), dice.int(0, c - 1))
        // The map as a student draws it: C grids of H×W, with a 1 in grid ch at (r, col).
        var grids = [Matrix](repeating: Matrix(rows: h, cols: w), count: c)
        grids[ch][r, col] = 1
        let flat = try Engine.flatten(inputShape: [h, w, c]).forward(Matrix.tensor(channels: grids), training: false)
        let index = flat.data.firstIndex(of: 1) ?? -1
        let work = [[l.pick("index = (r·W + c)·C + ch = (\(r)·\(w) + \(col))·\(c) + \(ch) = \(r * w + col)·\(c) + \(ch) = \(index)",
                            "índice = (fila·W + col)·C + canal = (\(r)·\(w) + \(col))·\(c) + \(ch) = \(r * w + col)·\(c) + \(ch) = \(index)")]]
        return ExerciseProblem(
            topic: .flattenIndex, number: number,
            statement: l.pick("A feature map of shape (H, W, C) = (\(h), \(w), \(c)) goes through Flatten. At which index (from 0) of the flattened vector does the value at row \(r), column \(col), channel \(ch) land?",
                              "Un mapa de características de forma (H, W, C) = (\(h), \(w), \(c)) pasa por Flatten. ¿En qué índice (desde 0) del vector aplanado queda el valor de la fila \(r), columna \(col), canal \(ch)?"),
            given: [
                GivenValue("input_shape", l.pick("shape (H, W, C)", "forma (H, W, C)"), .integers([h, w, c])),
                GivenValue("position", l.pick("position (row, column, channel)", "posición (fila, columna, canal)"), .integers([r, col, ch])),
            ],
            answers: [AnswerPart("output", l.pick("index", "índice"), key: Matrix(rows: 1, cols: 1, values: [Float(index)]), work: work)],
            worked: [l.pick("Keras flattens in (H, W, C) order: the C channels of one position come together, then the next column, then the next row.",
                            "Keras aplana en el orden (H, W, C): primero los C canales de una posición, luego la columna siguiente, luego la fila siguiente.")])
    }
}
