/// Naive max and average pooling: the reference implementation.
///
/// input (N, H, W, C), window (KH, KW), output (N, OH, OW, C).
///   max:     y[n, oh, ow, c] = max over the window of x (padding never wins)
///   average: y[n, oh, ow, c] = mean over the window cells that lie inside the input
///            (TensorFlow does not count `same` padding in the average)
/// Reference: keras.layers.MaxPooling2D / AveragePooling2D, tf.nn.max_pool2d / avg_pool2d.
public enum PoolNaive {
    /// Max pooling. Also returns, for each output, the input index of the kept maximum (the first
    /// one in row-major window order on ties), which is where backward sends the gradient.
    public static func maxForward(input x: [Float], geometry g: ConvGeometry) -> (output: [Float], argmax: [Int32]) {
        let count = g.batch * g.outHeight * g.outWidth * g.channels
        var y = [Float](repeating: 0, count: count)
        var arg = [Int32](repeating: -1, count: count)
        for n in 0..<g.batch {
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    for c in 0..<g.channels {
                        var best = -Float.infinity
                        var bestIndex = -1
                        for i in 0..<g.kernelHeight {
                            let ih = oh * g.strideHeight - g.padTop + i
                            guard ih >= 0 && ih < g.height else { continue }
                            for j in 0..<g.kernelWidth {
                                let iw = ow * g.strideWidth - g.padLeft + j
                                guard iw >= 0 && iw < g.width else { continue }
                                let xi = ((n * g.height + ih) * g.width + iw) * g.channels + c
                                if x[xi] > best || bestIndex < 0 { best = x[xi]; bestIndex = xi }
                            }
                        }
                        let yi = ((n * g.outHeight + oh) * g.outWidth + ow) * g.channels + c
                        y[yi] = best
                        arg[yi] = Int32(bestIndex)
                    }
                }
            }
        }
        return (y, arg)
    }

    /// dx[argmax[k]] += dy[k]: only the kept maximum of each window receives gradient.
    public static func maxBackward(outputGradient dy: [Float], argmax: [Int32], inputCount: Int) -> [Float] {
        var dx = [Float](repeating: 0, count: inputCount)
        for k in dy.indices where argmax[k] >= 0 { dx[Int(argmax[k])] += dy[k] }
        return dx
    }

    /// Average pooling over the in-bounds cells of each window.
    public static func averageForward(input x: [Float], geometry g: ConvGeometry) -> [Float] {
        var y = [Float](repeating: 0, count: g.batch * g.outHeight * g.outWidth * g.channels)
        forEachWindow(g) { yi, cells in
            var sum: Float = 0
            for xi in cells { sum += x[xi] }
            y[yi] = cells.isEmpty ? 0 : sum / Float(cells.count)
        }
        return y
    }

    /// Each input cell of a window gets dy / (cells in that window).
    public static func averageBackward(outputGradient dy: [Float], geometry g: ConvGeometry) -> [Float] {
        var dx = [Float](repeating: 0, count: g.batch * g.height * g.width * g.channels)
        forEachWindow(g) { yi, cells in
            guard !cells.isEmpty else { return }
            let share = dy[yi] / Float(cells.count)
            for xi in cells { dx[xi] += share }
        }
        return dx
    }

    /// Calls `body(outputIndex, inputIndicesInsideWindow)` for every output cell.
    static func forEachWindow(_ g: ConvGeometry, _ body: (Int, [Int]) -> Void) {
        var cells: [Int] = []
        for n in 0..<g.batch {
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    for c in 0..<g.channels {
                        cells.removeAll(keepingCapacity: true)
                        for i in 0..<g.kernelHeight {
                            let ih = oh * g.strideHeight - g.padTop + i
                            guard ih >= 0 && ih < g.height else { continue }
                            for j in 0..<g.kernelWidth {
                                let iw = ow * g.strideWidth - g.padLeft + j
                                guard iw >= 0 && iw < g.width else { continue }
                                cells.append(((n * g.height + ih) * g.width + iw) * g.channels + c)
                            }
                        }
                        body(((n * g.outHeight + oh) * g.outWidth + ow) * g.channels + c, cells)
                    }
                }
            }
        }
    }
}
