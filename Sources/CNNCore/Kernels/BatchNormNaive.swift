/// Batch normalisation's arithmetic, per channel (the last axis), as plain loops: the kernels of
/// `BatchNormalization` and the naive twin of the fast plan's `BatchNormFast`.
///
/// x holds M = count / C rows of C channels. Sums are in Double: a channel of a batch of images
/// holds tens of thousands of values. Every loop runs over the rows in order, so a channel's sums
/// are added in the same order however the channels are grouped.
public enum BatchNormNaive {
    /// μ = Σx / M and the biased σ² = Σ(x − μ)² / M of every channel (μ kept in Double for σ²).
    public static func statistics(_ x: [Float], channels: Int) -> (mean: [Float], variance: [Float]) {
        let rows = x.count / max(channels, 1)
        var sum = [Double](repeating: 0, count: channels), squares = [Double](repeating: 0, count: channels)
        for i in x.indices { sum[i % channels] += Double(x[i]) }
        for i in x.indices {
            let d = Double(x[i]) - sum[i % channels] / Double(rows)
            squares[i % channels] += d * d
        }
        return (sum.map { Float($0 / Double(rows)) }, squares.map { Float($0 / Double(rows)) })
    }

    /// x̂ = (x − μ) · inverseStd and y = γ·x̂ + β, per channel (γ = 1 and β = 0 when absent).
    public static func normalize(_ x: [Float], mean: [Float], inverseStd: [Float], gamma: [Float]?,
                                 beta: [Float]?) -> (normalized: [Float], output: [Float]) {
        let channels = mean.count
        var normalized = x, y = x
        for i in x.indices {
            let c = i % channels
            normalized[i] = (x[i] - mean[c]) * inverseStd[c]
            y[i] = normalized[i] * (gamma?[c] ?? 1) + (beta?[c] ?? 0)
        }
        return (normalized, y)
    }

    /// Σdy and Σdy·x̂ per channel (the gradients of β and γ), and dx:
    ///
    ///     batch statistics:  dx = γ/(M·√(σ² + ε)) · (M·dy − Σdy − x̂·Σ(dy·x̂))
    ///     moving statistics: dx = γ/√(σ² + ε) · dy
    /// dx is empty when `inputGradient` is false.
    public static func backward(outputGradient dy: [Float], normalized xhat: [Float], inverseStd: [Float], gamma: [Float]?,
                                batchStatistics: Bool, inputGradient: Bool) -> (dx: [Float], sumDy: [Double], sumDyX: [Double]) {
        let channels = inverseStd.count
        let rows = Double(dy.count / max(channels, 1))
        var sumDy = [Double](repeating: 0, count: channels), sumDyX = [Double](repeating: 0, count: channels)
        for i in dy.indices {
            sumDy[i % channels] += Double(dy[i])
            sumDyX[i % channels] += Double(dy[i]) * Double(xhat[i])
        }
        guard inputGradient else { return ([], sumDy, sumDyX) }
        var dx = dy
        for i in dy.indices {
            let c = i % channels
            let factor = (gamma?[c] ?? 1) * inverseStd[c]
            dx[i] = batchStatistics ? factor * Float((rows * Double(dy[i]) - sumDy[c] - Double(xhat[i]) * sumDyX[c]) / rows)
                                    : factor * dy[i]
        }
        return (dx, sumDy, sumDyX)
    }
}
