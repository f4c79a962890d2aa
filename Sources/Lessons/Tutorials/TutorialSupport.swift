import CNNCore

/// Pieces several tutorials share: reading the usual settings, checking sizes, common sentences.
enum Support {
    static let inputExample = "1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1"
    static let kernelExample = "1 0; 0 -1"

    /// At most this many output cells get a step of their own (a 7×7 output); a larger input still
    /// computes and checks every cell, but the pictures and the terminal stay readable.
    static let maxCellSteps = 49

    /// The step saying the remaining cells were computed the same way (nil when none were skipped).
    /// With `weights`, the skipped steps are kernel weights' gradients (backprop) rather than output cells.
    static func skippedStep(_ skipped: Int, _ l: Language, weights: Bool = false) -> Step? {
        guard skipped > 0 else { return nil }
        if weights {
            return Step(l.pick("… and \(skipped) more weights", "… y \(skipped) pesos más"), lines: [
                l.pick("The gradients of the other \(skipped) kernel weights are computed exactly the same way; they are all in dL/dK below and in --json.",
                       "Los gradientes de los otros \(skipped) pesos del kernel se calculan exactamente igual; están todos en dL/dK abajo y en --json."),
            ])
        }
        return Step(l.pick("… and \(skipped) more cells", "… y \(skipped) celdas más"), lines: [
            l.pick("The other \(skipped) output cells are computed exactly the same way; they are all in the output below and in --json.",
                   "Las otras \(skipped) celdas de salida se calculan exactamente igual; están todas en la salida de abajo y en --json."),
        ])
    }

    /// stride ≥ 1 and padding valid|same, as read from the settings.
    static func strideAndPadding(_ s: Settings, defaultStride: Int = 1) throws -> (Int, String) {
        let stride = try s.integer("stride", default: defaultStride, minimum: 1, maximum: TutorialLimits.maxStride,
                                   limitName: "TutorialLimits.maxStride", example: "2")
        let padding = try s.choice("padding", default: "valid", among: ["valid", "same"])
        return (stride, padding)
    }

    /// Throws, naming the kernel (or pool-size) setting, when a window does not fit the input with `valid` padding.
    static func checkFits(window: (Int, Int), input: Matrix, padding: String, settings s: Settings, key: String,
                          example: String, noun: String = "kernel") throws {
        guard padding == "valid", window.0 > input.rows || window.1 > input.cols else { return }
        let src = s.has(key) ? s.source(key) : "'\(key)'"
        let form = src.hasPrefix("--") ? "\(src) \"\(example)\" (at most \(input.sizeText)), or --padding same"
                                       : "\(key): \(example) (at most \(input.sizeText)), or padding: same"
        throw LessonError(source: src,
                          problem: "the \(window.0)×\(window.1) \(noun) is larger than the \(input.sizeText) input, and with 'valid' padding it must fit inside it",
                          expected: form)
    }

    /// "✓ CNNCore Conv2D.forward gives the same 3×3" or a loud mismatch line.
    static func checkLine(_ c: Check, _ l: Language) -> String {
        if c.agrees {
            return l.pick("✓ \(c.layer) on the same numbers gives the same \(c.what) (\(c.engine.sizeText)).",
                          "✓ \(c.layer) con los mismos números da el mismo resultado: \(c.what) (\(c.engine.sizeText)).")
        }
        if !c.isFinite {
            return l.pick("✗ \(c.what) overflowed 32-bit floats (infinity or NaN): use smaller numbers.",
                          "✗ \(c.what) se desborda en floats de 32 bits (infinito o NaN): usa números más pequeños.")
        }
        return l.pick("✗ MISMATCH: \(c.layer) gives a different \(c.what); please report this.",
                      "✗ NO COINCIDE: \(c.layer) da otro resultado para \(c.what); por favor, avísanos.")
    }

    /// A 1×N matrix from a list, for showing vectors.
    static func row(_ values: [Float]) -> Matrix { Matrix(rows: 1, cols: values.count, values: values) }

    /// JSON for a matrix: an array of rows.
    static func json(_ m: Matrix) -> JSONValue {
        .array(m.rowArrays.map { .array($0.map { .number(Double($0)) }) })
    }

    static func json(_ v: Float) -> JSONValue { .number(Double(v)) }

    static func json(_ c: Cell) -> JSONValue { .object(["row": .int(c.row), "col": .int(c.col)]) }

    /// Cells after `cell` in row-major order (not computed yet).
    static func cellsAfter(_ cell: Cell, in m: Matrix) -> [Cell] {
        Cell.rectangle(row: 0, col: 0, height: m.rows, width: m.cols).filter { $0.row * m.cols + $0.col > cell.row * m.cols + cell.col }
    }

    /// "rows 0–1, columns 1–2".
    static func span(_ origin: Cell, _ h: Int, _ w: Int, _ l: Language) -> String {
        let r = h == 1 ? "\(origin.row)" : "\(origin.row)–\(origin.row + h - 1)"
        let c = w == 1 ? "\(origin.col)" : "\(origin.col)–\(origin.col + w - 1)"
        return l.pick("rows \(r), columns \(c)", "filas \(r), columnas \(c)")
    }
}
