import CNNCore
import Foundation

/// The end of the coursework's network: Flatten lines the feature maps up in Keras' order
/// (index = (h·W + w)·C + c), one Dense neuron takes a weighted sum plus a bias, the sigmoid turns
/// it into a probability, and 0.5 is the threshold between class 0 (cats) and class 1 (dogs).
/// It also shows why the coursework's `if result[0][0] == 1:` almost never says "dog".
struct FlattenDenseTutorial: Tutorial {
    let name = "flatten-dense"
    static let inputExample = "1 0; 2 1 | 0 3; 1 2"
    static let kernelExample = "0.5 -0.5 0.25 0.25 -0.25 0.5 0.5 -0.25"

    func summary(_ l: Language) -> String {
        l.pick("Flatten in Keras' order, one Dense neuron, the sigmoid, the 0.5 threshold, and why `result[0][0] == 1` is almost never true",
               "Flatten en el orden de Keras, una neurona Dense, la sigmoide, el umbral 0.5, y por qué `result[0][0] == 1` casi nunca es cierto")
    }

    var keys: [(key: String, example: String)] {
        [("input", Self.inputExample), ("kernel", Self.kernelExample), ("bias", "0.25"), ("classes", "cats, dogs")]
    }

    /// The smallest z whose float32 sigmoid is exactly 1.0 (found by bisection on the engine's sigmoid).
    static var firstZGivingOne: Float {
        var lo: Float = 0, hi: Float = 100
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if Activation.sigmoid(mid) == 1 { hi = mid } else { lo = mid }
        }
        return hi
    }

    func run(_ s: Settings, language l: Language) throws -> TutorialResult {
        let input = try s.channels("input", example: Self.inputExample)
        let (h, w, c) = (input[0].rows, input[0].cols, input.count)
        guard h * w * c <= TutorialLimits.maxFlattenedValues else {
            throw LessonError(source: s.source("input"),
                              problem: "the input flattens to \(h)×\(w)×\(c) = \(h * w * c) values, more than the \(TutorialLimits.maxFlattenedValues) this tutorial draws (TutorialLimits.maxFlattenedValues)",
                              expected: "a smaller input, e.g. input: \(Self.inputExample)")
        }
        let weights = try s.vector("kernel", example: Self.kernelExample)
        guard weights.count == h * w * c else {
            throw LessonError(source: s.source("kernel"),
                              problem: "the Dense neuron needs one weight per flattened value: \(h)×\(w)×\(c) = \(h * w * c), but \(weights.count) were given",
                              expected: "\(h * w * c) numbers, e.g. kernel: \(Array(repeating: "0.5", count: h * w * c).joined(separator: " "))")
        }
        let bias = try s.number("bias", default: 0, example: "0.25")
        let classes = (s.text("classes") ?? "cats, dogs").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard classes.count == 2, classes.allSatisfy({ !$0.isEmpty }) else {
            throw LessonError(source: s.source("classes"), problem: "expected two class names separated by a comma", expected: "classes: cats, dogs")
        }

        // By hand: flatten index (h·W + w)·C + c, then the weighted sum, the sigmoid, the threshold.
        var flat = [Float](repeating: 0, count: h * w * c)
        var origin: [(Int, Int, Int)] = Array(repeating: (0, 0, 0), count: h * w * c)
        for y in 0..<h { for x in 0..<w { for ch in 0..<c {
            flat[(y * w + x) * c + ch] = input[ch][y, x]
            origin[(y * w + x) * c + ch] = (y, x, ch)
        } } }
        let products = zip(flat, weights).map { $0 * $1 }
        let z = products.reduce(0, +) + bias
        let p = 1 / (1 + exp(-z))
        let handFlat = Support.row(flat)

        // The engine.
        let flatten = try Engine.flatten(inputShape: [h, w, c])
        let flatTensor = try flatten.forward(Matrix.tensor(channels: input), training: false)
        let dense = try Engine.dense(weights: weights, bias: bias, activation: .sigmoid)
        let out = try dense.forward(flatTensor, training: false)
        let engineFlat = Support.row(flatTensor.data)
        let engineZ = dense.lastPreActivation?.data[0] ?? .nan
        let engineP = out.data[0]
        let checks = [
            Check(what: l.pick("flattened vector", "vector aplanado"), layer: "CNNCore Flatten.forward", stepByStep: handFlat, engine: engineFlat),
            Check(what: "z", layer: "CNNCore Dense.forward (z)", stepByStep: Support.row([z]), engine: Support.row([engineZ])),
            Check(what: l.pick("probability", "probabilidad"), layer: "CNNCore Dense(activation: .sigmoid).forward", stepByStep: Support.row([p]), engine: Support.row([engineP])),
        ]
        let predicted = ClassDecision.binaryClass(engineP)
        let zOne = Self.firstZGivingOne

        var steps: [Step] = [Step(l.pick("The feature maps", "Los mapas de características"), lines: [
            l.pick("\(c) feature map\(c == 1 ? "" : "s") of \(h)×\(w): shape (H, W, C) = (\(h), \(w), \(c)). In the coursework this is (31, 31, 32) after max pooling.",
                   "\(c) mapa\(c == 1 ? "" : "s") de \(h)×\(w): forma (H, W, C) = (\(h), \(w), \(c)). En el curso es (31, 31, 32) tras el max pooling."),
        ], panels: (0..<c).map { Panel(l.pick("channel \($0)", "canal \($0)"), input[$0], role: .input) },
        data: ["input": .array(input.map { Support.json($0) })])]

        let order = flat.indices.map { i -> String in
            let (y, x, ch) = origin[i]
            return "x[\(i)] = (\(y)·\(w) + \(x))·\(c) + \(ch) → \(l.pick("channel", "canal")) \(ch) [\(y)][\(x)] = \(NumberFormat.short(flat[i]))"
        }
        steps.append(Step("Flatten", lines: [
            l.pick("Keras keeps the (H, W, C) order: index = (h·W + w)·C + c, so the channels of one position come together.",
                   "Keras mantiene el orden (H, W, C): índice = (h·W + w)·C + c, así que los canales de una misma posición van juntos."),
        ] + order + [Support.checkLine(checks[0], l)],
        panels: [Panel("x (\(flat.count))", engineFlat, role: .input)], data: ["flattened": .array(flat.map { Support.json($0) })]))

        steps.append(Step(l.pick("One Dense neuron", "Una neurona Dense"), lines: [
            "z = Σ x[i]·w[i] + b",
            "  = " + zip(flat, weights).map { "\(NumberFormat.factor($0))·\(NumberFormat.factor($1))" }.joined(separator: " + ") + " + \(NumberFormat.factor(bias))",
            "  = " + products.map(NumberFormat.factor).joined(separator: " + ") + " + \(NumberFormat.factor(bias))",
            "  = \(NumberFormat.short(z))",
            l.pick("Keras stores w as the Dense kernel with shape (\(flat.count), 1); the coursework's last layer has (128, 1).",
                   "Keras guarda w como el kernel de Dense con forma (\(flat.count), 1); la última capa del curso tiene (128, 1)."),
            Support.checkLine(checks[1], l),
        ], panels: [Panel("x", engineFlat, role: .input), Panel("w", Support.row(weights), role: .kernel),
                    Panel("x·w", Support.row(products), role: .product)],
        data: ["weights": .array(weights.map { Support.json($0) }), "products": .array(products.map { Support.json($0) }),
               "bias": Support.json(bias), "z": Support.json(z)]))

        steps.append(Step(l.pick("The sigmoid: a probability", "La sigmoide: una probabilidad"), lines: [
            "p = σ(z) = 1 / (1 + e^(−z)) = 1 / (1 + e^(\(NumberFormat.short(-z)))) = \(NumberFormat.short(p))",
            l.pick("p is the model's probability of class 1 ('\(classes[1])'); 1 − p = \(NumberFormat.short(1 - p)) is that of class 0 ('\(classes[0])').",
                   "p es la probabilidad que da el modelo a la clase 1 ('\(classes[1])'); 1 − p = \(NumberFormat.short(1 - p)) la de la clase 0 ('\(classes[0])')."),
            l.pick("Classes are numbered by flow_from_directory in sorted folder order: \(classes[0]) = 0, \(classes[1]) = 1.",
                   "flow_from_directory numera las clases por el orden alfabético de las carpetas: \(classes[0]) = 0, \(classes[1]) = 1."),
            Support.checkLine(checks[2], l),
        ], panels: [Panel("z", Support.row([engineZ]), role: .product), Panel("p = σ(z)", Support.row([engineP]), role: .output)],
        data: ["probability": Support.json(engineP)]))

        steps.append(Step(l.pick("The 0.5 threshold", "El umbral 0.5"), lines: [
            "p = \(NumberFormat.short(engineP)) " + (engineP > 0.5 ? ">" : "≤") + " 0.5  →  " + l.pick("class", "clase") + " \(predicted) = '\(classes[predicted])'",
            l.pick("This is what Keras' binary accuracy does: p > 0.5 counts as class 1.",
                   "Es lo que hace la binary accuracy de Keras: p > 0.5 cuenta como clase 1."),
        ], panels: [Panel("p", Support.row([engineP]), role: .output)], data: ["class_index": .int(predicted), "class": .string(classes[predicted])]))

        let equalsOne = engineP == 1
        // 'dogs' → 'dog', as the coursework's strings read.
        let one = classes.map { $0.hasSuffix("s") ? String($0.dropLast()) : $0 }
        steps.append(Step(l.pick("Why `result[0][0] == 1` almost never says \"\(one[1])\"", "Por qué `result[0][0] == 1` casi nunca dice \"\(one[1])\""), lines: [
            l.pick("The coursework predicts with:  if result[0][0] == 1: prediction = '\(one[1])' else: prediction = '\(one[0])'",
                   "El curso predice con:  if result[0][0] == 1: prediction = '\(one[1])' else: prediction = '\(one[0])'"),
            l.pick("result[0][0] is p = \(NumberFormat.full(engineP)) here, a probability, not a class: p == 1 is \(equalsOne ? "True" : "False").",
                   "result[0][0] es p = \(NumberFormat.full(engineP)) aquí, una probabilidad, no una clase: p == 1 es \(equalsOne ? "True" : "False")."),
            l.pick("A float32 sigmoid is exactly 1.0 only when z ≥ \(NumberFormat.short(zOne)) or so; a trained model rarely is that sure, so the test says '\(one[0])' for most images of '\(classes[1])'.",
                   "Una sigmoide en float32 vale exactamente 1.0 solo cuando z ≥ \(NumberFormat.short(zOne)) más o menos; un modelo entrenado rara vez está tan seguro, así que la prueba dice '\(one[0])' para casi todas las imágenes de «\(classes[1])»."),
            l.pick("Write instead:  prediction = '\(one[1])' if result[0][0] > 0.5 else '\(one[0])'",
                   "Escribe mejor:  prediction = '\(one[1])' if result[0][0] > 0.5 else '\(one[0])'"),
        ], panels: [Panel("p", Support.row([engineP]), role: .output)],
        data: ["equals_one": .bool(equalsOne), "first_z_giving_exactly_one": Support.json(zOne)]))

        return TutorialResult(steps: steps, output: Support.row([engineP]), results: [("flattened", engineFlat), ("z", Support.row([engineZ]))],
                              checks: checks, used: [
            ("input", MatrixText.text(input)), ("kernel", weights.map(NumberFormat.short).joined(separator: " ")),
            ("bias", NumberFormat.short(bias)), ("classes", classes.joined(separator: ", ")),
        ])
    }
}
