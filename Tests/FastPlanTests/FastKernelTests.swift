import XCTest
@testable import CNNCore
@testable import FastPlan

/// Every fast kernel against its naive twin on odd shapes: 1×1 images, one filter, batch 1,
/// non-square inputs, strides 2 and 3, `same` padding, kernel sizes 1, 2, 3 and 5, channel and
/// filter counts that are not multiples of the SIMD width or of the 16-column tile.
final class FastKernelTests: XCTestCase {
    /// The fast kernels add the same products in another order (tiles, blocks, one partial sum
    /// per core). Float32 has a 6e-8 relative rounding step; sums of up to a few hundred terms of
    /// size ≤ 1 stay within about 1e-5 of each other, so 1e-4 of (1 + |value|) leaves a margin
    /// without hiding a wrong index (which changes values by order 0.1 to 1).
    static let tolerance: Float = 1e-4

    func assertClose(_ fast: [Float], _ naive: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(fast.count, naive.count, "\(what): count", file: file, line: line)
        guard fast.count == naive.count else { return }
        var worst: Float = 0, at = -1
        for i in fast.indices {
            let err = abs(fast[i] - naive[i]) / (1 + abs(naive[i]))
            if !(err <= worst) { worst = err; at = i }  // also catches NaN
        }
        XCTAssert(worst <= Self.tolerance, "\(what): worst relative error \(worst) at \(at) (fast \(at >= 0 ? fast[at] : 0), naive \(at >= 0 ? naive[at] : 0))", file: file, line: line)
    }

    struct ConvCase {
        var n, h, w, c, kh, kw, f, sh, sw: Int
        var padding: Padding
    }

    static let convCases: [ConvCase] = [
        ConvCase(n: 1, h: 1, w: 1, c: 1, kh: 1, kw: 1, f: 1, sh: 1, sw: 1, padding: .valid),
        ConvCase(n: 1, h: 1, w: 1, c: 3, kh: 3, kw: 3, f: 5, sh: 1, sw: 1, padding: .same),
        ConvCase(n: 2, h: 5, w: 7, c: 3, kh: 3, kw: 3, f: 1, sh: 1, sw: 1, padding: .same),
        ConvCase(n: 3, h: 9, w: 6, c: 5, kh: 2, kw: 2, f: 17, sh: 2, sw: 2, padding: .valid),
        ConvCase(n: 1, h: 11, w: 8, c: 2, kh: 5, kw: 5, f: 9, sh: 3, sw: 3, padding: .same),
        ConvCase(n: 2, h: 7, w: 5, c: 4, kh: 3, kw: 2, f: 16, sh: 2, sw: 3, padding: .same),
        ConvCase(n: 1, h: 6, w: 6, c: 3, kh: 1, kw: 1, f: 33, sh: 1, sw: 1, padding: .valid),
        ConvCase(n: 2, h: 10, w: 9, c: 1, kh: 5, kw: 3, f: 7, sh: 3, sw: 2, padding: .valid),
        ConvCase(n: 5, h: 8, w: 13, c: 9, kh: 3, kw: 3, f: 32, sh: 1, sw: 1, padding: .valid),
        // 32 filters (the 3 × 32 tile) with a column stride: patch values 2·C apart.
        ConvCase(n: 2, h: 7, w: 9, c: 2, kh: 3, kw: 2, f: 32, sh: 1, sw: 2, padding: .same),
    ]

