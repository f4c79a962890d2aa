import XCTest
@testable import CNNCore
@testable import FastPlan

/// The fused Conv2D + ReLU + max pooling kernel (`ConvPoolFast`) against the unfused fast
/// kernels it replaces, its naive twin, and a model trained through the plan's fused stage
/// against the reference model (plain layers) and the naive kernels.
final class ConvPoolFusedTests: XCTestCase {
    /// The fused backward adds the same products per conv row as `ConvFast.backward`, but splits
    /// the rows between the cores' partial sums differently (and the naive twin sums in yet
    /// another order): sums of a few hundred Float32 terms of size ≤ 1 agree to ~1e-5, so 1e-4 of
    /// (1 + |value|) leaves a margin without hiding a wrong index (an error of order 0.1 to 1).
    static let reorderedSum: Float = 1e-4
    /// A few Adam steps from the same start amplify those roundings a little (Adam divides by
    /// √v, so a tiny gradient can move a weight by up to the learning rate): 1e-3 of (1 + |w|).
    static let afterTraining: Float = 1e-3

    struct Case: CustomStringConvertible {
        var n, h, w, c, f, kh, kw, sh, sw: Int
        var padding: Padding
        var pool: (Int, Int)
        var description: String {
            "\(n)×\(h)×\(w)×\(c) → \(f) filters \(kh)×\(kw) strides (\(sh),\(sw)) \(padding), pool \(pool.0)×\(pool.1)"
        }
        var geometry: ConvGeometry {
            ConvGeometry(batch: n, height: h, width: w, channels: c, kernel: (kh, kw), strides: (sh, sw), padding: padding)
        }
    }

    /// Odd shapes: batch 1, one filter, 5 and 17 filters (tails past 8 and 16), non-square 7×11
    /// input, conv strides (2,1) and (1,2), same padding, 2×2, 3×3 and 2×3 pools over conv outputs
    /// they do not divide (rows and columns no window covers), a 1×1 pool, and a small
    /// coursework-like C = 3, F = 32 case.
    static let cases: [Case] = [
        Case(n: 1, h: 6, w: 5, c: 1, f: 1, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid, pool: (2, 2)),
        Case(n: 2, h: 7, w: 11, c: 2, f: 5, kh: 3, kw: 3, sh: 2, sw: 1, padding: .same, pool: (2, 2)),
        Case(n: 1, h: 7, w: 11, c: 3, f: 5, kh: 3, kw: 3, sh: 1, sw: 1, padding: .same, pool: (3, 3)),
        Case(n: 2, h: 6, w: 7, c: 4, f: 17, kh: 3, kw: 2, sh: 1, sw: 2, padding: .same, pool: (2, 3)),
        Case(n: 1, h: 4, w: 3, c: 2, f: 3, kh: 1, kw: 1, sh: 1, sw: 1, padding: .valid, pool: (1, 1)),
        Case(n: 3, h: 12, w: 11, c: 3, f: 32, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid, pool: (2, 2)),
    ]

    /// Input, kernel and bias for a case, with exact zeros: bands of three zero input rows (a
    /// bias-free conv gives exact 0 there), biases of −0.3 and −3, so many ReLU outputs are 0 and
    /// argmax ties (the first cell of the window wins) decide the result.
    func data(_ t: Case, _ rng: inout SeededRNG) -> (x: [Float], k: [Float], b: [Float]) {
        var x = random(t.n * t.h * t.w * t.c, &rng)
        for i in x.indices where (i / (t.w * t.c)) % 6 >= 3 { x[i] = 0 }
        let k = random(t.kh * t.kw * t.c * t.f, &rng)
        var b = random(t.f, &rng)
        for i in b.indices where i % 3 != 2 { b[i] = i % 3 == 0 ? -0.3 : -3 }
        return (x, k, b)
    }

