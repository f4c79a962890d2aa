import Foundation

/// Loss functions, with Keras' exact numerics.
///
/// The batch loss is the mean over the batch (and, for categorical, the sum over classes first).
public enum Loss: String, Codable, Sendable {
    case binaryCrossentropy = "binary_crossentropy"
    case categoricalCrossentropy = "categorical_crossentropy"

    /// Keras' clipping epsilon (`keras.config.epsilon()`).
    public static let epsilon: Float = 1e-7

    /// Loss and dLoss/dp from probabilities p (N, K) and targets y (N, K).
    ///
    /// binary:      L = −mean(y·log p + (1 − y)·log(1 − p)), p clipped to [ε, 1 − ε]
    /// categorical: L = −mean_n Σ_k y·log p, p first divided by its row sum, then clipped
    /// Gradients are zero where clipping is active, as TensorFlow's clip_by_value.
    public func fromProbabilities(_ p: Tensor, targets y: Tensor) -> (loss: Float, gradient: Tensor) {
        let n = Float(p.shape[0])
        var grad = Tensor.zeros(p.shape)
        var total: Double = 0
        let eps = Loss.epsilon
        switch self {
        case .binaryCrossentropy:
            let k = Float(p.count) / n  // Keras averages over the last axis, then the batch
            for i in p.data.indices {
                let raw = p.data[i]
                let q = min(max(raw, eps), 1 - eps)
                total -= Double(y.data[i] * log(q) + (1 - y.data[i]) * log(1 - q))
                let active = raw > eps && raw < 1 - eps
                grad.data[i] = active ? (-(y.data[i] / q) + (1 - y.data[i]) / (1 - q)) / (n * k) : 0
            }
            return (Float(total / Double(p.count)), grad)
        case .categoricalCrossentropy:
            let width = p.shape.last ?? 1
            for row in 0..<p.shape[0] {
                let range = (row * width)..<((row + 1) * width)
                let sum = range.reduce(Float(0)) { $0 + p.data[$1] }
                for i in range {
                    let raw = p.data[i] / sum
                    let q = min(max(raw, eps), 1 - eps)
                    total -= Double(y.data[i] * log(q))
                    // d/dp of −y·log(p/s): −y/p + Σ_j y_j / s
                    let active = raw > eps && raw < 1 - eps
                    grad.data[i] = active ? -y.data[i] / (q * sum) / n : 0
                }
                // Through the row sum s, every p_j gets Σ y_i / s over the unclipped i.
                let ySum = range.reduce(Float(0)) { acc, i in
                    let raw = p.data[i] / sum
                    return raw > eps && raw < 1 - eps ? acc + y.data[i] : acc
                }
                for i in range { grad.data[i] += ySum / sum / n }
            }
            return (Float(total / Double(p.shape[0])), grad)
        }
    }

    /// Loss and dLoss/dz from the pre-activation z of the output layer (the "logits").
    ///
    /// Keras 3 does this when the output layer's activation is sigmoid (binary) or softmax
    /// (categorical): it keeps z on the output tensor and computes the loss stably from it.
    ///   binary:      L = mean(max(z, 0) − z·y + log(1 + e^(−|z|))),  dL/dz = (σ(z) − y) / count
    ///   categorical: L = mean_n(−Σ_k y·log softmax(z)),               dL/dz = (softmax(z) − y) / N
    public func fromLogits(_ z: Tensor, targets y: Tensor) -> (loss: Float, gradient: Tensor) {
        var grad = Tensor.zeros(z.shape)
        var total: Double = 0
        switch self {
        case .binaryCrossentropy:
            let count = Float(z.count)
            for i in z.data.indices {
                let zi = z.data[i], yi = y.data[i]
                total += Double(max(zi, 0) - zi * yi + log1p(exp(-abs(zi))))
                grad.data[i] = (Activation.sigmoid(zi) - yi) / count
            }
            return (Float(total / Double(z.count)), grad)
        case .categoricalCrossentropy:
            let n = Float(z.shape[0])
            let p = Activation.softmax.apply(z)
            let width = z.shape.last ?? 1
            for row in 0..<z.shape[0] {
                let range = (row * width)..<((row + 1) * width)
                let top = range.map { z.data[$0] }.max() ?? 0
                let logSum = log(range.reduce(Float(0)) { $0 + exp(z.data[$1] - top) }) + top
                for i in range {
                    total -= Double(y.data[i] * (z.data[i] - logSum))
                    grad.data[i] = (p.data[i] - y.data[i]) / n
                }
            }
            return (Float(total / Double(z.shape[0])), grad)
        }
    }

    /// Loss and dLoss/d(output or logit) for a batch whose forward pass has just run.
    ///
    /// When the output layer's activation is sigmoid (binary) or softmax (categorical) and its
    /// pre-activation z is at hand, the loss is computed from z, as Keras 3 does;
    /// `fromPreActivation` says so. Otherwise from the probabilities.
    public func evaluate(output: Tensor, preActivation z: Tensor?, outputActivation: Activation?,
                         targets: Tensor) throws -> (loss: Float, gradient: Tensor, fromPreActivation: Bool) {
        guard output.shape == targets.shape else {
            throw CNNError.shapeMismatch(layer: "loss", expected: output.shape, got: targets.shape)
        }
        if outputActivation == logitActivation, let z {
            let (value, grad) = fromLogits(z, targets: targets)
            return (value, grad, true)
        }
        let (value, grad) = fromProbabilities(output, targets: targets)
        return (value, grad, false)
    }

    /// The activation whose pre-activation this loss can take directly.
    public var logitActivation: Activation {
        self == .binaryCrossentropy ? .sigmoid : .softmax
    }
}

/// Keras' `accuracy` metric for the two output kinds CNNViz trains.
public enum Accuracy {
    /// Fraction of correct predictions. One output unit: binary accuracy, p > 0.5 is class 1.
    /// Several units: the arg-max of p equals the arg-max of the one-hot target.
    public static func of(_ p: Tensor, targets y: Tensor) -> Float {
        let width = p.shape.last ?? 1
        let rows = p.shape[0]
        guard rows > 0 else { return 0 }
        var correct = 0
        for row in 0..<rows {
            if width == 1 {
                if ClassDecision.binaryClass(p.data[row]) == ClassDecision.binaryClass(y.data[row]) { correct += 1 }
            } else {
                let range = (row * width)..<((row + 1) * width)
                let predicted = ClassDecision(output: Array(p.data[range])).index
                let truth = ClassDecision(output: Array(y.data[range])).index
                if predicted == truth { correct += 1 }
            }
        }
        return Float(correct) / Float(rows)
    }
}
