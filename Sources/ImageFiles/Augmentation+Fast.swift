/// The augmentation's fast path: the same bits as `Augmentation.applyReference`, cheaper.
///
/// Shapes: pixels (H, W, 3) bytes in, output (H, W, 3) floats out. Reference: Keras'
/// `apply_affine_transform` → scipy `affine_transform(order=1, mode='nearest')`, then the flip.
///
/// Every floating-point operation of the reference is kept, in its order, and nothing is fused:
/// only work whose inputs are the same bits is shared, so its results are the same bits.
/// - The source coordinate is (a.0·r + a.1·c) + b.0 (and likewise x): a.0·r is taken once per
///   row and a.1·c once per column, in a table all rows share.
/// - Without rotation a.1 is ±0, so a.1·c is the same bits in every column, the source row is
///   one number per output row, and its clamp, floor and fraction are taken once per row.
/// - The source columns of a row are clamped and floored two at a time (`SourceColumns`).
/// - Each pixel is widened once to four doubles (R, G, B, 0), so a tap is one aligned load and
///   the three channels of a tap are one SIMD4<Double>, which does per lane exactly the
///   reference's scalar arithmetic.
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
        WidenedImage.withWidened(source, width: width, height: height) { image in
            SourceColumns.withColumns(width: width) { columns in
                // The flip comes after the affine transform in Keras: output column c samples where
                // the transformed image's column width − 1 − c does.
                for c in 0..<width {
                    let sourceColumn = Double(p.flipHorizontal ? width - 1 - c : c)
                    columns.rowTerms[c] = affine.a.1 * sourceColumn
                    columns.columnTerms[c] = affine.a.3 * sourceColumn
                }
                let rowTermIsShared = (0..<width).allSatisfy { columns.rowTerms[$0].bitPattern == columns.rowTerms[0].bitPattern }
                for r in 0..<height {
                    let row = Double(r)
                    let rowY = affine.a.0 * row
                    let rowTarget = target + r &* width &* 3
                    columns.clampAndFloor(rowX: affine.a.2 * row, offset: affine.b.1, lastColumn: Double(width - 1))
                    if rowTermIsShared {
                        let sourceRow = image.sourceRow(rowY + columns.rowTerms[0] + affine.b.0)
                        for c in 0..<width {
                            image.sample(sourceRow, columns.x0[c], columns.x1[c], columns.fx[c], scale: scale, into: rowTarget + c &* 3)
                        }
                    } else {
                        for c in 0..<width {
                            let sourceRow = image.sourceRow(rowY + columns.rowTerms[c] + affine.b.0)
                            image.sample(sourceRow, columns.x0[c], columns.x1[c], columns.fx[c], scale: scale, into: rowTarget + c &* 3)
                        }
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