    func assertClose(_ a: [Float], _ b: [Float], _ tolerance: Float, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "\(what): count", file: file, line: line)
        guard a.count == b.count else { return }
        var worst: Float = 0, at = -1
        for i in a.indices {
            let err = abs(a[i] - b[i]) / (1 + abs(b[i]))
            if !(err <= worst) { worst = err; at = i }  // also catches NaN
        }
        XCTAssert(worst <= tolerance, "\(what): worst relative error \(worst) at \(at) (\(at >= 0 ? a[at] : 0) vs \(at >= 0 ? b[at] : 0))",
                  file: file, line: line)
    }

    /// Pooled output and argmax equal `ConvFast.forwardReLU` then `PoolFast.maxForward` bit for
    /// bit, with and without bias, with many ReLU zeros and with a NaN in the input.
    func testFusedForwardEqualsConvReLUThenPool() {
        var rng = SeededRNG(seed: 31)
        var ties = 0  // pooled zeros: windows where the ReLU tie rule picked the cell
        for t in Self.cases {
            var (x, k, b) = data(t, &rng)
            let clean = x
            let g = t.geometry
            let poolGeometry = Kernels.poolGeometry(g, filters: t.f, pool: t.pool)
            for (bias, nan) in [(b, false), (nil, false), (b, true)] {
                if nan { x[x.count / 2] = .nan }
                let y = ConvFast.forwardReLU(input: x, kernel: k, bias: bias, geometry: g, filters: t.f).output
                let plain = PoolFast.maxForward(input: y, geometry: poolGeometry)
                let fused = ConvPoolFast.forward(input: x, kernel: k, bias: bias, geometry: g, filters: t.f, pool: t.pool)
                let what = "\(t) bias \(bias != nil) NaN \(nan)"
                assertBitEqual(fused.output, plain.output, "pooled \(what)")
                XCTAssert(fused.argmax == plain.argmax, "argmax \(what): first difference at \(zip(fused.argmax, plain.argmax).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1)")
                ties += plain.output.filter { $0 == 0 }.count
            }
            // The naive twin: the same pooled values up to the conv's summation order (argmax may
            // differ where two values of a window are within a rounding of each other).
            let naive = Kernels.convReLUMaxPoolForward(.naive, input: clean, kernel: k, bias: b, geometry: g,
                                                       filters: t.f, pool: t.pool)
            let fast = Kernels.convReLUMaxPoolForward(.fast, input: clean, kernel: k, bias: b, geometry: g,
                                                      filters: t.f, pool: t.pool)
            assertClose(fast.output, naive.output, Self.reorderedSum, "naive twin \(t)")
        }
        XCTAssertGreaterThan(ties, 100, "the cases should produce many pooled ReLU zeros (argmax ties)")
    }

    /// dK and db from dPooled equal `ConvFast.backward` on the dz of `PoolFast.maxBackward` with
    /// the ReLU mask (to `reorderedSum`), added into non-zero gradients; the naive twin too.
    func testFusedBackwardEqualsPoolBackwardThenConvBackward() {
        var rng = SeededRNG(seed: 37)
        for t in Self.cases {
            let (x, k, b) = data(t, &rng)
            let g = t.geometry
            let poolGeometry = Kernels.poolGeometry(g, filters: t.f, pool: t.pool)
            let y = ConvFast.forwardReLU(input: x, kernel: k, bias: b, geometry: g, filters: t.f).output
            let pooled = PoolFast.maxForward(input: y, geometry: poolGeometry)
            let dPooled = random(pooled.output.count, &rng)
            let startK = random(k.count, &rng), startB = random(t.f, &rng)

            let dz = PoolFast.maxBackward(outputGradient: dPooled, argmax: pooled.argmax, inputCount: y.count, batch: t.n,
                                          reluMask: pooled.output, geometry: poolGeometry)
            var refK = startK, refB = startB
            _ = ConvFast.backward(input: x, kernel: k, outputGradient: dz, geometry: g, filters: t.f,
                                  kernelGradient: &refK, biasGradient: &refB, inputGradient: false)
            XCTAssertNotEqual(refK, startK, "\(t): the reference gradient should change dK")
            for backend in [KernelBackend.fast, .naive] {
                var dK = startK, db = startB
                Kernels.convReLUMaxPoolBackward(backend, input: x, kernel: k, outputGradient: dPooled, argmax: pooled.argmax,
                                                pooled: pooled.output, geometry: g, filters: t.f, pool: t.pool,
                                                kernelGradient: &dK, biasGradient: &db)
                assertClose(dK, refK, Self.reorderedSum, "\(backend) dK \(t)")
                assertClose(db, refB, Self.reorderedSum, "\(backend) db \(t)")
            }
            // Without a bias (an empty bias gradient is left alone).
            var dK = startK, none: [Float] = []
            ConvPoolFast.backward(input: x, outputGradient: dPooled, argmax: pooled.argmax, output: pooled.output,
                                  geometry: g, filters: t.f, pool: t.pool, kernelGradient: &dK, biasGradient: &none)
            assertClose(dK, refK, Self.reorderedSum, "dK without bias \(t)")
            XCTAssert(none.isEmpty)
        }
    }

    /// A few Adam training steps through the plan (fused stage) end with the same weights as
    /// the reference model (traced) and as the plan on its naive twins, to `afterTraining`.
    /// The second model has two conv-pool pairs: the upper conv needs its input gradient, so its
    /// backward goes through the pooled-mask dz instead of the fully fused kernel.
    func testFusedTrainingMatchesUnfusedAndNaive() throws {
        func model(_ twoPairs: Bool) throws -> Sequential {
            let layers: [Layer] = twoPairs ? [
                Conv2D(filters: 3, kernelSize: (3, 3), padding: .same, activation: .relu),
                Pooling2D(.max, poolSize: (2, 2)),
                Conv2D(filters: 4, kernelSize: (2, 2), activation: .relu),
                Pooling2D(.max, poolSize: (3, 3)),  // over a 5×5 map: a row and a column uncovered
                Flatten(),
                Dense(units: 5, activation: .relu),
                Dense(units: 1, activation: .sigmoid),
            ] : [
                Conv2D(filters: 6, kernelSize: (3, 3), strides: (1, 2), activation: .relu),
                Pooling2D(.max, poolSize: (2, 2)),  // over a 7×4 map: the last row uncovered
                Flatten(),
                Dense(units: 1, activation: .sigmoid),
            ]
            return try Sequential(inputShape: twoPairs ? [12, 13, 3] : [9, 10, 3],
                                  layers: layers, seed: 3)
        }
        for twoPairs in [false, true] {
            let fused = try model(twoPairs), traced = try model(twoPairs), naive = try model(twoPairs)
            let plan = try ExecutionPlan(fused), naivePlan = try ExecutionPlan(naive, backend: .naive)
            // The fast plan really fuses: one stage per conv-pool pair.
            XCTAssertEqual(plan.stages.filter { $0 is ConvReLUMaxPoolStage }.count, twoPairs ? 2 : 1)
            let (adamFused, adamTraced, adamNaive) = (Adam(learningRate: 0.01), Adam(learningRate: 0.01), Adam(learningRate: 0.01))
            var rng = SeededRNG(seed: 17)
            let batch = 4
            for step in 0..<3 {
                let shape = [batch] + fused.inputShape
                let x = Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.uniform(0, 1) })
                let y = Tensor(shape: [batch, 1], data: (0..<batch).map { Float(($0 + step) % 2) })
                let a = try plan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adamFused)
                let b = try traced.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adamTraced, trace: Trace())
                let c = try naivePlan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adamNaive)
                XCTAssertEqual(a.loss, b.loss, accuracy: Self.afterTraining, "two pairs \(twoPairs) step \(step): loss fused vs traced")
                XCTAssertEqual(a.loss, c.loss, accuracy: Self.afterTraining, "two pairs \(twoPairs) step \(step): loss fused vs naive")
            }
            for (p, (f, (t, n))) in zip(fused.parameters, zip(traced.parameters, naive.parameters)).enumerated() {
                assertClose(f.value.data, t.value.data, Self.afterTraining, "two pairs \(twoPairs) parameter \(p): fused vs traced")
                assertClose(f.value.data, n.value.data, Self.afterTraining, "two pairs \(twoPairs) parameter \(p): fused vs naive")
            }
            // Training moved the weights (so agreeing means something).
            let start = try model(twoPairs)
            XCTAssertNotEqual(fused.parameters[0].value.data, start.parameters[0].value.data)
        }
    }

    /// The fused stage refuses a backward before its forward, and layers it cannot fuse, with
    /// an explanation instead of computing a wrong gradient.
    func testFusedStageRefusesWhatItCannotDo() throws {
        let conv = Conv2D(filters: 2, kernelSize: (2, 2), activation: .relu), pool = Pooling2D(.max)
        _ = try Sequential(inputShape: [5, 5, 1], layers: [conv, pool, Flatten()], seed: 1)
        let stage = try ConvReLUMaxPoolStage(conv: conv, pool: pool, backend: .fast)
        XCTAssertThrowsError(try stage.backward(Tensor.zeros([1, 2, 2, 2]), BackwardPass()))
        let out = try stage.forward(Tensor(shape: [1, 5, 5, 1], data: (0..<25).map { Float($0) / 25 }), training: false)
        XCTAssertEqual(out.shape, [1, 2, 2, 2])
        let linear = Conv2D(filters: 2, kernelSize: (2, 2))
        _ = try Sequential(inputShape: [5, 5, 1], layers: [linear, Pooling2D(.max)], seed: 1)
        XCTAssertThrowsError(try ConvReLUMaxPoolStage(conv: linear, pool: pool, backend: .fast))
    }
}
