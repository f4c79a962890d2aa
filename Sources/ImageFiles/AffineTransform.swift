import Foundation

/// Keras' `apply_affine_transform`, followed exactly.
///
/// The matrix is M = Rotation(θ) · Shift(tx, ty) · Shear(s) · Zoom(zx, zy), with
/// Rotation = [[cos θ, −sin θ], [sin θ, cos θ]], Shear = [[1, −sin s], [0, cos s]],
/// Zoom = diag(zx, zy). Keras centres it with `transform_matrix_offset_center(M, h, w)`
/// (o = size/2 − 0.5, the centre of the pixel grid), then swaps the two axes (M' = P M P) and
/// hands it to `scipy.ndimage.affine_transform`, which maps every OUTPUT index (row, col) to the
/// INPUT coordinate M'·(row, col) + offset and samples there with order 1 (bilinear) and
/// `mode='nearest'` (coordinates outside the image take the edge pixel).
///
/// After the swap M acts on (col, row): zx scales columns, tx (Keras' *height* shift) moves
/// along columns, and the centring uses h for the column axis. For the square images CNNViz
/// trains on these quirks are invisible; for non-square images we keep them, as Keras does.
struct AffineTransform {
    /// Input (row, col) = a · (row, col) + b for an output (row, col).
    let a: (Double, Double, Double, Double)
    let b: (Double, Double)

    /// nil when the parameters make no affine change (Keras then skips the transform).
    init?(_ p: Augmentation.Parameters, height: Int, width: Int) {
        typealias M = [[Double]]
        func mul(_ x: M, _ y: M) -> M {
            (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0) { $0 + x[i][$1] * y[$1][j] } } }
        }
        var m: M? = nil
        func then(_ next: M) { m = m.map { mul($0, next) } ?? next }
        if p.theta != 0 {
            let t = p.theta * .pi / 180
            then([[cos(t), -sin(t), 0], [sin(t), cos(t), 0], [0, 0, 1]])
        }
        if p.tx != 0 || p.ty != 0 { then([[1, 0, p.tx], [0, 1, p.ty], [0, 0, 1]]) }
        if p.shear != 0 {
            let s = p.shear * .pi / 180
            then([[1, -sin(s), 0], [0, cos(s), 0], [0, 0, 1]])
        }
        if p.zx != 1 || p.zy != 1 { then([[p.zx, 0, 0], [0, p.zy, 0], [0, 0, 1]]) }
        guard var matrix = m else { return nil }
        let ox = Double(height) / 2 - 0.5, oy = Double(width) / 2 - 0.5
        matrix = mul(mul([[1, 0, ox], [0, 1, oy], [0, 0, 1]], matrix), [[1, 0, -ox], [0, 1, -oy], [0, 0, 1]])
        // M' = P M P: swap columns 0 and 1, then rows 0 and 1.
        for i in 0..<3 { matrix[i].swapAt(0, 1) }
        matrix.swapAt(0, 1)
        a = (matrix[0][0], matrix[0][1], matrix[1][0], matrix[1][1])
        b = (matrix[0][2], matrix[1][2])
    }

    /// The input coordinate (y = row, x = column) that output pixel (row, column) samples.
    @inline(__always)
    func sourceCoordinate(row: Int, column: Int) -> (Double, Double) {
        let r = Double(row), c = Double(column)
        return (a.0 * r + a.1 * c + b.0, a.2 * r + a.3 * c + b.1)
    }

    /// Bilinear sample at (y, x) in pixel-index coordinates, edge pixels repeated outside
    /// (scipy order=1, mode='nearest'); writes 3 floats times `scale` at `o`.
    @inline(__always)
    static func sampleBilinearNearestEdge(_ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                                          y: Double, x: Double, scale: Float,
                                          into output: UnsafeMutableBufferPointer<Float>, at o: Int) {
        // Clamped to the image (scipy's mode='nearest'); NaN (parameters that were not finite)
        // becomes 0, so the Int conversions below can never trap, whatever a caller passed.
        let cy = y.isNaN ? 0 : min(max(y, 0), Double(height - 1)), cx = x.isNaN ? 0 : min(max(x, 0), Double(width - 1))
        // Both are at least 0 here, where truncation is the floor: no call to floor() per pixel
        // (a quarter of the augmentation's time).
        let y0 = Int(cy), x0 = Int(cx)
        let y1 = min(y0 + 1, height - 1), x1 = min(x0 + 1, width - 1)
        let fy = cy - Double(y0), fx = cx - Double(x0)
        let w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx
        let i00 = (y0 * width + x0) * 3, i01 = (y0 * width + x1) * 3
        let i10 = (y1 * width + x0) * 3, i11 = (y1 * width + x1) * 3
        for k in 0..<3 {
            let v = w00 * Double(pixels[i00 + k]) + w01 * Double(pixels[i01 + k])
                + w10 * Double(pixels[i10 + k]) + w11 * Double(pixels[i11 + k])
            output[o + k] = Float(v) * scale
        }
    }
}
