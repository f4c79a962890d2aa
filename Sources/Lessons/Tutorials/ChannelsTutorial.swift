import CNNCore

/// What Conv2D really does on an RGB image: the kernel has one slice per input channel; each
/// slice meets its own channel, and the three sums are added (plus one bias) into one number.
/// Kernel shape (KH, KW, C, F) = (3, 3, 3, 1) here; the coursework's first layer has 32 such filters.
struct ChannelsTutorial: Tutorial {
    let name = "channels"
    static let inputExample = "1 0 2 1; 0 1 0 2; 2 0 1 0; 1 2 0 1 | 0 1 1 0; 1 0 1 1; 0 1 0 1; 1 1 0 0 | 2 1 0 0; 0 2 1 0; 0 0 2 1; 1 0 0 2"
    static let kernelExample = "1 0 0; 0 1 0; 0 0 1 | 0 -1 0; -1 0 -1; 0 -1 0 | 0 0 1; 0 1 0; 1 0 0"

    func summary(_ l: Language) -> String {
        l.pick("a 3-channel (RGB) 4×4 input and a 3×3×3 kernel: one sum per channel, added into one output",
               "una entrada 4×4 de 3 canales (RGB) y un kernel 3×3×3: una suma por canal, sumadas en una sola salida")
    }

    var keys: [(key: String, example: String)] {
        [("input", Self.inputExample), ("kernel", Self.kernelExample), ("bias", "1"), ("stride", "1"), ("padding", "valid")]
    }

    static func channelName(_ c: Int, of count: Int, _ l: Language) -> String {
        count == 3 ? ["R", "G", "B"][c] : l.pick("channel \(c)", "canal \(c)")
    }

