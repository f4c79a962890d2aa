import CNNCore

/// "Pool this input": max or average pooling of a 4×4 or 5×5 input of 0…9.
///
/// Average pooling uses 2×2 windows side by side (stride 2, valid), and each window's sum is made
/// even, so every mean is a whole number or a half. Max pooling also takes overlapping windows
/// and `same` padding (where the padding never wins: Keras pads max pooling with −∞).
/// The key is CNNCore's `Pooling2D` (MaxPooling2D / AveragePooling2D).
enum PoolingExercise {
    static let maxShapes: [(n: Int, size: Int, s: Int, padding: String)] = [
        (4, 2, 2, "valid"), (4, 2, 1, "valid"), (5, 3, 2, "valid"), (5, 2, 2, "same"), (5, 2, 2, "valid"),
    ]
    static let averageShapes: [(n: Int, size: Int, s: Int, padding: String)] = [(4, 2, 2, "valid"), (5, 2, 2, "valid")]

    static func make(number: Int, dice: inout Dice, language l: Language) throws -> ExerciseProblem {
        let isMax = dice.bool()
        let shape = dice.pick(isMax ? maxShapes : averageShapes)
        var input = dice.matrix(shape.n, shape.n, 0, 9)
        let rows = ConvArithmetic.axis(input: shape.n, window: shape.size, stride: shape.s, padding: shape.padding)
        let cols = ConvArithmetic.axis(input: shape.n, window: shape.size, stride: shape.s, padding: shape.padding)
        let cells = Cell.rectangle(row: 0, col: 0, height: rows.out, width: cols.out)
        /// The in-bounds input cells of each output cell's window.
        let windows = cells.map { cell in
            Cell.rectangle(row: cell.row * shape.s - rows.before, col: cell.col * shape.s - cols.before, height: shape.size, width: shape.size)
                .filter { $0.row >= 0 && $0.row < shape.n && $0.col >= 0 && $0.col < shape.n }
        }
        if !isMax {
            // Windows do not overlap here: nudge one cell of each odd-sum window so its mean is a half at worst.
            for w in windows where Int(w.map { input[$0.row, $0.col] }.reduce(0, +)) % 2 != 0 {
                let c = w[w.count - 1]
                input[c.row, c.col] += input[c.row, c.col] < 9 ? 1 : -1
            }
        }
        let layer = try Engine.pooling(isMax ? .max : .average, inputShape: [shape.n, shape.n, 1], poolSize: shape.size,
                                       stride: shape.s, padding: Padding(word: shape.padding))
        let output = Matrix.channels(of: try layer.forward(input.tensor, training: false))[0]

        let outName = l.pick("output", "salida")
        let work = zip(cells, windows).map { cell, window -> [String] in
            let values = window.map { input[$0.row, $0.col] }
            let list = values.map(Worked.f).joined(separator: ", ")
            let y = output[cell.row, cell.col]
            let head = "\(outName)[\(cell.row)][\(cell.col)] — " + l.pick("window ", "ventana ")
                + Support.span(Cell(cell.row * shape.s - rows.before, cell.col * shape.s - cols.before), shape.size, shape.size, l)
            if isMax { return [head + ": max(\(list)) = \(Worked.f(y))"] }
            let sum = values.reduce(0, +)
            return [head + ": (\(Worked.terms(values))) / \(values.count) = \(Worked.f(sum)) / \(values.count) = \(Worked.f(y))"]
        }
        let layerName = isMax ? "MaxPooling2D" : "AveragePooling2D"
        var worked = [l.pick("Output rows: \(Worked.formula(rows, l)); columns: \(Worked.formula(cols, l)) → \(output.sizeText).",
                             "Filas de la salida: \(Worked.formula(rows, l)); columnas: \(Worked.formula(cols, l)) → \(output.sizeText).")]
        if rows.before + rows.after > 0 {
            worked.append(l.pick("With 'same' padding the windows at the border are cut short: the padding is never the maximum.",
                                 "Con relleno 'same' las ventanas del borde quedan recortadas: el relleno nunca es el máximo."))
        }
        if shape.n > (rows.out - 1) * shape.s + shape.size, shape.padding == "valid" {
            worked.append(l.pick("With 'valid' padding the last row and column of the input fit no window: they are left out.",
                                 "Con relleno 'valid' la última fila y la última columna no caben en ninguna ventana: se quedan fuera."))
        }
        return ExerciseProblem(
            topic: .pooling, number: number,
            statement: isMax
                ? l.pick("Apply \(layerName) with a \(shape.size)×\(shape.size) window, stride \(shape.s) and '\(shape.padding)' padding: keep the largest value of each window.",
                         "Aplica \(layerName) con ventana \(shape.size)×\(shape.size), paso \(shape.s) y relleno '\(shape.padding)': quédate con el valor más grande de cada ventana.")
                : l.pick("Apply \(layerName) with a \(shape.size)×\(shape.size) window, stride \(shape.s) and '\(shape.padding)' padding: keep the mean of each window.",
                         "Aplica \(layerName) con ventana \(shape.size)×\(shape.size), paso \(shape.s) y relleno '\(shape.padding)': quédate con la media de cada ventana."),
            given: [
                GivenValue("input", l.pick("input", "entrada"), .matrix(input)),
                GivenValue("mode", l.pick("mode", "modo"), .word(isMax ? "max" : "average")),
                GivenValue("pool_size", l.pick("pool size", "tamaño de ventana (pool_size)"), .integer(shape.size)),
                GivenValue("stride", l.pick("stride", "paso (stride)"), .integer(shape.s)),
                GivenValue("padding", l.pick("padding", "relleno (padding)"), .word(shape.padding)),
            ],
            answers: [AnswerPart("output", outName, key: output, work: work)],
            worked: worked)
    }
}
