/// An image with each pixel as four doubles (R, G, B, 0), for the fast augmentation, and
/// `AffineTransform.sampleBilinearNearestEdge` split into its row part and its column part.
struct WidenedImage {
    let pixels: UnsafeMutablePointer<SIMD4<Double>>
    let width: Int, height: Int

    /// Every byte as a Double: a table load instead of a conversion, three per pixel.
    private static let byteValues = (0...255).map(Double.init)

    /// Widens (H, W, 3) bytes to (H, W) SIMD4<Double>s for the duration of `body`: 128 KB at
    /// 64×64, on the stack when it fits (the stdlib checks, else the heap). A malloc of that size
    /// per image cost page faults in the release test runner (about four per image).
    static func withWidened(_ bytes: UnsafePointer<UInt8>, width: Int, height: Int, _ body: (WidenedImage) -> Void) {
        withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: width * height) { buffer in
            guard let pixels = buffer.baseAddress else { return }
            widen(bytes, count: width * height, into: pixels)
            body(WidenedImage(pixels: pixels, width: width, height: height))
        }
    }

    private static func widen(_ bytes: UnsafePointer<UInt8>, count: Int, into widened: UnsafeMutablePointer<SIMD4<Double>>) {
        byteValues.withUnsafeBufferPointer { value in
            for k in 0..<count {
                widened[k] = SIMD4(value[Int(bytes[3 &* k])], value[Int(bytes[3 &* k &+ 1])], value[Int(bytes[3 &* k &+ 2])], 0)
            }
        }
    }

    /// The two rows a source row coordinate y falls between, and its fraction fy.
    struct SourceRow {
        let upper: UnsafePointer<SIMD4<Double>>, lower: UnsafePointer<SIMD4<Double>>
        let fy: Double
    }

    /// The reference's clamp (NaN → 0), floor and fraction for the row coordinate.
    @inline(__always)
    func sourceRow(_ y: Double) -> SourceRow {
        let cy = y.isNaN ? 0 : min(max(y, 0), Double(height - 1))
        // Clamped to 0…height − 1, where truncation is the floor and cannot trap.
        let y0 = Int(cy)
        let y1 = min(y0 + 1, height - 1)
        return SourceRow(upper: pixels + y0 &* width, lower: pixels + y1 &* width, fy: cy - Double(y0))
    }

    /// The reference's bilinear sample at (row, column): the same weights and sum order.
    @inline(__always)
    func sample(_ row: SourceRow, _ x0: Int, _ x1: Int, _ fx: Double, scale: Float, into output: UnsafeMutablePointer<Float>) {
        // (w00, w01) and (w10, w11): the reference's four products, two per vector.
        let across = SIMD2<Double>(1 - fx, fx)
        let upper: SIMD2<Double> = (1 - row.fy) * across, lower: SIMD2<Double> = row.fy * across
        let p00: SIMD4<Double> = upper[0] * row.upper[x0], p01: SIMD4<Double> = upper[1] * row.upper[x1]
        let p10: SIMD4<Double> = lower[0] * row.lower[x0], p11: SIMD4<Double> = lower[1] * row.lower[x1]
        let f = SIMD4<Float>(p00 + p01 + p10 + p11) * scale
        output[0] = f[0]; output[1] = f[1]; output[2] = f[2]
    }
}
