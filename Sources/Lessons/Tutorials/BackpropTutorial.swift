import CNNCore

/// One gradient step of a 2×2 kernel on the 4×4 example, worked cell by cell.
///
/// Loss (stated on every run): L = ½ Σ (y − target)², so dL/dy = y − target; or, with
/// `loss: sum`, L = Σ y and dL/dy = 1. Then
///   dL/dK[i][j] = Σ_{oh, ow} dL/dy[oh][ow] · x[oh·s + i][ow·s + j]   (the input cells K[i][j] met)
///   dL/db      = Σ dL/dy
///   K ← K − lr · dL/dK,  b ← b − lr · dL/db   (one SGD step)
/// The engine side is `Conv2D.backward` for the gradients and `SGD.step` for the update.
struct BackpropTutorial: Tutorial {
    let name = "backprop"

    func summary(_ l: Language) -> String {
        l.pick("one training step: the loss, dL/dK for each of the 2×2 kernel's weights, and the kernel after one SGD step",
               "un paso de entrenamiento: la pérdida, dL/dK para cada peso del kernel 2×2, y el kernel tras un paso de SGD")
    }

    var keys: [(key: String, example: String)] {
        [("input", Support.inputExample), ("kernel", "2 0; 1 -1"), ("bias", "0"), ("target", "0 0 0; 0 0 0; 0 0 0"),
         ("learning-rate", "0.01"), ("loss", "squared"), ("stride", "1"), ("padding", "valid")]
    }

