import CNNCore

/// "Apply ReLU": a 3×3 or 3×4 feature map of −3…3 in halves. The key is CNNCore's
/// `ActivationLayer(.relu)`: max(0, x) cell by cell.
enum ReLUExercise {
    static func make(number: Int, dice: inout Dice, language l: Language) throws -> ExerciseProblem {
        let (rows, cols) = dice.pick([(3, 3), (3, 4), (4, 4)])
        let input = Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in dice.half(-3, 3) })
        let layer = try Engine.activation(.relu, inputShape: [rows, cols, 1])
        let output = Matrix.channels(of: try layer.forward(input.tensor, training: false))[0]
        let outName = l.pick("output", "salida")
        let work = Cell.rectangle(row: 0, col: 0, height: rows, width: cols).map { c in
            ["\(outName)[\(c.row)][\(c.col)] = max(0, \(Worked.f(input[c.row, c.col]))) = \(Worked.f(output[c.row, c.col]))"]
        }
        return ExerciseProblem(
            topic: .relu, number: number,
            statement: l.pick("Apply the ReLU activation to this feature map.", "Aplica la activación ReLU a este mapa de características."),
            given: [GivenValue("input", l.pick("input", "entrada"), .matrix(input))],
            answers: [AnswerPart("output", outName, key: output, work: work)],
            worked: [l.pick("ReLU(x) = max(0, x): positive values stay, negative ones become 0.",
                            "ReLU(x) = max(0, x): los valores positivos se quedan, los negativos pasan a 0.")])
    }
}

/// "One Dense unit": 3 to 5 inputs of −1…3, weights of −1…1.5 in halves, a bias in halves.
/// The key is CNNCore's `Dense(units: 1)` with that kernel (I, 1) and bias, no activation.
enum DenseExercise {
    static func make(number: Int, dice: inout Dice, language l: Language) throws -> ExerciseProblem {
        let n = dice.int(3, 5)
        let x = (0..<n).map { _ in dice.value(-1, 3) }
        let weights = (0..<n).map { _ in dice.half(-1, 1.5) }
        let bias = dice.half(-1, 1)
        let layer = try Engine.dense(weights: weights, bias: bias, activation: .linear)
        let z = try layer.forward(Tensor(shape: [1, n], data: x), training: false).data[0]
        let products = zip(x, weights).map { $0 * $1 }
        let work = [[
            "z = Σ x·w + b = " + Worked.products(x, weights) + " + \(Worked.fx(bias))",
            "  = " + Worked.terms(products) + " + \(Worked.fx(bias)) = \(Worked.f(z))",
        ]]
        return ExerciseProblem(
            topic: .dense, number: number,
            statement: l.pick("A Dense unit with no activation receives these \(n) inputs. Compute z = Σ x·w + b.",
                              "Una neurona Dense sin activación recibe estas \(n) entradas. Calcula z = Σ x·w + b."),
            given: [
                GivenValue("input", l.pick("inputs x", "entradas x"), .list(x)),
                GivenValue("kernel", l.pick("weights w (the kernel)", "pesos w (el núcleo)"), .list(weights)),
                GivenValue("bias", l.pick("bias b", "sesgo b"), .number(bias)),
            ],
            answers: [AnswerPart("output", "z", key: Matrix(rows: 1, cols: 1, values: [z]), work: work)],
            worked: [l.pick("Keras keeps these weights as the Dense kernel, shape (\(n), 1).",
                            "Keras guarda estos pesos como el núcleo (kernel) de Dense, de forma (\(n), 1).")])
    }
}
