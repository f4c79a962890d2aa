/// Naive fully connected layer: the reference implementation.
///
/// input (N, I), kernel (I, O) as Keras stores it, bias (O), output (N, O):
///   y[n, o] = b[o] + Σ_i x[n, i] · W[i, o]
/// Reference: keras.layers.Dense.
public enum DenseNaive {
    public static func forward(input x: [Float], kernel w: [Float], bias b: [Float]?,
                               batch: Int, inputs: Int, outputs: Int) -> [Float] {
        var y = [Float](repeating: 0, count: batch * outputs)
        // Through buffer pointers, as in `backward`.
        x.withUnsafeBufferPointer { x in
        w.withUnsafeBufferPointer { w in
        y.withUnsafeMutableBufferPointer { y in
        for n in 0..<batch {
            // Row i of W at a time (W is stored inputs × outputs): each y[n, o] still adds its
            // terms in the order i = 0, 1, …, so the sums are exactly those of one dot product
            // per output, without striding through W.
            for o in 0..<outputs { y[n * outputs + o] = b?[o] ?? 0 }
            for i in 0..<inputs {
                let xi = x[n * inputs + i]
                for o in 0..<outputs { y[n * outputs + o] += xi * w[i * outputs + o] }
            }
        }
        }}}
        return y
    }

    /// dW[i, o] += Σ_n x[n, i] · dy[n, o];  db[o] += Σ_n dy[n, o];  dx[n, i] = Σ_o W[i, o] · dy[n, o].
    /// Returns dx, or an empty array when `inputGradient` is false.
    public static func backward(input x: [Float], kernel w: [Float], outputGradient dy: [Float],
                                batch: Int, inputs: Int, outputs: Int,
                                kernelGradient dw: inout [Float], biasGradient db: inout [Float],
                                inputGradient: Bool) -> [Float] {
        // dW[i, o] += x[n, i] · dy[n, o], row by row of W (each element still sums over n in
        // order, so the result is the same as column by column, without striding through W).
        // Through buffer pointers: the same indexing, without a bounds check per term.
        x.withUnsafeBufferPointer { x in
        dy.withUnsafeBufferPointer { dy in
        dw.withUnsafeMutableBufferPointer { dw in
            for n in 0..<batch {
                for o in 0..<outputs where !db.isEmpty { db[o] += dy[n * outputs + o] }
                for i in 0..<inputs {
                    let xi = x[n * inputs + i]
                    for o in 0..<outputs { dw[i * outputs + o] += xi * dy[n * outputs + o] }
                }
            }
        }}}
        guard inputGradient else { return [] }
        var dx = [Float](repeating: 0, count: batch * inputs)
        w.withUnsafeBufferPointer { w in
        dy.withUnsafeBufferPointer { dy in
            for n in 0..<batch {
                for i in 0..<inputs {
                    var sum: Float = 0
                    for o in 0..<outputs { sum += w[i * outputs + o] * dy[n * outputs + o] }
                    dx[n * inputs + i] = sum
                }
            }
        }}
        return dx
    }
}