    func run(_ s: Settings, language l: Language) throws -> TutorialResult {
        let input = try s.matrix("input", example: Support.inputExample)
        let kernel = try s.matrix("kernel", example: "2 0; 1 -1")
        let bias = try s.number("bias", default: 0, example: "0")
        let lr = try s.number("learning-rate", default: 0.01, example: "0.01")
        let lossKind = try s.choice("loss", default: "squared", among: ["squared", "sum"])
        let (stride, padding) = try Support.strideAndPadding(s)
        try Support.checkFits(window: (kernel.rows, kernel.cols), input: input, padding: padding, settings: s,
                              key: "kernel", example: "2 0; 1 -1")
        let hand = ConvArithmetic(input: [input], kernel: [kernel], bias: bias, stride: stride, padding: padding)
        let y = hand.output
        let target: Matrix
        if lossKind == "squared" {
            target = s.has("target") ? try s.matrix("target", example: "0 0 0; 0 0 0; 0 0 0") : Matrix(rows: y.rows, cols: y.cols)
            guard target.rows == y.rows, target.cols == y.cols else {
                throw LessonError(source: s.source("target"), problem: "the target is \(target.sizeText) but the output y is \(y.sizeText)",
                                  expected: "a \(y.sizeText) matrix, e.g. target: " + MatrixText.text(Matrix(rows: y.rows, cols: y.cols)))
            }
        } else {
            target = Matrix(rows: y.rows, cols: y.cols)
        }

        // By hand: the loss, dL/dy, dL/dK cell by cell, dL/db, the update.
        var dy = y
        var loss: Float = 0
        for k in dy.values.indices {
            if lossKind == "squared" {
                dy.values[k] = y.values[k] - target.values[k]
                loss += 0.5 * dy.values[k] * dy.values[k]
            } else {
                dy.values[k] = 1
                loss += y.values[k]
            }
        }
        let works = hand.cells.map(hand.work)
        var gradK = Matrix(rows: kernel.rows, cols: kernel.cols)
        var met: [Matrix] = []      // per kernel cell: the input value it met at each output position
        for i in 0..<kernel.rows {
            for j in 0..<kernel.cols {
                var m = Matrix(rows: y.rows, cols: y.cols)
                for w in works { m[w.cell.row, w.cell.col] = w.windows[0][i, j] }
                met.append(m)
                gradK[i, j] = zip(m.values, dy.values).map { $0 * $1 }.reduce(0, +)
            }
        }
        let gradB = dy.values.reduce(0, +)
        var newK = kernel
        for k in newK.values.indices { newK.values[k] -= lr * gradK.values[k] }
        let newB = bias - lr * gradB

        // The engine: forward, backward from dL/dy, one SGD step, forward again.
        let layer = try Engine.conv2D(input: [input], kernel: [kernel], bias: bias, stride: stride, padding: Padding(word: padding))
        let engineY = Matrix.channels(of: try layer.forward(input.tensor, training: true))[0]
        _ = try layer.backward(dy.tensor)
        let engineGradK = Engine.kernelGradient(layer)[0]
        let engineGradB = layer.bias?.gradient.data[0] ?? .nan
        SGD(learningRate: lr).step(layer.parameters)
        let engineNewK = Engine.kernelValue(layer)[0]
        let engineNewB = layer.bias?.value.data[0] ?? .nan
        let engineY2 = Matrix.channels(of: try layer.forward(input.tensor, training: false))[0]
        var loss2: Float = 0
        for k in engineY2.values.indices {
            loss2 += lossKind == "squared" ? 0.5 * (engineY2.values[k] - target.values[k]) * (engineY2.values[k] - target.values[k]) : engineY2.values[k]
        }
        let checks = [
            Check(what: "y", layer: "CNNCore Conv2D.forward", stepByStep: y, engine: engineY),
            Check(what: "dL/dK", layer: "CNNCore Conv2D.backward", stepByStep: gradK, engine: engineGradK),
            Check(what: "dL/db", layer: "CNNCore Conv2D.backward", stepByStep: Support.row([gradB]), engine: Support.row([engineGradB])),
            Check(what: l.pick("updated kernel", "kernel actualizado"), layer: "CNNCore SGD.step", stepByStep: newK, engine: engineNewK),
            Check(what: l.pick("updated bias", "sesgo actualizado"), layer: "CNNCore SGD.step", stepByStep: Support.row([newB]), engine: Support.row([engineNewB])),
        ]

        let lossText = lossKind == "squared"
            ? l.pick("L = ½ Σ (y − target)²   so   dL/dy = y − target", "L = ½ Σ (y − objetivo)²   así que   dL/dy = y − objetivo")
            : l.pick("L = Σ y   so   dL/dy = 1 for every cell", "L = Σ y   así que   dL/dy = 1 en cada celda")
        let f = NumberFormat.short, fx = NumberFormat.factor
        var steps: [Step] = [Step(l.pick("Forward: the output y", "Hacia delante: la salida y"), lines: [
            l.pick("y = conv(input, K) + b, exactly as in the convolution tutorial (K \(kernel.sizeText), b = \(f(bias))).",
                   "y = conv(entrada, K) + b, igual que en el tutorial de convolución (K \(kernel.sizeText), b = \(f(bias)))."),
            Support.checkLine(checks[0], l),
        ], panels: [Panel(l.pick("input x", "entrada x"), input, role: .input), Panel("K", kernel, role: .kernel), Panel("y", engineY, role: .output)],
        data: ["y": Support.json(engineY)])]

        var lossPanels = [Panel("y", y, role: .output)]
        if lossKind == "squared" { lossPanels.append(Panel(l.pick("target", "objetivo"), target, role: .other)) }
        lossPanels.append(Panel("dL/dy", dy, role: .gradient))
        steps.append(Step(l.pick("The loss and dL/dy", "La pérdida y dL/dy"), lines: [
            lossText,
            lossKind == "squared"
                ? "L = ½ (" + dy.values.map { "\(fx($0))²" }.joined(separator: " + ") + ") = \(f(loss))"
                : "L = " + y.values.map(fx).joined(separator: " + ") + " = \(f(loss))",
            l.pick("dL/dy says how much L changes when each output cell grows a little.",
                   "dL/dy dice cuánto cambia L cuando cada celda de la salida crece un poco."),
        ], panels: lossPanels, data: ["loss": Support.json(loss), "loss_formula": .string(lossKind == "squared" ? "0.5 * sum((y - target)^2)" : "sum(y)"),
                                      "output_gradient": Support.json(dy)]))

        // One step per kernel weight, at most `Support.maxCellSteps` of them (a 32×32 kernel has
        // 1,024); the gradient of every weight is still computed, checked and in --json.
        let shownWeights = Cell.rectangle(row: 0, col: 0, height: kernel.rows, width: kernel.cols).prefix(Support.maxCellSteps)
        for weight in shownWeights {
            let (i, j) = (weight.row, weight.col)
            let m = met[i * kernel.cols + j]
            let terms = zip(dy.values, m.values).map { "\(fx($0))·\(fx($1))" }.joined(separator: " + ")
            let products = Matrix(rows: y.rows, cols: y.cols, values: zip(dy.values, m.values).map { $0 * $1 })
            let touched = works.map { Cell($0.origin.row + i, $0.origin.col + j) }
            var hiddenGrad = Cell.rectangle(row: 0, col: 0, height: kernel.rows, width: kernel.cols)
            hiddenGrad.removeAll { $0.row * kernel.cols + $0.col <= i * kernel.cols + j }
            steps.append(Step("dL/dK[\(i)][\(j)]", lines: [
                l.pick("K[\(i)][\(j)] multiplied, at each output position, the input cell shifted by (\(i), \(j)): the cells highlighted in the input.",
                       "K[\(i)][\(j)] multiplicó, en cada posición de salida, la celda de la entrada desplazada (\(i), \(j)): las celdas resaltadas."),
                "dL/dK[\(i)][\(j)] = Σ dL/dy · x = " + terms,
                "             = " + products.values.map(fx).joined(separator: " + ") + " = \(f(gradK[i, j]))",
            ], panels: [
                Panel(hand.rowAxis.before + hand.colAxis.before == 0 ? l.pick("input x", "entrada x") : l.pick("input x + padding", "entrada x + relleno"),
                      hand.paddedInput[0], role: .input, highlighted: touched, dimmed: hand.paddingCells),
                Panel("dL/dy", dy, role: .gradient),
                Panel("dL/dy · x", products, role: .product),
                Panel("dL/dK", gradK, role: .gradient, marked: [Cell(i, j)], hidden: hiddenGrad),
            ], data: ["cell": Support.json(Cell(i, j)), "inputs_met": Support.json(m), "products": Support.json(products),
                      "gradient": Support.json(gradK[i, j])]))
        }
        if let skipped = Support.skippedStep(kernel.rows * kernel.cols - shownWeights.count, l, weights: true) { steps.append(skipped) }

        steps.append(Step(l.pick("The gradient of the bias", "El gradiente del sesgo"), lines: [
            l.pick("b was added to every output cell, so dL/db = Σ dL/dy = ", "b se sumó a cada celda de salida, así que dL/db = Σ dL/dy = ")
                + dy.values.map(fx).joined(separator: " + ") + " = \(f(gradB))",
            Support.checkLine(checks[1], l), Support.checkLine(checks[2], l),
        ], panels: [Panel("dL/dy", dy, role: .gradient), Panel("dL/dK", engineGradK, role: .gradient)],
        data: ["kernel_gradient": Support.json(engineGradK), "bias_gradient": Support.json(engineGradB)]))

        let updates = Cell.rectangle(row: 0, col: 0, height: kernel.rows, width: kernel.cols).map { c in
            "K[\(c.row)][\(c.col)]: \(f(kernel[c.row, c.col])) − \(f(lr))·\(fx(gradK[c.row, c.col])) = \(f(newK[c.row, c.col]))"
        }
        steps.append(Step(l.pick("One SGD step", "Un paso de SGD"), lines: [
            l.pick("SGD moves every weight a little against its gradient: K ← K − lr·dL/dK, b ← b − lr·dL/db, with lr = \(f(lr)).",
                   "SGD mueve cada peso un poco en contra de su gradiente: K ← K − lr·dL/dK, b ← b − lr·dL/db, con lr = \(f(lr)).")]
            + updates + ["b: \(f(bias)) − \(f(lr))·\(fx(gradB)) = \(f(newB))",
                         Support.checkLine(checks[3], l), Support.checkLine(checks[4], l)],
            panels: [Panel(l.pick("K before", "K antes"), kernel, role: .kernel), Panel("dL/dK", engineGradK, role: .gradient),
                     Panel(l.pick("K after", "K después"), engineNewK, role: .kernel)],
            data: ["learning_rate": Support.json(lr), "updated_kernel": Support.json(engineNewK), "updated_bias": Support.json(engineNewB)]))

        let better = loss2 < loss
        steps.append(Step(l.pick("After the step", "Después del paso"), lines: [
            l.pick("Forward again with the new K and b: L went from \(f(loss)) to \(f(loss2)).",
                   "Otra vez hacia delante con los nuevos K y b: L pasó de \(f(loss)) a \(f(loss2))."),
            better ? l.pick("Smaller: the step went downhill. Training is this step, repeated over many images.",
                            "Menor: el paso fue cuesta abajo. Entrenar es repetir este paso con muchas imágenes.")
                   : l.pick("Not smaller: the learning rate is too large for these numbers; try a smaller --learning-rate.",
                            "No es menor: la tasa de aprendizaje es demasiado grande para estos números; prueba un --learning-rate menor."),
        ], panels: [Panel(l.pick("y before", "y antes"), engineY, role: .output), Panel(l.pick("y after", "y después"), engineY2, role: .output)],
        data: ["loss_before": Support.json(loss), "loss_after": Support.json(loss2)]))

        return TutorialResult(steps: steps, output: engineGradK, results: [
            ("updated_kernel", engineNewK), ("bias_gradient", Support.row([engineGradB])), ("updated_bias", Support.row([engineNewB])),
            ("y", engineY), ("output_gradient", dy),
        ], checks: checks, used: [
            ("input", MatrixText.text(input)), ("kernel", MatrixText.text(kernel)), ("bias", f(bias)),
            ("target", MatrixText.text(target)), ("learning-rate", f(lr)), ("loss", lossKind),
            ("stride", "\(stride)"), ("padding", padding),
        ])
    }
}
