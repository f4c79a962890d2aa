import CNNCore

/// Batch normalisation's arithmetic without bounds checks or a division per element: row by
/// row, the channels innermost, so each channel's sums are added in the same order as
/// `BatchNormNaive` and every value comes out the same, bit for bit (FastPlanTests).
public enum BatchNormFast {
    /// See `BatchNormNaive.statistics`.
    public static func statistics(_ x: [Float], channels: Int) -> (mean: [Float], variance: [Float]) {
        let rows = x.count / max(channels, 1)
        var sum = [Double](repeating: 0, count: channels), squares = [Double](repeating: 0, count: channels)
        x.withUnsafeBufferPointer { x in
            sum.withUnsafeMutableBufferPointer { sum in
                squares.withUnsafeMutableBufferPointer { squares in
                    for row in 0..<rows {
                        let base = row * channels
                        for c in 0..<channels { sum[c] += Double(x[base + c]) }
                    }
                    for row in 0..<rows {
                        let base = row * channels
                        for c in 0..<channels {
                            let d = Double(x[base + c]) - sum[c] / Double(rows)
                            squares[c] += d * d
                        }
                    }
                }
            }
        }
        return (sum.map { Float($0 / Double(rows)) }, squares.map { Float($0 / Double(rows)) })
    }

    /// See `BatchNormNaive.normalize`.
    public static func normalize(_ x: [Float], mean: [Float], inverseStd: [Float], gamma: [Float]?,
                                 beta: [Float]?) -> (normalized: [Float], output: [Float]) {
        let channels = mean.count
        let scale = gamma ?? [Float](repeating: 1, count: channels), shift = beta ?? [Float](repeating: 0, count: channels)
        var normalized = [Float](repeating: 0, count: x.count), y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { x in
            normalized.withUnsafeMutableBufferPointer { n in
                y.withUnsafeMutableBufferPointer { y in
                    for row in 0..<(x.count / max(channels, 1)) {
                        let base = row * channels
                        for c in 0..<channels {
                            let v = (x[base + c] - mean[c]) * inverseStd[c]
                            n[base + c] = v
                            y[base + c] = v * scale[c] + shift[c]
                        }
                    }
                }
            }
        }
        return (normalized, y)
    }

    /// See `BatchNormNaive.backward`.
    public static func backward(outputGradient dy: [Float], normalized xhat: [Float], inverseStd: [Float], gamma: [Float]?,
                                batchStatistics: Bool, inputGradient: Bool) -> (dx: [Float], sumDy: [Double], sumDyX: [Double]) {
        let channels = inverseStd.count
        let rows = dy.count / max(channels, 1)
        let m = Double(rows)
        var sumDy = [Double](repeating: 0, count: channels), sumDyX = [Double](repeating: 0, count: channels)
        var dx = [Float](repeating: 0, count: inputGradient ? dy.count : 0)
        let factor = (0..<channels).map { (gamma?[$0] ?? 1) * inverseStd[$0] }
        dy.withUnsafeBufferPointer { dy in
            xhat.withUnsafeBufferPointer { xhat in
                for row in 0..<rows {
                    let base = row * channels
                    for c in 0..<channels {
                        sumDy[c] += Double(dy[base + c])
                        sumDyX[c] += Double(dy[base + c]) * Double(xhat[base + c])
                    }
                }
                guard inputGradient else { return }
                dx.withUnsafeMutableBufferPointer { dx in
                    for row in 0..<rows {
                        let base = row * channels
                        for c in 0..<channels {
                            let i = base + c
                            dx[i] = batchStatistics ? factor[c] * Float((m * Double(dy[i]) - sumDy[c] - Double(xhat[i]) * sumDyX[c]) / m)
                                                    : factor[c] * dy[i]
                        }
                    }
                }
            }
        }
        return (dx, sumDy, sumDyX)
    }
}
