import CNNCore

/// Convolution written out by hand, one output cell at a time: what the tutorials print.
///
/// This is deliberately independent of CNNCore's kernels (plain loops over a window), so that a
/// test comparing it with `Conv2D.forward` compares two separate computations of the same formula:
///   z[oh, ow] = b + Σ_{i, j, c} x[oh·s − padTop + i, ow·s − padLeft + j, c] · K[i, j, c]
/// Keras' Conv2D does not flip the kernel (it is a cross-correlation), and neither do we.
struct ConvArithmetic {
    /// Output size and zero padding along one axis, with Keras' rule, and the formula as text.
    struct Axis {
        var out: Int
        var before: Int
        var after: Int
        var formula: String
    }

    /// Safe for any stride ≥ 1 (`Int.max` included): ⌈n/s⌉ is written without n + s − 1, and
    /// (out − 1)·s never exceeds n. (The settings also bound the stride: `TutorialLimits.maxStride`.)
    static func axis(input n: Int, window k: Int, stride s: Int, padding: String) -> Axis {
        if padding == "same" {
            let out = n / s + (n % s == 0 ? 0 : 1)  // ⌈n/s⌉
            let total = max((out - 1) * s + k - n, 0)
            let formula = "⌈\(n)/\(s)⌉ = \(out); P = max((\(out) − 1)·\(s) + \(k) − \(n), 0) = \(total) → \(total / 2) before, \(total - total / 2) after"
            return Axis(out: out, before: total / 2, after: total - total / 2, formula: formula)
        }
        let out = n >= k ? (n - k) / s + 1 : 0
        return Axis(out: out, before: 0, after: 0, formula: "⌊(\(n) − \(k))/\(s)⌋ + 1 = ⌊\(n - k)/\(s)⌋ + 1 = \(out)")
    }

    /// One output cell worked out.
    struct CellWork {
        var cell: Cell
        /// Top-left of the window in the padded input.
        var origin: Cell
        /// Per channel: the input window, and the window times the kernel cell by cell.
        var windows: [Matrix]
        var products: [Matrix]
        /// Per channel: the sum of the products.
        var channelSums: [Float]
        var bias: Float
        /// Σ products + bias.
        var result: Float
    }

    var input: [Matrix]
    var kernel: [Matrix]
    var bias: Float
    var stride: Int
    var rowAxis: Axis
    var colAxis: Axis

    init(input: [Matrix], kernel: [Matrix], bias: Float, stride: Int, padding: String) {
        self.input = input
        self.kernel = kernel
        self.bias = bias
        self.stride = stride
        rowAxis = Self.axis(input: input[0].rows, window: kernel[0].rows, stride: stride, padding: padding)
        colAxis = Self.axis(input: input[0].cols, window: kernel[0].cols, stride: stride, padding: padding)
    }

    /// The input channels with their zero padding.
    var paddedInput: [Matrix] {
        input.map { $0.padded(top: rowAxis.before, bottom: rowAxis.after, left: colAxis.before, right: colAxis.after) }
    }

    /// Cells of the padded input that are padding (drawn dimmed).
    var paddingCells: [Cell] {
        let h = input[0].rows + rowAxis.before + rowAxis.after
        let w = input[0].cols + colAxis.before + colAxis.after
        return Cell.rectangle(row: 0, col: 0, height: h, width: w).filter {
            $0.row < rowAxis.before || $0.row >= rowAxis.before + input[0].rows
                || $0.col < colAxis.before || $0.col >= colAxis.before + input[0].cols
        }
    }

    func work(_ cell: Cell) -> CellWork {
        let (kh, kw) = (kernel[0].rows, kernel[0].cols)
        let origin = Cell(cell.row * stride, cell.col * stride)
        var windows: [Matrix] = [], products: [Matrix] = [], sums: [Float] = []
        for (c, x) in input.enumerated() {
            let window = x.window(row: origin.row - rowAxis.before, col: origin.col - colAxis.before, height: kh, width: kw)
            var product = Matrix(rows: kh, cols: kw)
            var sum: Float = 0
            for i in 0..<kh {
                for j in 0..<kw {
                    product[i, j] = window[i, j] * kernel[c][i, j]
                    sum += product[i, j]
                }
            }
            windows.append(window); products.append(product); sums.append(sum)
        }
        let total = sums.reduce(0, +) + bias
        return CellWork(cell: cell, origin: origin, windows: windows, products: products, channelSums: sums, bias: bias, result: total)
    }

    /// Every output cell, row by row.
    var cells: [Cell] { Cell.rectangle(row: 0, col: 0, height: rowAxis.out, width: colAxis.out) }

    /// The whole output, computed cell by cell.
    var output: Matrix {
        var out = Matrix(rows: rowAxis.out, cols: colAxis.out)
        for cell in cells { out[cell.row, cell.col] = work(cell).result }
        return out
    }

    /// "1·2 + 2·0 + 0·1 + 1·(-1)" for one channel.
    static func productsText(window: Matrix, kernel: Matrix) -> String {
        zip(window.values, kernel.values).map { "\(NumberFormat.factor($0))·\(NumberFormat.factor($1))" }.joined(separator: " + ")
    }

    /// "2 + 0 + 0 + (-1)".
    static func termsText(_ products: Matrix) -> String {
        products.values.map(NumberFormat.factor).joined(separator: " + ")
    }
}

extension Padding {
    init(word: String) { self = word == "same" ? .same : .valid }
}
