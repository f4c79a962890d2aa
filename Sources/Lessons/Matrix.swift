import CNNCore
import Foundation

/// A small matrix of numbers, the unit every tutorial shows: rows top to bottom, values left to right.
///
/// A tutorial's input with several channels is a list of matrices (one per channel), as a student
/// would draw an RGB patch: three grids of the same size. `Matrix` converts to and from the engine's
/// NHWC `Tensor` so the very same numbers go through CNNCore's layers.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    /// rows · cols values in row-major order.
    public var values: [Float]

    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(rows >= 0 && cols >= 0 && values.count == rows * cols,
                     "a \(rows)×\(cols) matrix needs \(rows * cols) values, got \(values.count)")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// A matrix filled with one value.
    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        self.init(rows: rows, cols: cols, values: [Float](repeating: value, count: rows * cols))
    }

    /// A matrix from its rows (all the same length).
    public init(_ rowArrays: [[Float]]) {
        let cols = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == cols }, "ragged rows")
        self.init(rows: rowArrays.count, cols: cols, values: rowArrays.flatMap { $0 })
    }

    public subscript(r: Int, c: Int) -> Float {
        get { values[r * cols + c] }
        set { values[r * cols + c] = newValue }
    }

    /// The rows as arrays, e.g. for JSON's "output".
    public var rowArrays: [[Float]] {
        (0..<rows).map { r in Array(values[(r * cols)..<((r + 1) * cols)]) }
    }

    /// "4×4".
    public var sizeText: String { "\(rows)×\(cols)" }

    /// The sub-matrix of `height`×`width` cells whose top-left corner is (`row`, `col`); cells outside
    /// the matrix read as zero (what `same` padding adds).
    public func window(row: Int, col: Int, height: Int, width: Int) -> Matrix {
        var out = Matrix(rows: height, cols: width)
        for i in 0..<height {
            for j in 0..<width {
                let r = row + i, c = col + j
                if r >= 0, r < rows, c >= 0, c < cols { out[i, j] = self[r, c] }
            }
        }
        return out
    }

    /// The matrix with `top`/`bottom` rows and `left`/`right` columns of zeros around it.
    public func padded(top: Int, bottom: Int, left: Int, right: Int) -> Matrix {
        window(row: -top, col: -left, height: rows + top + bottom, width: cols + left + right)
    }

    /// The largest absolute difference to another matrix of the same size (infinity if sizes differ).
    public func maxDifference(to other: Matrix) -> Float {
        guard rows == other.rows, cols == other.cols else { return .infinity }
        return zip(values, other.values).map { abs($0 - $1) }.max() ?? 0
    }
}

/// One cell of a matrix, by row and column (both from 0).
public struct Cell: Hashable, Sendable, Codable {
    public var row: Int
    public var col: Int
    public init(_ row: Int, _ col: Int) { self.row = row; self.col = col }

    /// All cells of a rectangle, row by row.
    public static func rectangle(row: Int, col: Int, height: Int, width: Int) -> [Cell] {
        (0..<height).flatMap { i in (0..<width).map { j in Cell(row + i, col + j) } }
    }
}

extension Matrix {
    /// A batch of one single-channel image: shape (1, rows, cols, 1).
    public var tensor: Tensor { Tensor(shape: [1, rows, cols, 1], data: values) }

    /// Stacks channel matrices into a batch of one NHWC tensor: shape (1, H, W, C).
    public static func tensor(channels: [Matrix]) -> Tensor {
        guard let first = channels.first else { return Tensor(shape: [0], data: []) }
        var data = [Float](repeating: 0, count: first.rows * first.cols * channels.count)
        for (c, m) in channels.enumerated() {
            for (k, v) in m.values.enumerated() { data[k * channels.count + c] = v }
        }
        return Tensor(shape: [1, first.rows, first.cols, channels.count], data: data)
    }

    /// Splits a batch-of-one NHWC tensor (1, H, W, C) into its C channel matrices.
    public static func channels(of tensor: Tensor) -> [Matrix] {
        let s = tensor.shape
        precondition(s.count == 4 && s[0] == 1, "expected a batch of one NHWC tensor, got \(s)")
        let (h, w, c) = (s[1], s[2], s[3])
        return (0..<c).map { ch in
            Matrix(rows: h, cols: w, values: (0..<(h * w)).map { tensor.data[$0 * c + ch] })
        }
    }
}

/// How tutorials write numbers: integers without a decimal point, others with up to 4 significant digits.
public enum NumberFormat {
    public static func short(_ v: Float) -> String {
        if v == 0 { return "0" }  // also turns -0 into 0
        if v == v.rounded(), abs(v) < 1e7 { return String(Int(v)) }
        var s = String(format: "%.4g", Double(v))
        if s.contains("e") { return s }
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// A number as a factor in a product: negatives in parentheses, "(-1)".
    public static func factor(_ v: Float) -> String {
        let s = short(v)
        return v < 0 ? "(\(s))" : s
    }

    /// Every digit a Float carries (9 significant), for the "is it exactly 1?" question.
    public static func full(_ v: Float) -> String { String(format: "%.9g", Double(v)) }
}
