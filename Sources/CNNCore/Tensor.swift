/// A dense array of `Float` values with a shape, stored in C (row-major) order.
///
/// Images and feature maps use Keras' channels-last layout NHWC: (batch, height, width, channels).
/// A Dense layer's activations are (batch, features). A kernel is (KH, KW, C, F) as in Keras.
/// `Tensor` is a value type: copying it is cheap until one copy is written (copy-on-write arrays).
public struct Tensor: Equatable, Sendable {
    /// The size of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The values in row-major order; `data.count == shape.product`.
    public var data: [Float]

    /// A tensor with the given shape and values. Traps if the counts differ: use `validated` for
    /// values that come from a user or a file.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == data.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) values, got \(data.count)")
        self.shape = shape
        self.data = data
    }

    /// A tensor filled with one value.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    /// Checks that `data` fits `shape` and throws a readable error if not.
    public static func validated(shape: [Int], data: [Float], what: String) throws -> Tensor {
        let needed = Limits.product(shape)  // nil when the product overflows: no shape that large fits any data
        guard shape.allSatisfy({ $0 > 0 }), needed == data.count else {
            throw CNNError.invalidInput("\(what): shape \(shape) needs \(needed.map(String.init) ?? "more than \(Int.max)") values but \(data.count) were given",
                                        hint: "give exactly one value per element")
        }
        return Tensor(shape: shape, data: data)
    }

    /// Number of values.
    public var count: Int { data.count }
    /// Number of axes.
    public var rank: Int { shape.count }

    /// Row-major strides: how far apart consecutive indices of each axis are in `data`.
    public var strides: [Int] {
        var result = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            result[axis] = step
            step *= shape[axis]
        }
        return result
    }

    /// Reads or writes one element by its full index, e.g. `t[n, h, w, c]`.
    public subscript(_ index: Int...) -> Float {
        get { data[offset(index)] }
        set { data[offset(index)] = newValue }
    }

    /// The position of a full index in `data`.
    public func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) does not fit shape \(shape)")
        var position = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(index) is out of shape \(shape)")
            position = position * shape[axis] + i
        }
        return position
    }

    /// The same values with another shape of the same size.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }

    /// Sample `n` of a batch, as a batch of one.
    public func sample(_ n: Int) -> Tensor {
        let size = count / shape[0]
        return Tensor(shape: [1] + shape.dropFirst(), data: Array(data[(n * size)..<((n + 1) * size)]))
    }

    /// Batch of the given samples (each shaped like `[1, ...]` or without the batch axis).
    public static func stack(_ samples: [Tensor]) -> Tensor {
        guard let first = samples.first else { return Tensor(shape: [0], data: []) }
        let inner = first.shape.first == 1 && first.rank > 1 ? Array(first.shape.dropFirst()) : first.shape
        var data: [Float] = []
        data.reserveCapacity(samples.count * first.count)
        for s in samples { data += s.data }
        return Tensor(shape: [samples.count] + inner, data: data)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor\(shape)" }
}

/// Summary statistics of a tensor, as the trace manifest and the pictures report them.
public struct TensorStats: Codable, Equatable, Sendable {
    public var min: Float
    public var max: Float
    public var mean: Float
    /// Share of values exactly zero (what ReLU switched off).
    public var zeroFraction: Float

    public init(_ t: Tensor) {
        var lo = Float.infinity, hi = -Float.infinity, sum = 0.0, zeros = 0
        for v in t.data {
            lo = Swift.min(lo, v); hi = Swift.max(hi, v)
            sum += Double(v)
            if v == 0 { zeros += 1 }
        }
        let n = Swift.max(t.count, 1)
        min = t.count == 0 ? 0 : lo
        max = t.count == 0 ? 0 : hi
        mean = Float(sum / Double(n))
        zeroFraction = Float(zeros) / Float(n)
    }
}
