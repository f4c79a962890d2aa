import CNNCore

/// The same input and kernel under `valid` and `same` padding, with strides 1 and 2, and the
/// output-size formula worked out with Keras' rule:
///   valid: out = ⌊(n − k)/s⌋ + 1
///   same:  out = ⌈n/s⌉, total padding P = max((out − 1)·s + k − n, 0), ⌊P/2⌋ before, the rest after.
struct PaddingStrideTutorial: Tutorial {
    let name = "padding-stride"
    static let inputExample = "1 2 3 4 5; 6 7 8 9 10; 11 12 13 14 15; 16 17 18 19 20; 21 22 23 24 25"
    static let kernelExample = "1 1 1; 1 1 1; 1 1 1"

    func summary(_ l: Language) -> String {
        l.pick("the same 5×5 input with 'valid' and 'same' padding and strides 1 and 2: how big the output is, and why",
               "la misma entrada 5×5 con relleno 'valid' y 'same' y pasos 1 y 2: qué tamaño tiene la salida, y por qué")
    }

    var keys: [(key: String, example: String)] {
        [("input", Self.inputExample), ("kernel", Self.kernelExample), ("bias", "0"), ("stride", "2"), ("padding", "same")]
    }

    func run(_ s: Settings, language l: Language) throws -> TutorialResult {
        let input = try s.matrix("input", example: "1 2 3; 4 5 6; 7 8 9")
        let kernel = try s.matrix("kernel", example: "1 1; 1 1")
        let bias = try s.number("bias", default: 0, example: "0.5")
        let (chosenStride, chosenPadding) = try Support.strideAndPadding(s)
        let strides = s.has("stride") ? [chosenStride] : [1, 2]
        var paddings = s.has("padding") ? [chosenPadding] : ["valid", "same"]
        if s.has("padding") {
            try Support.checkFits(window: (kernel.rows, kernel.cols), input: input, padding: chosenPadding, settings: s,
                                  key: "kernel", example: "1 1; 1 1")
        }
        var notes: [String] = []
        if kernel.rows > input.rows || kernel.cols > input.cols, paddings.contains("valid"), paddings.count > 1 {
            paddings.removeAll { $0 == "valid" }
            notes.append(l.pick("The \(kernel.sizeText) kernel does not fit the \(input.sizeText) input, so 'valid' padding is skipped.",
                                "El kernel \(kernel.sizeText) no cabe en la entrada \(input.sizeText), así que se omite el relleno 'valid'."))
        }

        var steps: [Step] = [Step(l.pick("Two questions: how far the kernel jumps, and what happens at the border",
                                         "Dos preguntas: cuánto salta el kernel y qué pasa en el borde"), lines: [
            l.pick("stride s: the kernel moves s cells at a time. padding 'valid': no padding, the kernel stays inside the input; 'same': zeros are added around the input so that out = ⌈n/s⌉.",
                   "paso s: el kernel avanza s celdas cada vez. relleno 'valid': sin relleno, el kernel no sale de la entrada; 'same': se añaden ceros alrededor para que salida = ⌈n/s⌉."),
            l.pick("valid: out = ⌊(n − k)/s⌋ + 1.   same: out = ⌈n/s⌉, total padding P = max((out − 1)·s + k − n, 0), ⌊P/2⌋ before (top/left), the rest after (bottom/right).",
                   "valid: salida = ⌊(n − k)/s⌋ + 1.   same: salida = ⌈n/s⌉, relleno total P = max((salida − 1)·s + k − n, 0), ⌊P/2⌋ antes (arriba/izquierda), el resto después (abajo/derecha)."),
            l.pick("Here n = \(input.rows)×\(input.cols) (input), k = \(kernel.rows)×\(kernel.cols) (kernel), bias \(NumberFormat.short(bias)).",
                   "Aquí n = \(input.rows)×\(input.cols) (entrada), k = \(kernel.rows)×\(kernel.cols) (kernel), sesgo \(NumberFormat.short(bias))."),
        ] + notes, panels: [Panel(l.pick("input", "entrada"), input, role: .input), Panel("kernel", kernel, role: .kernel)],
        data: ["input": Support.json(input), "kernel": Support.json(kernel)])]

        var checks: [Check] = []
        var results: [(name: String, matrix: Matrix)] = []
        var summary: [String] = []
        for padding in paddings {
            for stride in strides {
                let hand = ConvArithmetic(input: [input], kernel: [kernel], bias: bias, stride: stride, padding: padding)
                let layer = try Engine.conv2D(input: [input], kernel: [kernel], bias: bias, stride: stride, padding: Padding(word: padding))
                let engineOut = Matrix.channels(of: try layer.forward(input.tensor, training: false))[0]
                let handOut = hand.output
                let label = "padding '\(padding)', stride \(stride)"
                let check = Check(what: label, layer: "CNNCore Conv2D.forward", stepByStep: handOut, engine: engineOut)
                checks.append(check)
                results.append(("\(padding)_stride\(stride)", engineOut))
                summary.append("\(label): \(input.sizeText) → \(engineOut.sizeText)")

                let works = hand.cells.map(hand.work)
                var lines = [
                    l.pick("rows: \(hand.rowAxis.formula)", "filas: \(hand.rowAxis.formula)"),
                    l.pick("columns: \(hand.colAxis.formula)", "columnas: \(hand.colAxis.formula)"),
                ]
                for w in works.prefix(Support.maxCellSteps) {
                    lines.append("[\(w.cell.row)][\(w.cell.col)]: " + Support.span(w.origin, kernel.rows, kernel.cols, l)
                                 + " → Σ = \(NumberFormat.short(w.channelSums[0]))"
                                 + (bias == 0 ? "" : " + \(NumberFormat.factor(bias)) = \(NumberFormat.short(w.result))"))
                }
                if works.count > Support.maxCellSteps {
                    lines.append(l.pick("… and \(works.count - Support.maxCellSteps) more cells, computed the same way.",
                                        "… y \(works.count - Support.maxCellSteps) celdas más, calculadas igual."))
                }
                lines.append(Support.checkLine(check, l))
                let pads = hand.paddingCells
                steps.append(Step(label, lines: lines, panels: [
                    Panel(pads.isEmpty ? l.pick("input (framed: where windows start)", "entrada (en rojo: inicio de cada ventana)")
                                       : l.pick("input + zero padding (framed: where windows start)", "entrada + ceros (en rojo: inicio de cada ventana)"),
                          hand.paddedInput[0], role: .input,
                          highlighted: Cell.rectangle(row: 0, col: 0, height: kernel.rows, width: kernel.cols),
                          marked: works.map(\.origin), dimmed: pads),
                    Panel(l.pick("output", "salida") + " \(engineOut.sizeText)", engineOut, role: .output),
                ], data: ["padding": .string(padding), "stride": .int(stride),
                          "padding_rows": .ints([hand.rowAxis.before, hand.rowAxis.after]),
                          "padding_cols": .ints([hand.colAxis.before, hand.colAxis.after]),
                          "output": Support.json(engineOut)]))
            }
        }
        steps.append(Step(l.pick("Side by side", "Comparación"), lines: summary + [
            l.pick("'same' with stride 1 keeps the size; stride 2 halves it (rounding up); 'valid' loses k − 1 cells per side before striding.",
                   "'same' con paso 1 conserva el tamaño; el paso 2 lo divide por dos (redondeando hacia arriba); 'valid' pierde k − 1 celdas antes de aplicar el paso."),
        ], panels: zip(results, checks).map { Panel($0.1.what, $0.0.matrix, role: .output) }))

        return TutorialResult(steps: steps, output: results.last?.matrix ?? Matrix(rows: 0, cols: 0), results: results, checks: checks, used: [
            ("input", MatrixText.text(input)), ("kernel", MatrixText.text(kernel)), ("bias", NumberFormat.short(bias)),
            ("stride", strides.map(String.init).joined(separator: ", ")), ("padding", paddings.joined(separator: ", ")),
        ])
    }
}
