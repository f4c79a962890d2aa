import CNNCore

/// "One training step by hand": a 3×3 input of 0…2, a 2×2 kernel of −1…1, bias 0, stride 1,
/// valid padding, a 2×2 target, and the squared loss
///   L = ½ Σ (y − target)²,   so   dL/dy = y − target
///   dL/dK[i][j] = Σ_{r, c} dL/dy[r][c] · x[r + i][c + j]
///   K ← K − lr · dL/dK   (one SGD step, lr = ½)
///
/// Three grids are asked: y (`Conv2D.forward`), dL/dK (`Conv2D.backward` from dL/dy), and the
/// kernel after `SGD(learningRate: 0.5).step`. The target is drawn so that dL/dy is −2…2.
/// The JSON names follow `cnnviz tutorial backprop --json`: `output` is dL/dK.
enum BackpropExercise {
    static let lossFormula = "L = 0.5 * sum((y - target)^2), so dL/dy = y - target"
    static let learningRate: Float = 0.5

    static func make(number: Int, dice: inout Dice, language l: Language) throws -> ExerciseProblem {
        let input = dice.matrix(3, 3, 0, 2)
        let kernel = dice.matrix(2, 2, -1, 1)
        let lr = learningRate
        let layer = try Engine.conv2D(input: [input], kernel: [kernel], bias: 0, stride: 1, padding: .valid)
        let y = Matrix.channels(of: try layer.forward(input.tensor, training: true))[0]
        let wanted = dice.matrix(2, 2, -2, 2)  // dL/dy, chosen first so the gradients stay small
        let target = Matrix(rows: 2, cols: 2, values: zip(y.values, wanted.values).map { $0 - $1 })
        // The loss's derivative, L = ½Σ(y − t)²: what the tutorial writes too (CNNCore has no such loss).
        let dy = Matrix(rows: 2, cols: 2, values: zip(y.values, target.values).map { $0 - $1 })
        _ = try layer.backward(dy.tensor)
        let gradient = Engine.kernelGradient(layer)[0]
        SGD(learningRate: lr).step(layer.parameters)
        let updated = Engine.kernelValue(layer)[0]

        let hand = ConvArithmetic(input: [input], kernel: [kernel], bias: 0, stride: 1, padding: "valid")
        let yWork = hand.cells.map { cell -> [String] in
            let w = hand.work(cell)
            return ["y[\(cell.row)][\(cell.col)] = " + ConvArithmetic.productsText(window: w.windows[0], kernel: kernel) + " = \(Worked.f(y[cell.row, cell.col]))"]
        }
        let weights = Cell.rectangle(row: 0, col: 0, height: 2, width: 2)
        let gradWork = weights.map { k -> [String] in
            let met = hand.cells.map { input[$0.row + k.row, $0.col + k.col] }
            return ["dL/dK[\(k.row)][\(k.col)] = Σ dL/dy · x = " + Worked.products(dy.values, met) + " = \(Worked.f(gradient[k.row, k.col]))"]
        }
        let updateWork = weights.map { k -> [String] in
            ["K[\(k.row)][\(k.col)] ← \(Worked.f(kernel[k.row, k.col])) − \(Worked.f(lr))·\(Worked.fx(gradient[k.row, k.col])) = \(Worked.f(updated[k.row, k.col]))"]
        }
        var problem = ExerciseProblem(
            topic: .backprop, number: number,
            statement: l.pick("A Conv2D (one 2×2 filter K, bias 0, stride 1, valid) sees input x. With the loss L = ½ Σ (y − target)², compute y, dL/dK, and K after one SGD step with learning rate \(Worked.f(lr)).",
                              "Una Conv2D (un filtro K de 2×2, sesgo 0, paso 1, valid) recibe la entrada x. Con la pérdida L = ½ Σ (y − objetivo)², calcula y, dL/dK, y K tras un paso de SGD con tasa de aprendizaje \(Worked.f(lr))."),
            given: [
                GivenValue("input", l.pick("input x", "entrada x"), .matrix(input)),
                GivenValue("kernel", l.pick("kernel K", "núcleo K"), .matrix(kernel)),
                GivenValue("bias", l.pick("bias", "sesgo"), .number(0)),
                GivenValue("target", l.pick("target", "objetivo"), .matrix(target)),
                GivenValue("learning_rate", l.pick("learning rate", "tasa de aprendizaje"), .number(lr)),
                GivenValue("stride", l.pick("stride", "paso (stride)"), .integer(1)),
                GivenValue("padding", l.pick("padding", "relleno (padding)"), .word("valid")),
            ],
            answers: [
                AnswerPart("y", l.pick("y (forward)", "y (hacia delante)"), symbol: "y", key: y, work: yWork),
                AnswerPart("output", "dL/dK", key: gradient, intro: [
                    l.pick("L = ½ Σ (y − target)², so dL/dy = y − target = ", "L = ½ Σ (y − objetivo)², así que dL/dy = y − objetivo = ") + Worked.matrix(dy),
                    l.pick("K[i][j] met, at output (r, c), the input cell x[r + i][c + j]: dL/dK[i][j] = Σ dL/dy[r][c] · x[r + i][c + j].",
                           "K[i][j] multiplicó, en la salida (r, c), a la celda x[r + i][c + j]: dL/dK[i][j] = Σ dL/dy[r][c] · x[r + i][c + j]."),
                ], work: gradWork),
                AnswerPart("updated_kernel", l.pick("K after the step", "K tras el paso"), symbol: "K", key: updated,
                           intro: [l.pick("SGD: K ← K − lr · dL/dK, with lr = \(Worked.f(lr)).", "SGD: K ← K − lr · dL/dK, con lr = \(Worked.f(lr)).")], work: updateWork),
            ],
            worked: [l.pick("Forward first, as in the convolution exercises: y = conv(x, K) + 0.", "Primero hacia delante, como en los ejercicios de convolución: y = conv(x, K) + 0.")])
        problem.keyPanels = [("y", y, []), ("dL/dy = y − " + l.pick("target", "objetivo"), dy, [])]
        return problem
    }
}
