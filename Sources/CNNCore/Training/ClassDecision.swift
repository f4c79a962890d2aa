/// How a model's output becomes a class, as Keras decides it: the one place that says so.
///
/// - One sigmoid unit, p = P(class 1): class 1 when p > 0.5, the threshold of Keras'
///   `binary_accuracy` (exactly 0.5 is class 0). The coursework's `if result[0][0] == 1`
///   compares a probability with exactly 1.0, which almost never holds.
/// - Several softmax units: the class with the largest probability (the first one on a tie,
///   as `argmax`).
public struct ClassDecision: Equatable, Sendable {
    /// Keras' `binary_accuracy` threshold.
    public static let threshold: Float = 0.5

    /// The class picked.
    public let index: Int
    /// The probability the model gives that class (1 − p when a sigmoid picks class 0).
    public let probability: Float

    /// The class of one sample's output row: one value (a sigmoid) or one per class (a softmax).
    public init(output row: [Float]) {
        if row.count == 1 {
            let p = row[0]
            index = ClassDecision.binaryClass(p)
            probability = index == 1 ? p : 1 - p
        } else {
            var best = 0
            for i in row.indices where row[i] > row[best] { best = i }
            index = best
            probability = row.isEmpty ? 0 : row[best]
        }
    }

    /// Class 1 when p > 0.5, else class 0.
    public static func binaryClass(_ p: Float) -> Int { p > threshold ? 1 : 0 }
}
