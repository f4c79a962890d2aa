/// The augmentation's fast path: the same bits as `Augmentation.applyReference`, cheaper.
///
/// Shapes: pixels (H, W, 3) bytes in, output (H, W, 3) floats out. Reference: Keras'
/// `apply_affine_transform` → scipy `affine_transform(order=1, mode='nearest')`, then the flip.
///
/// Every floating-point operation of the reference is kept, in its order, and nothing is fused:
/// only work whose inputs are the same bits is shared, so its results are the same bits.
/// - The source row is (a.0·r + a.1·c) + b.0: a.0·r is taken once per row and a.1·c once per
///   column, in a table all rows share. Without rotation a.1 is ±0, so a.1·c is the same bits in
///   every column, the source row is one number per output row, and its clamp, floor and
///   weights are taken once per row instead of once per pixel.
/// - Each pixel is widened once to four floats (bytes are exact in Float, Float → Double is
///   exact), so a tap is one aligned load; the three channels of a tap are one SIMD4<Double>,
///   which does per lane exactly the reference's scalar arithmetic.
/// - Indices are clamped into the image before use, so reads go through raw pointers.
extension Augmentation {
    /// Applies a draw to 8-bit RGB pixels and writes H·W·3 floats (0…255 before `scale`, times
    /// `scale`) into `output`; bit for bit what `applyReference` writes.
    public static func apply(_ p: Parameters, pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                             scale: Float, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(pixels.count >= width * height * 3 && output.count >= width * height * 3)
        guard width > 0, height > 0, let source = pixels.baseAddress, let target = output.baseAddress else { return }
        guard let affine = AffineTransform(p, height: height, width: width) else {
            copyFlipped(source, width: width, height: height, flip: p.flipHorizontal, scale: scale, into: target)
            return
        }
        let image = WidenedImage(source, width: width, height: height)
        defer { image.pixels.deallocate() }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * width) { columnTerms in
            guard let terms = columnTerms.baseAddress else { return }
            // The flip comes after the affine transform in Keras: output column c samples where
            // the transformed image's column width − 1 − c does.
            for c in 0..<width {
                let sourceColumn = Double(p.flipHorizontal ? width - 1 - c : c)
                terms[2 * c] = affine.a.1 * sourceColumn
                terms[2 * c + 1] = affine.a.3 * sourceColumn
            }
            let rowTermIsShared = (0..<width).allSatisfy { terms[2 * $0].bitPattern == terms[0].bitPattern }
            for r in 0..<height {
                let row = Double(r)
                let rowY = affine.a.0 * row, rowX = affine.a.2 * row
                let rowTarget = target + r &* width &* 3
                if rowTermIsShared {
                    let sourceRow = image.sourceRow(rowY + terms[0] + affine.b.0)
                    for c in 0..<width {
                        let x = rowX + terms[2 &* c &+ 1] + affine.b.1
                        image.sample(sourceRow, x: x, scale: scale, into: rowTarget + c &* 3)
                    }
                } else {
                    for c in 0..<width {
                        let y = rowY + terms[2 &* c] + affine.b.0, x = rowX + terms[2 &* c &+ 1] + affine.b.1
                        image.sample(image.sourceRow(y), x: x, scale: scale, into: rowTarget + c &* 3)
                    }
                }
            }
        }
    }

    /// The identity draw (Keras skips the affine transform): a copy, mirrored when flipped.
    private static func copyFlipped(_ pixels: UnsafePointer<UInt8>, width: Int, height: Int, flip: Bool,
                                    scale: Float, into output: UnsafeMutablePointer<Float>) {
        for r in 0..<height {
            for c in 0..<width {
                let o = (r * width + c) * 3, i = (r * width + (flip ? width - 1 - c : c)) * 3
                output[o] = Float(pixels[i]) * scale
                output[o + 1] = Float(pixels[i + 1]) * scale
                output[o + 2] = Float(pixels[i + 2]) * scale
            }
        }
    }
}

/// An image with each pixel as four floats (R, G, B, 0), and
/// `AffineTransform.sampleBilinearNearestEdge` split into its row part and its column part.
private struct WidenedImage {
    let pixels: UnsafeMutablePointer<SIMD4<Double>>
    let width: Int, height: Int

    /// Allocates; the caller deallocates `pixels`.
    init(_ bytes: UnsafePointer<UInt8>, width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = .allocate(capacity: width * height)
        for k in 0..<(width * height) {
            pixels[k] = SIMD4(Double(bytes[3 &* k]), Double(bytes[3 &* k &+ 1]), Double(bytes[3 &* k &+ 2]), 0)
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

    /// The reference's bilinear sample at (row, x): the same clamp, weights and sum order.
    @inline(__always)
    func sample(_ row: SourceRow, x: Double, scale: Float, into output: UnsafeMutablePointer<Float>) {
        let cx = x.isNaN ? 0 : min(max(x, 0), Double(width - 1))
        let x0 = Int(cx)
        let x1 = min(x0 + 1, width - 1)
        let fy = row.fy, fx = cx - Double(x0)
        let w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx
        let v = w00 * row.upper[x0] + w01 * row.upper[x1]
            + w10 * row.lower[x0] + w11 * row.lower[x1]
        let f = SIMD4<Float>(v) * scale
        output[0] = f[0]; output[1] = f[1]; output[2] = f[2]
    }
}