    func run(_ s: Settings, language l: Language) throws -> TutorialResult {
        let input = try s.channels("input", example: "1 2; 3 4 | 5 6; 7 8 | 9 0; 1 2")
        let kernel = try s.channels("kernel", example: "1 0; 0 1 | 0 1; 1 0 | 1 1; 0 0")
        let bias = try s.number("bias", default: 0, example: "1")
        let (stride, padding) = try Support.strideAndPadding(s)
        guard kernel.count == input.count else {
            throw LessonError(source: s.source("kernel"),
                              problem: "the kernel has \(kernel.count) channel\(kernel.count == 1 ? "" : "s") but the input has \(input.count); a Conv2D kernel has one slice per input channel",
                              expected: "\(input.count) matrices separated by '|', e.g. " + (input.count == 3 ? "\"1 0; 0 1 | 0 1; 1 0 | 1 1; 0 0\"" : "one per channel"))
        }
        try Support.checkFits(window: (kernel[0].rows, kernel[0].cols), input: input[0], padding: padding, settings: s,
                              key: "kernel", example: "1 0; 0 1 | 0 1; 1 0 | 1 1; 0 0")
        let (kh, kw, c) = (kernel[0].rows, kernel[0].cols, input.count)

        let hand = ConvArithmetic(input: input, kernel: kernel, bias: bias, stride: stride, padding: padding)
        let layer = try Engine.conv2D(input: input, kernel: kernel, bias: bias, stride: stride, padding: Padding(word: padding))
        let engineOut = Matrix.channels(of: try layer.forward(Matrix.tensor(channels: input), training: false))[0]
        let handOut = hand.output
        let check = Check(what: l.pick("output", "salida"), layer: "CNNCore Conv2D.forward", stepByStep: handOut, engine: engineOut)
        let names = (0..<c).map { Self.channelName($0, of: c, l) }
        let pads = hand.paddingCells
        let shown = hand.paddedInput
        let outName = l.pick("output", "salida")

        let introPanels = names.indices.map { Panel(l.pick("input ", "entrada ") + names[$0], shown[$0], role: .input, dimmed: pads) }
            + names.indices.map { Panel("kernel " + names[$0], kernel[$0], role: .kernel) }
        var steps: [Step] = [Step(l.pick("An input with \(c) channels, a kernel with \(c) slices", "Una entrada con \(c) canales, un kernel con \(c) capas"), lines: [
            l.pick("input \(input[0].sizeText)×\(c) (H×W×C), kernel \(kh)×\(kw)×\(c) (KH×KW×C), one filter, bias \(NumberFormat.short(bias)).",
                   "entrada \(input[0].sizeText)×\(c) (H×W×C), kernel \(kh)×\(kw)×\(c) (KH×KW×C), un filtro, sesgo \(NumberFormat.short(bias))."),
            l.pick("Keras stores this kernel with shape (\(kh), \(kw), \(c), 1): \(kh * kw * c) weights + 1 bias = \(kh * kw * c + 1) parameters. The coursework's Conv2D(32, (3, 3)) on RGB has 32 such filters: 32 × 28 = 896.",
                   "Keras guarda este kernel con forma (\(kh), \(kw), \(c), 1): \(kh * kw * c) pesos + 1 sesgo = \(kh * kw * c + 1) parámetros. La Conv2D(32, (3, 3)) del curso sobre RGB tiene 32 filtros así: 32 × 28 = 896."),
            l.pick("Each kernel slice meets its own channel; the \(c) sums are added, and the bias is added once.",
                   "Cada capa del kernel recorre su propio canal; las \(c) sumas se suman, y el sesgo se suma una sola vez."),
        ], panels: introPanels,
        data: ["input": .array(input.map { Support.json($0) }), "kernel": .array(kernel.map { Support.json($0) }), "bias": Support.json(bias)])]

        for cell in hand.cells.prefix(Support.maxCellSteps) {
            let w = hand.work(cell)
            let at = "\(outName)[\(cell.row)][\(cell.col)]"
            var lines = [l.pick("window: ", "ventana: ") + Support.span(w.origin, kh, kw, l) + l.pick(", in every channel", ", en cada canal")]
            for ch in 0..<c {
                lines.append("\(names[ch]): " + ConvArithmetic.termsText(w.products[ch]) + " = " + NumberFormat.short(w.channelSums[ch]))
            }
            lines.append(l.pick("total: ", "total: ") + w.channelSums.map(NumberFormat.factor).joined(separator: " + ")
                         + " + \(NumberFormat.factor(bias)) (\(l.pick("bias", "sesgo"))) = \(NumberFormat.short(w.result))  →  \(at) = \(NumberFormat.short(w.result))")
            let window = Cell.rectangle(row: w.origin.row, col: w.origin.col, height: kh, width: kw)
            steps.append(Step(at, lines: lines,
                              panels: names.indices.map { Panel(l.pick("input ", "entrada ") + names[$0], shown[$0], role: .input, highlighted: window, dimmed: pads) }
                                + names.indices.map { Panel(names[$0] + l.pick(": window × kernel", ": ventana × kernel"), w.products[$0], role: .product) }
                                + [Panel(outName, handOut, role: .output, marked: [cell], hidden: Support.cellsAfter(cell, in: handOut))],
                              data: ["cell": Support.json(cell), "products": .array(w.products.map { Support.json($0) }),
                                     "channel_sums": .array(w.channelSums.map { Support.json($0) }), "bias": Support.json(bias),
                                     "result": Support.json(w.result)]))
        }

        if let skipped = Support.skippedStep(hand.cells.count - Support.maxCellSteps, l) { steps.append(skipped) }
        steps.append(Step(l.pick("The output", "La salida"), lines: [
            l.pick("\(c) channels in, 1 channel out: one filter gives one feature map, whatever the number of input channels.",
                   "\(c) canales de entrada, 1 de salida: un filtro da un mapa de características, sea cual sea el número de canales de entrada."),
            Support.checkLine(check, l),
        ], panels: [Panel(outName, engineOut, role: .output)], data: ["output": Support.json(engineOut)]))

        return TutorialResult(steps: steps, output: engineOut, checks: [check], used: [
            ("input", MatrixText.text(input)), ("kernel", MatrixText.text(kernel)), ("bias", NumberFormat.short(bias)),
            ("stride", "\(stride)"), ("padding", padding),
        ])
    }
}
