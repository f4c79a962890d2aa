/// Finding NaN and ±inf: a model whose numbers are not finite answers nonsense, so files are
/// checked when read and outputs before they are shown.
extension Tensor {
    /// The first value that is NaN or ±inf, with its index in `data`; nil when all are finite.
    public var firstNonFinite: (index: Int, value: Float)? {
        data.withUnsafeBufferPointer { values in
            for i in values.indices where !values[i].isFinite { return (i, values[i]) }
            return nil
        }
    }

    /// "NaN", "inf" or "-inf", the words messages use for a non-finite value.
    public static func describeNonFinite(_ value: Float) -> String {
        value.isNaN ? "NaN" : value > 0 ? "inf" : "-inf"
    }
}
