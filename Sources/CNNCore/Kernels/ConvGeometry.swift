/// Padding modes of Conv2D and pooling, with Keras' meaning.
public enum Padding: String, Codable, CaseIterable, Sendable {
    /// No padding: out = ⌊(n − k) / s⌋ + 1.
    case valid
    /// Zero padding so that out = ⌈n / s⌉; of the total padding P = max((out − 1)·s + k − n, 0),
    /// ⌊P/2⌋ goes before (top/left) and the rest after (bottom/right), as TensorFlow does.
    case same

    /// Output length, padding before and padding after along one axis. Sizes so large that
    /// the arithmetic would overflow `Int` (a hostile model file) give an empty output, which
    /// every layer refuses as a window that does not fit.
    public func outputLength(input n: Int, window k: Int, stride s: Int) -> (out: Int, before: Int, after: Int) {
        guard n >= 0, k > 0, s > 0 else { return (0, 0, 0) }
        switch self {
        case .valid:
            return (n >= k ? (n - k) / s + 1 : 0, 0, 0)
        case .same:
            // out = ⌈n / s⌉ without forming n + s − 1, and (out − 1)·s + k − n checked.
            let out = n / s + (n % s == 0 ? 0 : 1)
            let (span, overflow) = max(out - 1, 0).multipliedReportingOverflow(by: s)
            let (reach, overflow2) = span.addingReportingOverflow(k)
            guard !overflow, !overflow2 else { return (0, 0, 0) }
            let total = max(reach - n, 0)
            return (out, total / 2, total - total / 2)
        }
    }
}

/// Where a sliding window (convolution kernel or pooling window) lands on an NHWC input.
///
/// Shapes: input (N, H, W, C), window (KH, KW), output (N, OH, OW, F) where F is the number of
/// filters for a convolution and C for pooling. Output cell (oh, ow) reads input rows
/// oh·SH − padTop + i for i in 0..<KH (and likewise columns); rows outside the input are padding.
public struct ConvGeometry: Equatable, Sendable {
    public var batch, height, width, channels: Int
    public var kernelHeight, kernelWidth: Int
    public var strideHeight, strideWidth: Int
    public var outHeight, outWidth: Int
    public var padTop, padLeft: Int
    public var padBottom, padRight: Int

    public init(batch: Int, height: Int, width: Int, channels: Int,
                kernel: (Int, Int), strides: (Int, Int), padding: Padding) {
        self.batch = batch; self.height = height; self.width = width; self.channels = channels
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = strides
        let rows = padding.outputLength(input: height, window: kernel.0, stride: strides.0)
        let cols = padding.outputLength(input: width, window: kernel.1, stride: strides.1)
        (outHeight, padTop, padBottom) = rows
        (outWidth, padLeft, padRight) = cols
    }

    /// The geometry for a per-sample shape (H, W, C) and batch size.
    public init(sample shape: [Int], batch: Int, kernel: (Int, Int), strides: (Int, Int), padding: Padding) {
        self.init(batch: batch, height: shape[0], width: shape[1], channels: shape[2],
                  kernel: kernel, strides: strides, padding: padding)
    }

    /// True when the output is empty, i.e. the window does not fit the input.
    public var isEmpty: Bool { outHeight <= 0 || outWidth <= 0 }
}
