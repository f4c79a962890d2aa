import CNNCore

/// Max pooling keeps the largest value of each window ("tomar el valor más grande de cada
/// cuadrante"); average pooling keeps the mean. Backward, max pooling sends the gradient only to
/// the cell that won; average pooling shares it equally. The engine side is `Pooling2D`.
struct PoolingTutorial: Tutorial {
    let name = "pooling"
    static let inputExample = "1 3 2 1; 4 6 5 0; 7 1 9 2; 3 8 4 6"

    func summary(_ l: Language) -> String {
        l.pick("2×2 max pooling of a 4×4 input: the largest value of each window survives; the gradient flows back only to it",
               "max pooling 2×2 de una entrada 4×4: sobrevive el valor más grande de cada ventana; el gradiente vuelve solo a él")
    }

    var keys: [(key: String, example: String)] {
        [("input", Self.inputExample), ("pool-size", "2"), ("stride", "2"), ("padding", "valid"), ("mode", "max"),
         ("gradient", "1 2; 3 4")]
    }

    /// One window of the input, worked by hand: the in-bounds cells, and the kept value.
    struct WindowWork {
        var origin: Cell          // top-left in the padded input
        var cells: [Cell]         // in-bounds cells, in the original input's coordinates, row-major
        var values: [Float]
        var winner: Cell?         // max mode: the first largest cell
        var result: Float
    }

