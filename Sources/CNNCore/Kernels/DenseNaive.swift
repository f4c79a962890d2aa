/// Naive fully connected layer: the reference implementation.
///
/// input (N, I), kernel (I, O) as Keras stores it, bias (O), output (N, O):
///   y[n, o] = b[o] + Σ_i x[n, i] · W[i, o]
/// Reference: keras.layers.Dense.
public enum DenseNaive {
    public static func forward(input x: [Float], kernel w: [Float], bias b: [Float]?,
                               batch: Int, inputs: Int, outputs: Int) -> [Float] {
        var y = [Float](repeating: 0, count: batch * outputs)
        for n in 0..<batch {
            for o in 0..<outputs {
                var sum: Float = b?[o] ?? 0
                for i in 0..<inputs { sum += x[n * inputs + i] * w[i * outputs + o] }
                y[n * outputs + o] = sum
            }
        }
        return y
    }

    /// dW[i, o] += Σ_n x[n, i] · dy[n, o];  db[o] += Σ_n dy[n, o];  dx[n, i] = Σ_o W[i, o] · dy[n, o].
    /// Returns dx, or an empty array when `inputGradient` is false.
    public static func backward(input x: [Float], kernel w: [Float], outputGradient dy: [Float],
                                batch: Int, inputs: Int, outputs: Int,
                                kernelGradient dw: inout [Float], biasGradient db: inout [Float],
                                inputGradient: Bool) -> [Float] {
        for n in 0..<batch {
            for o in 0..<outputs {
                let grad = dy[n * outputs + o]
                if !db.isEmpty { db[o] += grad }
                for i in 0..<inputs { dw[i * outputs + o] += x[n * inputs + i] * grad }
            }
        }
        guard inputGradient else { return [] }
        var dx = [Float](repeating: 0, count: batch * inputs)
        for n in 0..<batch {
            for i in 0..<inputs {
                var sum: Float = 0
                for o in 0..<outputs { sum += w[i * outputs + o] * dy[n * outputs + o] }
                dx[n * inputs + i] = sum
            }
        }
        return dx
    }
}
