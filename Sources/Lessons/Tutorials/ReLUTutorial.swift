import CNNCore

/// ReLU keeps positive values and turns negatives into 0: y = max(0, z). Backward, the gradient
/// passes where z > 0 and stops where z ≤ 0. The engine side is `ActivationLayer(.relu)`, the same
/// function `Conv2D(activation: .relu)` applies in the coursework's first layer.
struct ReLUTutorial: Tutorial {
    let name = "relu"
    static let inputExample = "2 -1 0; -3 4 -0.5; 1 -2 3"

    func summary(_ l: Language) -> String {
        l.pick("ReLU: negatives become 0, positives pass unchanged; the gradient stops where the input was ≤ 0",
               "ReLU: los negativos pasan a 0, los positivos no cambian; el gradiente se detiene donde la entrada era ≤ 0")
    }

    var keys: [(key: String, example: String)] { [("input", Self.inputExample)] }

    func run(_ s: Settings, language l: Language) throws -> TutorialResult {
        let input = try s.matrix("input", example: Self.inputExample)
        var handOut = input
        for i in handOut.values.indices { handOut.values[i] = input.values[i] > 0 ? input.values[i] : 0 }
        var handGrad = Matrix(rows: input.rows, cols: input.cols)
        for i in handGrad.values.indices { handGrad.values[i] = input.values[i] > 0 ? 1 : 0 }

        let layer = try Engine.activation(.relu, inputShape: [input.rows, input.cols, 1])
        let engineOut = Matrix.channels(of: try layer.forward(input.tensor, training: true))[0]
        let ones = Matrix(rows: input.rows, cols: input.cols, repeating: 1)
        let engineGrad = Matrix.channels(of: try layer.backward(ones.tensor))[0]
        let checks = [
            Check(what: l.pick("output", "salida"), layer: "CNNCore ActivationLayer(.relu).forward", stepByStep: handOut, engine: engineOut),
            Check(what: l.pick("input gradient", "gradiente de la entrada"), layer: "CNNCore ActivationLayer(.relu).backward", stepByStep: handGrad, engine: engineGrad),
        ]
        let inName = "z", outName = "y = ReLU(z)"
        let negatives = input.values.filter { $0 < 0 }.count
        let zeros = engineOut.values.filter { $0 == 0 }.count

        var steps: [Step] = [Step(l.pick("The input: a feature map before its activation", "La entrada: un mapa de características antes de su activación"), lines: [
            l.pick("ReLU(z) = max(0, z): keep positives, replace negatives by 0.",
                   "ReLU(z) = max(0, z): se quedan los positivos, los negativos se sustituyen por 0."),
            l.pick("In the coursework, Conv2D(32, (3, 3), activation='relu') applies it to every cell of every feature map.",
                   "En el curso, Conv2D(32, (3, 3), activation='relu') la aplica a cada celda de cada mapa de características."),
        ], panels: [Panel(inName, input, role: .input)], data: ["input": Support.json(input)])]

        for r in 0..<min(input.rows, 12) {
            let cells = (0..<input.cols).map { Cell(r, $0) }
            let lines = cells.map { c in
                "max(0, \(NumberFormat.short(input[c.row, c.col]))) = \(NumberFormat.short(handOut[c.row, c.col]))"
            }
            let hidden = Cell.rectangle(row: r + 1, col: 0, height: input.rows - r - 1, width: input.cols)
            steps.append(Step(l.pick("Row \(r)", "Fila \(r)"), lines: lines, panels: [
                Panel(inName, input, role: .input, highlighted: cells, marked: cells.filter { input[$0.row, $0.col] < 0 }),
                Panel(outName, handOut, role: .output, highlighted: cells, hidden: hidden),
            ], data: ["row": .int(r), "result": .array(cells.map { Support.json(handOut[$0.row, $0.col]) })]))
        }

        if input.rows > 12, let skipped = Support.skippedStep((input.rows - 12) * input.cols, l) { steps.append(skipped) }
        steps.append(Step(l.pick("The output", "La salida"), lines: [
            l.pick("\(negatives) negative value\(negatives == 1 ? "" : "s") became 0; \(zeros) of \(input.values.count) cells are now 0.",
                   "\(negatives) valor\(negatives == 1 ? "" : "es") negativo\(negatives == 1 ? "" : "s") pasaron a 0; \(zeros) de \(input.values.count) celdas valen ahora 0."),
            Support.checkLine(checks[0], l),
        ], panels: [Panel(inName, input, role: .input), Panel(outName, engineOut, role: .output)],
        data: ["output": Support.json(engineOut)]))

        steps.append(Step(l.pick("The gradient", "El gradiente"), lines: [
            l.pick("Backward with dL/dy = 1 everywhere: dL/dz = 1 where z > 0, and 0 where z ≤ 0 (ReLU's slope).",
                   "Hacia atrás con dL/dy = 1 en todas partes: dL/dz = 1 donde z > 0, y 0 donde z ≤ 0 (la pendiente de ReLU)."),
            l.pick("A cell switched off by ReLU passes no gradient back, so the weights that produced it get no signal from it.",
                   "Una celda apagada por ReLU no devuelve gradiente, así que los pesos que la produjeron no reciben señal de ella."),
            Support.checkLine(checks[1], l),
        ], panels: [Panel("dL/dy", ones, role: .gradient), Panel("dL/dz", engineGrad, role: .gradient)],
        data: ["input_gradient": Support.json(engineGrad)]))

        return TutorialResult(steps: steps, output: engineOut, results: [("input_gradient", engineGrad)], checks: checks,
                              used: [("input", MatrixText.text(input))])
    }
}