    func run(_ s: Settings, language l: Language) throws -> TutorialResult {
        let input = try s.matrix("input", example: Self.inputExample)
        let size = try s.integer("pool-size", default: 2, minimum: 1, maximum: TutorialLimits.maxPoolSize,
                                 limitName: "TutorialLimits.maxPoolSize", example: "2")
        let (stride, padding) = try Support.strideAndPadding(s, defaultStride: size)
        let mode = try s.choice("mode", default: "max", among: ["max", "average"])
        try Support.checkFits(window: (size, size), input: input, padding: padding, settings: s, key: "pool-size", example: "2", noun: "pooling window")
        let isMax = mode == "max"

        // By hand.
        let rows = ConvArithmetic.axis(input: input.rows, window: size, stride: stride, padding: padding)
        let cols = ConvArithmetic.axis(input: input.cols, window: size, stride: stride, padding: padding)
        let outCells = Cell.rectangle(row: 0, col: 0, height: rows.out, width: cols.out)
        var works: [WindowWork] = []
        var handOut = Matrix(rows: rows.out, cols: cols.out)
        for cell in outCells {
            let origin = Cell(cell.row * stride, cell.col * stride)
            let cells = Cell.rectangle(row: origin.row - rows.before, col: origin.col - cols.before, height: size, width: size)
                .filter { $0.row >= 0 && $0.row < input.rows && $0.col >= 0 && $0.col < input.cols }
            let values = cells.map { input[$0.row, $0.col] }
            var winner: Cell?
            let result: Float
            if isMax {
                var best = 0
                for k in values.indices where values[k] > values[best] { best = k }
                winner = cells[best]
                result = values[best]
            } else {
                result = values.reduce(0, +) / Float(values.count)
            }
            works.append(WindowWork(origin: origin, cells: cells, values: values, winner: winner, result: result))
            handOut[cell.row, cell.col] = result
        }
        let gradient: Matrix
        if s.has("gradient") {
            gradient = try s.matrix("gradient", example: "1 2; 3 4")
            guard gradient.rows == rows.out, gradient.cols == cols.out else {
                throw LessonError(source: s.source("gradient"), problem: "the gradient is \(gradient.sizeText) but the pooled output is \(rows.out)×\(cols.out)",
                                  expected: "a \(rows.out)×\(cols.out) matrix, one value per output cell")
            }
        } else {
            // 1, 2, 3, … row by row: every output cell sends back a different number, so the
            // input gradient shows where each one went (all 1s would look the same everywhere).
            gradient = Matrix(rows: rows.out, cols: cols.out, values: (0..<(rows.out * cols.out)).map { Float($0 + 1) })
        }
        var handGrad = Matrix(rows: input.rows, cols: input.cols)
        for (k, w) in works.enumerated() {
            let g = gradient.values[k]
            if let win = w.winner { handGrad[win.row, win.col] += g } else {
                for c in w.cells { handGrad[c.row, c.col] += g / Float(w.cells.count) }
            }
        }

        // The engine.
        let layer = try Engine.pooling(isMax ? .max : .average, inputShape: [input.rows, input.cols, 1],
                                       poolSize: size, stride: stride, padding: Padding(word: padding))
        let engineOut = Matrix.channels(of: try layer.forward(input.tensor, training: true))[0]
        let engineGrad = Matrix.channels(of: try layer.backward(gradient.tensor))[0]
        let checks = [
            Check(what: l.pick("output", "salida"), layer: "CNNCore \(layer.kind).forward", stepByStep: handOut, engine: engineOut),
            Check(what: l.pick("input gradient", "gradiente de la entrada"), layer: "CNNCore \(layer.kind).backward", stepByStep: handGrad, engine: engineGrad),
        ]

        let pads = Cell.rectangle(row: 0, col: 0, height: input.rows + rows.before + rows.after, width: input.cols + cols.before + cols.after)
            .filter { $0.row < rows.before || $0.row >= rows.before + input.rows || $0.col < cols.before || $0.col >= cols.before + input.cols }
        let shown = input.padded(top: rows.before, bottom: rows.after, left: cols.before, right: cols.after)
        let shift = { (c: Cell) in Cell(c.row + rows.before, c.col + cols.before) }
        let inputLabel = pads.isEmpty ? l.pick("input", "entrada") : l.pick("input + padding (never counted)", "entrada + relleno (no cuenta)")
        let outName = l.pick("output", "salida")
        let title = isMax ? "MaxPooling2D" : "AveragePooling2D"

        var steps: [Step] = [Step(l.pick("The input and the \(size)×\(size) window", "La entrada y la ventana \(size)×\(size)"), lines: [
            l.pick("\(title): pool size \(size)×\(size), stride \(stride) (Keras' default is the pool size), padding '\(padding)'",
                   "\(title): ventana \(size)×\(size), paso \(stride) (en Keras, por defecto, el tamaño de la ventana), relleno '\(padding)'"),
            isMax ? l.pick("Each window keeps only its largest value.", "De cada ventana nos quedamos con el valor más grande.")
                  : l.pick("Each window keeps the mean of its values.", "De cada ventana nos quedamos con la media de sus valores."),
            l.pick("Output rows: \(rows.formula); columns: \(cols.formula) → \(rows.out)×\(cols.out)",
                   "Filas de salida: \(rows.formula); columnas: \(cols.formula) → \(rows.out)×\(cols.out)"),
            l.pick("Pooling has no weights: nothing here is learned.", "El pooling no tiene pesos: aquí no se aprende nada."),
        ], panels: [Panel(inputLabel, shown, role: .input, dimmed: pads)], data: ["input": Support.json(input)])]

        for (k, cell) in outCells.enumerated().prefix(Support.maxCellSteps) {
            let w = works[k]
            let at = "\(outName)[\(cell.row)][\(cell.col)]"
            let list = w.values.map(NumberFormat.short).joined(separator: ", ")
            var lines = [l.pick("window: ", "ventana: ") + Support.span(w.origin, size, size, l) + " → " + list]
            if let win = w.winner {
                lines.append(l.pick("the largest: max(\(list)) = \(NumberFormat.short(w.result)), at input[\(win.row)][\(win.col)]",
                                    "el más grande: max(\(list)) = \(NumberFormat.short(w.result)), en entrada[\(win.row)][\(win.col)]"))
            } else {
                let sum = w.values.reduce(0, +)
                lines.append(l.pick("the mean: (\(w.values.map(NumberFormat.factor).joined(separator: " + "))) / \(w.values.count) = \(NumberFormat.short(sum)) / \(w.values.count) = \(NumberFormat.short(w.result))",
                                    "la media: (\(w.values.map(NumberFormat.factor).joined(separator: " + "))) / \(w.values.count) = \(NumberFormat.short(sum)) / \(w.values.count) = \(NumberFormat.short(w.result))"))
            }
            lines.append("→ \(at) = \(NumberFormat.short(w.result))")
            var data: [String: JSONValue] = ["cell": Support.json(cell), "values": .array(w.values.map { Support.json($0) }),
                                             "result": Support.json(w.result)]
            if let win = w.winner { data["max_at"] = Support.json(win) }
            steps.append(Step(at, lines: lines, panels: [
                Panel(inputLabel, shown, role: .input,
                      highlighted: Cell.rectangle(row: w.origin.row, col: w.origin.col, height: size, width: size),
                      marked: w.winner.map { [shift($0)] } ?? [], dimmed: pads),
                Panel(outName, handOut, role: .output, marked: [cell], hidden: Support.cellsAfter(cell, in: handOut)),
            ], data: data))
        }

        if let skipped = Support.skippedStep(outCells.count - Support.maxCellSteps, l) { steps.append(skipped) }
        steps.append(Step(l.pick("The output", "La salida"), lines: [
            l.pick("\(input.sizeText) → \(engineOut.sizeText): \(isMax ? "only the largest value of each window is left" : "each window became its mean").",
                   "Pasamos de \(input.sizeText) a \(engineOut.sizeText): \(isMax ? "queda solo el valor más grande de cada ventana" : "cada ventana se convierte en su media")."),
            Support.checkLine(checks[0], l),
        ], panels: [Panel(inputLabel, shown, role: .input, marked: works.compactMap(\.winner).map(shift), dimmed: pads),
                    Panel(outName, engineOut, role: .output)],
        data: ["output": Support.json(engineOut)]))

        let gradLines: [String] = isMax ? [
            l.pick("Backward: each value of dL/doutput goes back to the cell that won its window; every other cell gets 0.",
                   "Hacia atrás: cada valor de dL/dsalida vuelve a la celda que ganó su ventana; las demás reciben 0."),
            l.pick("Why: moving a cell that was not the maximum a little does not change the output at all.",
                   "Por qué: mover un poco una celda que no era el máximo no cambia la salida en absoluto."),
        ] : [
            l.pick("Backward: each output was the mean of \(size * size) cells, so each of them gets 1/\(size * size) of its gradient.",
                   "Hacia atrás: cada salida era la media de \(size * size) celdas, así que cada una recibe 1/\(size * size) de su gradiente."),
        ]
        // The route of each value (the first 16): which input cell it lands on.
        let routes: [String] = isMax ? zip(outCells, works).prefix(16).compactMap { cell, w in
            guard let win = w.winner else { return nil }
            let g = NumberFormat.short(gradient[cell.row, cell.col])
            return l.pick("dL/doutput[\(cell.row)][\(cell.col)] = \(g) → input[\(win.row)][\(win.col)]",
                          "dL/dsalida[\(cell.row)][\(cell.col)] = \(g) → entrada[\(win.row)][\(win.col)]")
        } : []
        steps.append(Step(l.pick("The gradient flows back", "El gradiente vuelve hacia atrás"),
                          lines: gradLines + routes + [Support.checkLine(checks[1], l)],
                          panels: [Panel("dL/d" + outName, gradient, role: .gradient),
                                   Panel("dL/d" + l.pick("input", "entrada"), engineGrad, role: .gradient,
                                         marked: works.compactMap(\.winner))],
                          data: ["output_gradient": Support.json(gradient), "input_gradient": Support.json(engineGrad)]))

        return TutorialResult(steps: steps, output: engineOut, results: [("input_gradient", engineGrad)], checks: checks, used: [
            ("input", MatrixText.text(input)), ("pool-size", "\(size)"), ("stride", "\(stride)"), ("padding", padding), ("mode", mode),
            ("gradient", MatrixText.text(gradient)),
        ])
    }
}