    func testConvolutionFastMatchesNaive() {
        var rng = SeededRNG(seed: 7)
        for t in Self.convCases {
            let g = ConvGeometry(batch: t.n, height: t.h, width: t.w, channels: t.c,
                                 kernel: (t.kh, t.kw), strides: (t.sh, t.sw), padding: t.padding)
            let name = "conv \(t)"
            let x = random(t.n * t.h * t.w * t.c, &rng)
            let k = random(t.kh * t.kw * t.c * t.f, &rng)
            let b = random(t.f, &rng)
            let naiveY = ConvNaive.forward(input: x, kernel: k, bias: b, geometry: g, filters: t.f)
            assertClose(ConvFast.forward(input: x, kernel: k, bias: b, geometry: g, filters: t.f), naiveY, "\(name) forward")
            assertClose(ConvFast.forward(input: x, kernel: k, bias: nil, geometry: g, filters: t.f),
                        ConvNaive.forward(input: x, kernel: k, bias: nil, geometry: g, filters: t.f), "\(name) forward without bias")

            let dy = random(naiveY.count, &rng)
            // Start from non-zero gradients: both kernels must add (+=), not overwrite.
            let dk0 = random(k.count, &rng), db0 = random(t.f, &rng)
            var dkNaive = dk0, dbNaive = db0, dkFast = dk0, dbFast = db0
            let dxNaive = ConvNaive.backward(input: x, kernel: k, outputGradient: dy, geometry: g, filters: t.f,
                                             kernelGradient: &dkNaive, biasGradient: &dbNaive, inputGradient: true)
            let dxFast = ConvFast.backward(input: x, kernel: k, outputGradient: dy, geometry: g, filters: t.f,
                                           kernelGradient: &dkFast, biasGradient: &dbFast, inputGradient: true)
            assertClose(dkFast, dkNaive, "\(name) kernel gradient")
            assertClose(dbFast, dbNaive, "\(name) bias gradient")
            assertClose(dxFast, dxNaive, "\(name) input gradient")

            var dkSkip = dk0, noBias: [Float] = []
            let skipped = ConvFast.backward(input: x, kernel: k, outputGradient: dy, geometry: g, filters: t.f,
                                            kernelGradient: &dkSkip, biasGradient: &noBias, inputGradient: false)
            XCTAssertEqual(skipped, [], "\(name): no input gradient when not asked for")
            assertClose(dkSkip, dkNaive, "\(name) kernel gradient without input gradient")
        }
    }

