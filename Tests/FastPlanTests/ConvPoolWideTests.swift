import XCTest
@testable import CNNCore
@testable import FastPlan

/// The 16-wide fused conv-ReLU-pool tiles (`ConvPoolWide`) against the 8-wide path: the same
/// bits, the same argmax. Both widths run on any CPU (a SIMD16 is two AVX2 registers, or four
/// SSE ones in the debug build), so this runs everywhere, whatever `TileWidth.preferred` is.
final class ConvPoolWideTests: XCTestCase {
    typealias Case = ConvPoolFusedTests.Case

    /// Shapes the wide path takes: 32 filters, 2×2 pools; RGB and grey at stride 1; 1, 2 and 3
    /// windows left at a row's end (PW = 31, 5, 4); same padding; a vertical conv stride of 2
    /// (the tile's two conv rows are two input rows apart).
    static let cases: [Case] = [
        Case(n: 2, h: 64, w: 64, c: 3, f: 32, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid, pool: (2, 2)),
        Case(n: 1, h: 9, w: 12, c: 3, f: 32, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid, pool: (2, 2)),
        Case(n: 3, h: 8, w: 10, c: 1, f: 32, kh: 3, kw: 3, sh: 1, sw: 1, padding: .same, pool: (2, 2)),
        Case(n: 1, h: 13, w: 9, c: 3, f: 32, kh: 2, kw: 3, sh: 2, sw: 1, padding: .same, pool: (2, 2)),
        Case(n: 2, h: 7, w: 6, c: 1, f: 32, kh: 1, kw: 1, sh: 1, sw: 1, padding: .valid, pool: (2, 2)),
    ]

    func testTheCasesTakeTheWidePath() {
        for t in Self.cases { XCTAssert(ConvPoolWide.applies(t.geometry, filters: t.f, pool: t.pool), "\(t)") }
        let other = Case(n: 1, h: 8, w: 8, c: 2, f: 32, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid, pool: (2, 2))
        XCTAssertFalse(ConvPoolWide.applies(other.geometry, filters: 32, pool: (2, 2)), "a pixel step of 2 has no wide tile")
        XCTAssertFalse(ConvPoolWide.applies(Self.cases[0].geometry, filters: 16, pool: (2, 2)))
        XCTAssertFalse(ConvPoolWide.applies(Self.cases[0].geometry, filters: 32, pool: (3, 3)))
    }

    /// Pooled values and argmax bit for bit those of the 8-wide tiles, with and without bias,
    /// with ReLU ties and a NaN; without the argmax the maxima are the same.
    func testWideTilesGiveTheNarrowTilesBits() {
        var rng = SeededRNG(seed: 77)
        for t in Self.cases {
            // Bands of zero rows and negative biases: many ReLU zeros, so ties decide the argmax.
            var x = random(t.n * t.h * t.w * t.c, &rng)
            for i in x.indices where (i / (t.w * t.c)) % 6 >= 3 { x[i] = 0 }
            let k = random(t.kh * t.kw * t.c * t.f, &rng)
            let b = (0..<t.f).map { i -> Float in i % 3 == 0 ? -0.3 : i % 3 == 1 ? -3 : rng.uniform(-1, 1) }
            for (bias, nan) in [(b, false), (nil, false), (b, true)] as [([Float]?, Bool)] {
                if nan { x[x.count / 3] = .nan }
                let what = "\(t) bias \(bias != nil) NaN \(nan)"
                let narrow = ConvPoolFast.forward(input: x, kernel: k, bias: bias, geometry: t.geometry, filters: t.f,
                                                  pool: t.pool, width: .narrow)
                let wide = ConvPoolFast.forward(input: x, kernel: k, bias: bias, geometry: t.geometry, filters: t.f,
                                                pool: t.pool, width: .wide)
                assertBitEqual(wide.output, narrow.output, "pooled \(what)")
                XCTAssert(wide.argmax == narrow.argmax, "argmax \(what)")
                for width in TileWidth.allCases {
                    let maxima = ConvPoolFast.forward(input: x, kernel: k, bias: bias, geometry: t.geometry, filters: t.f,
                                                      pool: t.pool, keepArgmax: false, width: width)
                    assertBitEqual(maxima.output, narrow.output, "maxima only, \(width), \(what)")
                    XCTAssert(maxima.argmax.isEmpty, "no argmax asked for")
                }
            }
        }
    }

    /// The kernel and bias gradients of the wide backward tiles: bit for bit the 8-wide ones,
    /// added into gradients that are not zero.
    func testWideKernelGradientGivesTheNarrowBits() {
        var rng = SeededRNG(seed: 78)
        for t in Self.cases {
            XCTAssert(ConvPoolWide.appliesToKernelGradient(t.geometry, filters: t.f, pool: t.pool) == (t.kw * t.c == 9 || t.kw * t.c == 3), "\(t)")
            let x = random(t.n * t.h * t.w * t.c, &rng)
            let k = random(t.kh * t.kw * t.c * t.f, &rng), b = random(t.f, &rng)
            let forward = ConvPoolFast.forward(input: x, kernel: k, bias: b, geometry: t.geometry, filters: t.f, pool: t.pool)
            let dPooled = random(forward.output.count, &rng)
            let start = (random(k.count, &rng), random(t.f, &rng))
            var gradients: [TileWidth: ([Float], [Float])] = [:]
            for width in TileWidth.allCases {
                var (dk, db) = start
                ConvPoolFast.backward(input: x, outputGradient: dPooled, argmax: forward.argmax, output: forward.output,
                                      geometry: t.geometry, filters: t.f, pool: t.pool,
                                      kernelGradient: &dk, biasGradient: &db, width: width)
                gradients[width] = (dk, db)
            }
            assertBitEqual(gradients[.wide]!.0, gradients[.narrow]!.0, "dK \(t)")
            assertBitEqual(gradients[.wide]!.1, gradients[.narrow]!.1, "db \(t)")
            XCTAssertNotEqual(gradients[.wide]!.0, start.0, "the gradient was added")
        }
    }

    /// The stage after an inference forward (no argmax kept) gives the gradients of a training
    /// forward: it finds the argmax again.
    func testBackwardAfterAnInferenceForward() throws {
        func gradients(training: Bool) throws -> [[Float]] {
            let conv = Conv2D(filters: 32, kernelSize: (3, 3), activation: .relu)
            let pool = Pooling2D(.max)
            _ = try Sequential(inputShape: [10, 12, 3], layers: [conv, pool], seed: 4)
            let stage = try ConvReLUMaxPoolStage(conv: conv, pool: pool, backend: .fast)
            var rng = SeededRNG(seed: 5)
            let x = Tensor(shape: [2, 10, 12, 3], data: random(2 * 10 * 12 * 3, &rng))
            let y = try stage.forward(x, training: training)
            for p in [conv.kernel, conv.bias].compactMap({ $0 }) { p.zeroGradient() }
            _ = try stage.backward(Tensor(shape: y.shape, data: random(y.count, &rng)), BackwardPass())
            return [conv.kernel!.gradient.data, conv.bias!.gradient.data]
        }
        let inference = try gradients(training: false), training = try gradients(training: true)
        for (a, b) in zip(inference, training) { assertBitEqual(a, b, "gradient") }
    }
}
