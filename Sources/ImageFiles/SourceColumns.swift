/// One output row's source columns for the fast augmentation: per output column c, the
/// reference's clamped column cx, its floor x0, the next column x1 and the fraction fx.
///
/// Two columns at a time in SIMD2<Double>, with the reference's exact results:
/// - x = (rowX + a.3·c) + b.1, the reference's sum in its order;
/// - NaN → 0, then max(x, 0) and min(·, width − 1) as Swift's min and max decide them
///   (max(x, 0) is 0 when 0 ≥ x, min(m, L) is L when L < m);
/// - the floor of 0 ≤ cx < 2^51 without a conversion: cx + 2^52 rounds cx to the nearest integer
///   (exactly, as the spacing of doubles there is 1), one less when that is above cx; the
///   integer is then read from the bits of floor + 2^52. Double(Int(cx)) in the reference is the
///   same floor, so fx = cx − floor is the same subtraction.
struct SourceColumns {
    /// a.1·c and a.3·c for each output column c (after the flip); rows share them.
    let rowTerms: UnsafeMutablePointer<Double>, columnTerms: UnsafeMutablePointer<Double>
    let fx: UnsafeMutablePointer<Double>
    let x0: UnsafeMutablePointer<Int>, x1: UnsafeMutablePointer<Int>
    /// The width rounded up to even; the padding column has terms 0 and is never read.
    let count: Int

    /// Scratch for `width` columns on the stack, for the duration of `body`.
    static func withColumns(width: Int, _ body: (SourceColumns) -> Void) {
        let count = (width + 1) & ~1
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * count) { doubles in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * count) { ints in
                guard let d = doubles.baseAddress, let i = ints.baseAddress else { return }
                d.initialize(repeating: 0, count: 3 * count)
                i.initialize(repeating: 0, count: 2 * count)
                body(SourceColumns(rowTerms: d, columnTerms: d + count, fx: d + 2 * count, x0: i, x1: i + count, count: count))
            }
        }
    }

    /// Fills x0, x1 and fx for the output row whose a.2·r is `rowX`; `offset` is b.1.
    @inline(__always)
    func clampAndFloor(rowX: Double, offset: Double, lastColumn: Double) {
        let last = SIMD2(repeating: lastColumn), magic = SIMD2<Double>(repeating: 0x1p52)
        let magicBits = SIMD2<Int64>(repeating: Int64(bitPattern: (0x1p52 as Double).bitPattern))
        for c in stride(from: 0, to: count, by: 2) {
            let x = (rowX + SIMD2(columnTerms[c], columnTerms[c + 1])) + offset
            var cx = x.replacing(with: 0, where: x .!= x)
            cx.replace(with: 0, where: cx .<= 0)
            cx.replace(with: last, where: cx .> last)
            let nearest = (cx + magic) - magic
            let floor = nearest.replacing(with: nearest - 1, where: nearest .> cx)
            let next = (floor + 1).replacing(with: last, where: floor + 1 .> last)
            let fraction = cx - floor
            let i0 = unsafeBitCast(floor + magic, to: SIMD2<Int64>.self) &- magicBits
            let i1 = unsafeBitCast(next + magic, to: SIMD2<Int64>.self) &- magicBits
            fx[c] = fraction[0]; fx[c + 1] = fraction[1]
            x0[c] = Int(i0[0]); x0[c + 1] = Int(i0[1])
            x1[c] = Int(i1[0]); x1[c + 1] = Int(i1[1])
        }
    }
}
