import CNNCore

/// "Compute the output of this convolution": a 3×3 to 5×5 input of small whole numbers, a 2×2 or
/// 3×3 kernel of −1…2, a bias of −1…1 in halves, stride 1 or 2, valid or same padding.
///
/// The key is `Conv2D.forward` of CNNCore (through `Engine.conv2D`); each cell's work (window,
/// products, sum, + bias) is written by `ConvArithmetic`, the tutorials' step-by-step code.
enum ConvolutionExercise {
    /// (input side, kernel side, stride, padding): every one gives at most a 3×3 output, so a
    /// problem is at most nine cells of work.
    static let shapes: [(n: Int, k: Int, s: Int, padding: String)] = [
        (4, 2, 1, "valid"), (4, 3, 1, "valid"), (5, 3, 2, "valid"), (4, 2, 2, "valid"),
        (3, 2, 1, "same"), (3, 3, 1, "same"), (4, 3, 2, "same"), (5, 3, 2, "same"),
    ]

    static func make(number: Int, dice: inout Dice, language l: Language) throws -> ExerciseProblem {
        let shape = dice.pick(shapes)
        let input = dice.matrix(shape.n, shape.n, 0, 3)
        let kernel = dice.matrix(shape.k, shape.k, -1, 2)
        let bias = dice.half(-1, 1)
        let layer = try Engine.conv2D(input: [input], kernel: [kernel], bias: bias, stride: shape.s, padding: Padding(word: shape.padding))
        let output = Matrix.channels(of: try layer.forward(input.tensor, training: false))[0]

        let hand = ConvArithmetic(input: [input], kernel: [kernel], bias: bias, stride: shape.s, padding: shape.padding)
        let outName = l.pick("output", "salida")
        let padded = hand.rowAxis.before + hand.rowAxis.after + hand.colAxis.before + hand.colAxis.after > 0
        let work = hand.cells.map { cell -> [String] in
            let w = hand.work(cell)
            let y = output[cell.row, cell.col]
            return [
                "\(outName)[\(cell.row)][\(cell.col)] — " + l.pick("window ", "ventana ") + Support.span(w.origin, kernel.rows, kernel.cols, l)
                    + (padded ? l.pick(" (padded)", " (con relleno)") : "") + ": " + Worked.matrix(w.windows[0]),
                l.pick("products: ", "productos: ") + ConvArithmetic.productsText(window: w.windows[0], kernel: kernel),
                l.pick("sum: ", "suma: ") + ConvArithmetic.termsText(w.products[0]) + " = " + Worked.f(w.channelSums[0])
                    + l.pick("; plus the bias: ", "; más el sesgo: ") + "\(Worked.f(w.channelSums[0])) + \(Worked.fx(bias)) = \(Worked.f(y))",
            ]
        }
        let worked = [
            l.pick("Output rows: \(Worked.formula(hand.rowAxis, l)); columns: \(Worked.formula(hand.colAxis, l)) → \(output.sizeText).",
                   "Filas de la salida: \(Worked.formula(hand.rowAxis, l)); columnas: \(Worked.formula(hand.colAxis, l)) → \(output.sizeText)."),
        ]
        var problem = ExerciseProblem(
            topic: .convolution, number: number,
            statement: l.pick("Compute the output of a Conv2D with this kernel (stride \(shape.s), '\(shape.padding)' padding, bias \(Worked.f(bias))). Cells are numbered from 0.",
                              "Calcula la salida de una Conv2D con este núcleo (paso \(shape.s), relleno '\(shape.padding)', sesgo \(Worked.f(bias))). Las celdas se numeran desde 0."),
            given: [
                GivenValue("input", l.pick("input", "entrada"), .matrix(input)),
                GivenValue("kernel", l.pick("kernel K", "núcleo K"), .matrix(kernel)),
                GivenValue("bias", l.pick("bias", "sesgo"), .number(bias)),
                GivenValue("stride", l.pick("stride", "paso (stride)"), .integer(shape.s)),
                GivenValue("padding", l.pick("padding", "relleno (padding)"), .word(shape.padding)),
            ],
            answers: [AnswerPart("output", outName, key: output, work: work)],
            worked: worked)
        if padded {
            problem.keyPanels = [(l.pick("input with its zero padding", "entrada con su relleno de ceros"), hand.paddedInput[0], hand.paddingCells)]
        }
        return problem
    }
}

/// "One output cell over three channels": a 3×3 RGB window of 0…2 and a 3×3×3 kernel of −1…1.
///
/// The key is a `Conv2D` with one filter and kernel (3, 3, 3, 1) on the 3×3×3 input: one cell.
enum ChannelsExercise {
    static let channelNames = ["R", "G", "B"]

    static func make(number: Int, dice: inout Dice, language l: Language) throws -> ExerciseProblem {
        let input = (0..<3).map { _ in dice.matrix(3, 3, 0, 2) }
        let kernel = (0..<3).map { _ in dice.matrix(3, 3, -1, 1) }
        let bias = dice.half(-1, 1)
        let layer = try Engine.conv2D(input: input, kernel: kernel, bias: bias, stride: 1, padding: .valid)
        let output = Matrix.channels(of: try layer.forward(Matrix.tensor(channels: input), training: false))[0]

        let hand = ConvArithmetic(input: input, kernel: kernel, bias: bias, stride: 1, padding: "valid").work(Cell(0, 0))
        var lines: [String] = []
        for c in 0..<3 {
            lines.append("\(channelNames[c]): " + ConvArithmetic.productsText(window: input[c], kernel: kernel[c])
                         + " = " + Worked.f(hand.channelSums[c]))
        }
        lines.append(l.pick("total: ", "total: ") + Worked.terms(hand.channelSums) + " + \(Worked.fx(bias)) = \(Worked.f(output[0, 0]))")
        return ExerciseProblem(
            topic: .channels, number: number,
            statement: l.pick("A 3×3 window of an RGB image meets a 3×3×3 kernel (one 3×3 slice per channel) with bias \(Worked.f(bias)). Compute the single output value.",
                              "Una ventana 3×3 de una imagen RGB se encuentra con un núcleo 3×3×3 (una matriz 3×3 por canal) con sesgo \(Worked.f(bias)). Calcula el único valor de salida."),
            given: [
                GivenValue("input", l.pick("input (R | G | B)", "entrada (R | G | B)"), .channels(input)),
                GivenValue("kernel", l.pick("kernel K (R | G | B)", "núcleo K (R | G | B)"), .channels(kernel)),
                GivenValue("bias", l.pick("bias", "sesgo"), .number(bias)),
            ],
            answers: [AnswerPart("output", l.pick("output", "salida"), key: output, work: [lines])],
            worked: [l.pick("Multiply each channel's window by the kernel's slice for that channel, add everything over the three channels, then add the bias once.",
                            "Multiplica la ventana de cada canal por la matriz del núcleo de ese canal, suma todo en los tres canales y suma el sesgo una sola vez.")])
    }
}
