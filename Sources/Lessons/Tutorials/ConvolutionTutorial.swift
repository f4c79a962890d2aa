import CNNCore

/// A kernel slides over a small input; each output cell is a window times the kernel, summed, plus the bias.
///
/// Default: the 4×4 input and 2×2 kernel of the lesson give a 3×3 output ("pasamos de una
/// representación de 4*4 a una de 3*3"). The engine side is one `Conv2D` with one filter.
struct ConvolutionTutorial: Tutorial {
    let name = "convolution"

    func summary(_ l: Language) -> String {
        l.pick("a 2×2 kernel slides over a 4×4 input: each output cell is window × kernel, summed, plus the bias",
               "un kernel 2×2 recorre una entrada 4×4: cada celda de salida es ventana × kernel, sumado, más el sesgo")
    }

    var keys: [(key: String, example: String)] {
        [("input", Support.inputExample), ("kernel", Support.kernelExample), ("bias", "0"), ("stride", "1"), ("padding", "valid")]
    }

    func run(_ s: Settings, language l: Language) throws -> TutorialResult {
        let input = try s.matrix("input", example: Support.inputExample)
        let kernel = try s.matrix("kernel", example: Support.kernelExample)
        let bias = try s.number("bias", default: 0, example: "0.5")
        let (stride, padding) = try Support.strideAndPadding(s)
        try Support.checkFits(window: (kernel.rows, kernel.cols), input: input, padding: padding, settings: s,
                              key: "kernel", example: Support.kernelExample)

        let hand = ConvArithmetic(input: [input], kernel: [kernel], bias: bias, stride: stride, padding: padding)
        let layer = try Engine.conv2D(input: [input], kernel: [kernel], bias: bias, stride: stride, padding: Padding(word: padding))
        let engineOut = Matrix.channels(of: try layer.forward(input.tensor, training: false))[0]
        let handOut = hand.output
        let check = Check(what: l.pick("output", "salida"), layer: "CNNCore Conv2D.forward", stepByStep: handOut, engine: engineOut)

        let shown = hand.paddedInput[0]
        let pads = hand.paddingCells
        let inputLabel = pads.isEmpty ? l.pick("input", "entrada") : l.pick("input + zero padding", "entrada + relleno de ceros")
        var steps: [Step] = []
        steps.append(Step(l.pick("The input and the kernel", "La entrada y el kernel"), lines: [
            l.pick("input \(input.sizeText), kernel \(kernel.sizeText), bias \(NumberFormat.short(bias)), stride \(stride), padding '\(padding)'",
                   "entrada \(input.sizeText), kernel \(kernel.sizeText), sesgo \(NumberFormat.short(bias)), paso (stride) \(stride), relleno (padding) '\(padding)'"),
            l.pick("The kernel slides over the input. At each position: multiply the cells it covers by the kernel's cells, add the products, add the bias.",
                   "El kernel se desliza sobre la entrada. En cada posición: multiplicar las celdas que cubre por las del kernel, sumar los productos, sumar el sesgo."),
            l.pick("Output rows: \(hand.rowAxis.formula); columns: \(hand.colAxis.formula) → \(handOut.sizeText)",
                   "Filas de salida: \(hand.rowAxis.formula); columnas: \(hand.colAxis.formula) → \(handOut.sizeText)"),
            l.pick("Cells are numbered from 0, as in Python: output[0][0] is the top-left one.",
                   "Las celdas se numeran desde 0, como en Python: salida[0][0] es la de arriba a la izquierda."),
        ], panels: [Panel(inputLabel, shown, role: .input, dimmed: pads), Panel("kernel", kernel, role: .kernel)],
        data: ["input": Support.json(input), "kernel": Support.json(kernel), "bias": Support.json(bias)]))

        let outName = l.pick("output", "salida")
        for cell in hand.cells.prefix(Support.maxCellSteps) {
            let w = hand.work(cell)
            let at = "\(outName)[\(cell.row)][\(cell.col)]"
            steps.append(Step(at, lines: [
                l.pick("window: \(Support.span(w.origin, kernel.rows, kernel.cols, l)) of the \(pads.isEmpty ? "input" : "padded input")",
                       "ventana: \(Support.span(w.origin, kernel.rows, kernel.cols, l)) de la entrada\(pads.isEmpty ? "" : " con relleno")"),
                l.pick("products: ", "productos: ") + ConvArithmetic.productsText(window: w.windows[0], kernel: kernel),
                l.pick("sum: ", "suma: ") + ConvArithmetic.termsText(w.products[0]) + " = " + NumberFormat.short(w.channelSums[0]),
                l.pick("plus bias: ", "más el sesgo: ") + "\(NumberFormat.short(w.channelSums[0])) + \(NumberFormat.factor(bias)) = \(NumberFormat.short(w.result))  →  \(at) = \(NumberFormat.short(w.result))",
            ], panels: [
                Panel(inputLabel, shown, role: .input,
                      highlighted: Cell.rectangle(row: w.origin.row, col: w.origin.col, height: kernel.rows, width: kernel.cols), dimmed: pads),
                Panel("kernel", kernel, role: .kernel),
                Panel(l.pick("window × kernel", "ventana × kernel"), w.products[0], role: .product),
                Panel(outName, handOut, role: .output, marked: [cell], hidden: Support.cellsAfter(cell, in: handOut)),
            ], data: ["cell": Support.json(cell), "window": Support.json(w.windows[0]), "products": Support.json(w.products[0]),
                      "sum": Support.json(w.channelSums[0]), "bias": Support.json(bias), "result": Support.json(w.result)]))
        }

        if let skipped = Support.skippedStep(hand.cells.count - Support.maxCellSteps, l) { steps.append(skipped) }
        steps.append(Step(l.pick("The output", "La salida"), lines: [
            l.pick("A \(input.sizeText) input became a \(handOut.sizeText) output: \(handOut.rows * handOut.cols) positions of the \(kernel.sizeText) kernel.",
                   "Pasamos de una representación de \(input.sizeText) a una de \(handOut.sizeText): \(handOut.rows * handOut.cols) posiciones del kernel \(kernel.sizeText)."),
            Support.checkLine(check, l),
        ], panels: [Panel(inputLabel, shown, role: .input, dimmed: pads), Panel("kernel", kernel, role: .kernel),
                    Panel(outName, engineOut, role: .output)],
        data: ["output": Support.json(engineOut)]))

        return TutorialResult(steps: steps, output: engineOut, checks: [check], used: [
            ("input", MatrixText.text(input)), ("kernel", MatrixText.text(kernel)), ("bias", NumberFormat.short(bias)),
            ("stride", "\(stride)"), ("padding", padding),
        ])
    }
}

/// Matrices back to the text form the options take ("1 2; 3 4"), so a run can be repeated.
enum MatrixText {
    static func text(_ m: Matrix) -> String {
        m.rowArrays.map { $0.map(NumberFormat.short).joined(separator: " ") }.joined(separator: "; ")
    }

    static func text(_ channels: [Matrix]) -> String { channels.map(text).joined(separator: " | ") }
}