    func testDenseFastMatchesNaive() {
        var rng = SeededRNG(seed: 11)
        // (batch, inputs, outputs): batch 1, one input, one output, sizes off the 4-row and
        // 16-column tiles, more inputs than one cache block (DenseFast.kBlock), and one or two
        // images with many inputs (DenseFast.forwardFewRows).
        // Whole 32-column pairs take DenseFast.forwardPairs: (9, 3001, 96) splits 3 pairs over two
        // cores in 12 blocks of I; (7, 600, 64) leaves one row after two groups of three.
        let cases = [(1, 1, 1), (1, 13, 17), (5, 37, 1), (7, 300, 33), (32, 70, 128), (3, 600, 20), (6, 5, 16),
                     (9, 3001, 96), (7, 600, 64), (3, 40, 32),
                     (1, 5000, 64), (2, 9001, 128)]  // the last two take the one-or-two-image path
        for (batch, inputs, outputs) in cases {
            let name = "dense \(batch)×\(inputs)→\(outputs)"
            let x = random(batch * inputs, &rng), w = random(inputs * outputs, &rng), b = random(outputs, &rng)
            assertClose(DenseFast.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs),
                        DenseNaive.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs),
                        "\(name) forward")
            assertClose(DenseFast.forward(input: x, kernel: w, bias: nil, batch: batch, inputs: inputs, outputs: outputs),
                        DenseNaive.forward(input: x, kernel: w, bias: nil, batch: batch, inputs: inputs, outputs: outputs),
                        "\(name) forward without bias")
            let dy = random(batch * outputs, &rng)
            let dw0 = random(w.count, &rng), db0 = random(outputs, &rng)
            var dwNaive = dw0, dbNaive = db0, dwFast = dw0, dbFast = db0
            let dxNaive = DenseNaive.backward(input: x, kernel: w, outputGradient: dy, batch: batch, inputs: inputs, outputs: outputs,
                                              kernelGradient: &dwNaive, biasGradient: &dbNaive, inputGradient: true)
            let dxFast = DenseFast.backward(input: x, kernel: w, outputGradient: dy, batch: batch, inputs: inputs, outputs: outputs,
                                            kernelGradient: &dwFast, biasGradient: &dbFast, inputGradient: true)
            assertClose(dwFast, dwNaive, "\(name) kernel gradient")
            assertClose(dbFast, dbNaive, "\(name) bias gradient")
            assertClose(dxFast, dxNaive, "\(name) input gradient")
            var dwSkip = dw0, noBias: [Float] = []
            XCTAssertEqual(DenseFast.backward(input: x, kernel: w, outputGradient: dy, batch: batch, inputs: inputs, outputs: outputs,
                                              kernelGradient: &dwSkip, biasGradient: &noBias, inputGradient: false), [])
            assertClose(dwSkip, dwNaive, "\(name) kernel gradient without input gradient")
        }
    }

    /// The tile itself on odd M, N, K, with strided A rows, a segmented K, strided C and accumulation.
    /// One or two images skip the rows of W whose input is 0 (`forwardFewRows`): with a third of
    /// the inputs exactly 0 (as after ReLU and max pooling), and zeros in different places for
    /// the two images, the result matches the naive product, which multiplies every row.
    func testDenseFewRowsWithZeroInputsMatchesNaive() {
        var rng = SeededRNG(seed: 17)
        for batch in [1, 2] {
            let (inputs, outputs) = (6000, 128)
            var x = random(batch * inputs, &rng)
            for i in x.indices where rng.uniform(0, 1) < 0.35 { x[i] = 0 }
            let w = random(inputs * outputs, &rng), b = random(outputs, &rng)
            XCTAssertGreaterThan(x.filter { $0 == 0 }.count, batch * inputs / 4)
            assertClose(DenseFast.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs),
                        DenseNaive.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs),
                        "batch \(batch) with zero inputs")
        }
    }

    func testGemmTileMatchesTripleLoop() {
        var rng = SeededRNG(seed: 3)
        for (m, n, segments, segmentLength) in [(1, 1, 1, 1), (7, 19, 1, 13), (5, 16, 3, 4), (4, 3, 2, 1), (9, 33, 1, 29)] {
            let k = segments * segmentLength
            let kStride = 2, segmentStride = segmentLength * kStride + 3, rowStride = segments * segmentStride + 1
            let a = random(m * rowStride, &rng)
            func aValue(_ r: Int, _ kk: Int) -> Float {
                a[r * rowStride + (kk / segmentLength) * segmentStride + (kk % segmentLength) * kStride]
            }
            let np = Gemm.paddedColumns(n)
            var b = random(k * np, &rng)
            for kk in 0..<k { for j in n..<np { b[kk * np + j] = 0 } }
            let c0 = random(m * n, &rng)
            // C stored transposed (column stride m) to exercise the scalar store path too.
            for transposed in [false, true] {
                for accumulate in [false, true] {
                    var c = [Float](repeating: 0, count: m * n)
                    for r in 0..<m { for j in 0..<n { c[transposed ? j * m + r : r * n + j] = c0[r * n + j] } }
                    let offsets = (0..<m).map { $0 * rowStride }
                    a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                        for r0 in stride(from: 0, to: m, by: Gemm.tileRows) {
                            for j0 in stride(from: 0, to: n, by: Gemm.tileColumns) {
                                Gemm.tile(rows: min(Gemm.tileRows, m - r0), a: ap.baseAddress!, rowOffsets: Array(offsets[r0...]), kStride: kStride,
                                          segments: segments, segmentLength: segmentLength, segmentStride: segmentStride,
                                          b: bp.baseAddress! + j0, bStride: np,
                                          c: cp.baseAddress! + (transposed ? j0 * m + r0 : r0 * n + j0),
                                          cRowStride: transposed ? 1 : n, cColStride: transposed ? m : 1,
                                          cols: min(Gemm.tileColumns, n - j0), accumulate: accumulate)
                            }
                        }
                    }}}
                    var expected = [Float](repeating: 0, count: m * n)
                    for r in 0..<m {
                        for j in 0..<n {
                            var sum: Float = accumulate ? c0[r * n + j] : 0
                            for kk in 0..<k { sum += aValue(r, kk) * b[kk * np + j] }
                            expected[transposed ? j * m + r : r * n + j] = sum
                        }
                    }
                    assertClose(c, expected, "tile \(m)×\(n)×\(k) transposed \(transposed) accumulate \(accumulate)")
                }
            }
        }
    }
}
