import XCTest
@testable import CNNCore
@testable import FastPlan

/// Fast pooling, ReLU and Adam against their plain twins (exactly: they do no reordered sums),
/// and a short training run of the plan against the reference model.
final class FastLayerTests: XCTestCase {
    /// Equal bit for bit; on failure names the first differing index instead of printing arrays.

    func testMaxPoolingFastEqualsNaive() {
        var rng = SeededRNG(seed: 5)
        // (N, H, W, C, window, strides, padding): 1×1 images, odd channel counts (tail past 8),
        // overlapping windows (stride < window), strides 2 and 3, same padding, non-square.
        let cases: [(Int, Int, Int, Int, (Int, Int), (Int, Int), Padding)] = [
            (1, 1, 1, 1, (1, 1), (1, 1), .valid), (1, 1, 1, 3, (2, 2), (2, 2), .same),
            (2, 7, 5, 9, (2, 2), (2, 2), .valid), (3, 8, 11, 17, (3, 3), (2, 2), .same),
            (1, 10, 7, 8, (3, 2), (3, 3), .same), (2, 62, 62, 32, (2, 2), (2, 2), .valid),
            (1, 9, 4, 5, (5, 5), (1, 1), .same),
        ]
        for (n, h, w, c, window, strides, padding) in cases {
            let g = ConvGeometry(batch: n, height: h, width: w, channels: c, kernel: window, strides: strides, padding: padding)
            var x = random(n * h * w * c, &rng)
            // Ties: the first maximum in window order must win in both kernels.
            for i in stride(from: 0, to: x.count, by: 3) { x[i] = 0.5 }
            let naive = PoolNaive.maxForward(input: x, geometry: g)
            let fast = PoolFast.maxForward(input: x, geometry: g)
            assertBitEqual(fast.output, naive.output, "max pool forward \(n)×\(h)×\(w)×\(c) \(window) \(strides) \(padding)")
            XCTAssert(fast.argmax == naive.argmax, "max pool argmax \(n)×\(h)×\(w)×\(c): first difference at \(zip(fast.argmax, naive.argmax).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1)")
            let dy = random(naive.output.count, &rng)
            assertBitEqual(PoolFast.maxBackward(outputGradient: dy, argmax: naive.argmax, inputCount: x.count, batch: n),
                           PoolNaive.maxBackward(outputGradient: dy, argmax: naive.argmax, inputCount: x.count),
                           "max pool backward \(n)×\(h)×\(w)×\(c)")
        }
    }

    func testReLUFastEqualsPlainBitForBit() {
        var rng = SeededRNG(seed: 9)
        for count in [0, 1, 7, 8, 9, 100_003] {
            var z = random(count, &rng)
            if count > 2 { z[0] = -0.0; z[1] = .nan; z[2] = 0 }
            let y = Activation.relu.apply(Tensor(shape: [count], data: z))
            let fastY = ActivationFast.reluForward(z)
            assertBitEqual(fastY, y.data, "relu forward, \(count) values")
            let dy = Tensor(shape: [count], data: random(count, &rng))
            let dz = Activation.relu.backward(output: y, outputGradient: dy)
            assertBitEqual(ActivationFast.reluBackward(output: y.data, outputGradient: dy.data), dz.data, "relu backward, \(count) values")
        }
    }

    /// Adam's vectorised, multi-core update (`AdamFast`, the plan's) against the reference
    /// optimizer's `step` and against the formula written out here, bit for bit, on an array long
    /// enough to be split between cores and with a tail shorter than a vector; and the slice
    /// update a Dense stage applies, cut into uneven slices.
    func testAdamFastEqualsReferenceStepAndFormula() {
        var rng = SeededRNG(seed: 13)
        let count = 300_007
        let initial = random(count, &rng)
        let reference = Parameter(name: "kernel", value: Tensor(shape: [count], data: initial))
        let fast = Parameter(name: "kernel", value: Tensor(shape: [count], data: initial))
        let sliced = Parameter(name: "kernel", value: Tensor(shape: [count], data: initial))
        var w = initial, m = [Float](repeating: 0, count: count), v = m
        let (referenceAdam, fastAdam, slicedAdam) = (Adam(learningRate: 0.01), Adam(learningRate: 0.01), Adam(learningRate: 0.01))
        for step in 1...3 {
            let g = random(count, &rng)
            for p in [reference, fast, sliced] { p.gradient = Tensor(shape: [count], data: g) }
            referenceAdam.step([reference])
            AdamFast(fastAdam.beginStep([fast])).update([fast])
            let update = AdamFast(slicedAdam.beginStep([sliced])).sliceUpdate(of: 0, count: count)
            sliced.value.data.withUnsafeMutableBufferPointer { wp in
                sliced.gradient.data.withUnsafeBufferPointer { gp in
                    var start = 0
                    for length in [5, 8, 1000, 77, 16_384] + [Int](repeating: 50_000, count: 6) where start < count {
                        let slice = start..<min(count, start + length)
                        update(slice, wp.baseAddress! + slice.lowerBound, gp.baseAddress! + slice.lowerBound)
                        start = slice.upperBound
                    }
                    XCTAssertEqual(start, count, "the slices cover the kernel")
                }
            }
            // The same α as Adam computes: from the Float settings, in Double.
            let (lr, beta1, beta2): (Float, Float, Float) = (0.01, 0.9, 0.999)
            let t = Double(step)
            let alpha = Float(Double(lr) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
            let (b1, b2, eps): (Float, Float, Float) = (1 - beta1, 1 - beta2, 1e-7)
            for i in 0..<count {
                m[i] = m[i] + (g[i] - m[i]) * b1
                v[i] = v[i] + (g[i] * g[i] - v[i]) * b2
                w[i] -= alpha * m[i] / (v[i].squareRoot() + eps)
            }
            assertBitEqual(reference.value.data, w, "reference weights after step \(step)")
            assertBitEqual(fast.value.data, w, "fast weights after step \(step)")
            assertBitEqual(sliced.value.data, w, "slice-updated weights after step \(step)")
            for adam in [referenceAdam, fastAdam, slicedAdam] {
                assertBitEqual(adam.state.slots["m"]?.first ?? [], m, "first moment after step \(step)")
                assertBitEqual(adam.state.slots["v"]?.first ?? [], v, "second moment after step \(step)")
            }
        }
    }

    /// A few Adam steps of a small coursework-like model (conv with same padding and stride 1,
    /// max pooling, two dense layers, BCE from the logit) on random data: the plan on the fast
    /// kernels against the reference model (`Sequential.trainStep`, naive kernels), same seed.
    ///
    /// Why this tolerance: each kernel differs from its twin by float rounding (~1e-6 relative).
    /// Adam divides m by √v, so the first steps move every weight by about ±lr whatever the
    /// gradient's size; rounding can only matter for a gradient within ~1e-6 of zero, which random
    /// data does not produce here. After 6 steps of lr = 0.001 the weights agree to well within
    /// `trainingTolerance`, while a real kernel bug changes them by ~lr or more.
    static let trainingTolerance: Float = 1e-4

    func testShortTrainingRunPlanMatchesReference() throws {
        func run(plan backend: KernelBackend?) throws -> (losses: [Float], weights: [[Float]]) {
            let model = try Sequential(inputShape: [9, 7, 3], layers: [
                Conv2D(filters: 5, kernelSize: (3, 3), padding: .same, activation: .relu),
                Pooling2D(.max, poolSize: (2, 2)),
                Conv2D(filters: 6, kernelSize: (2, 2), strides: (2, 1), activation: .relu),
                Flatten(),
                Dense(units: 19, activation: .relu),
                Dense(units: 1, activation: .sigmoid),
            ], seed: 42)
            let plan = try backend.map { try ExecutionPlan(model, backend: $0, inPassMinimumWeights: 64) }
            var rng = SeededRNG(seed: 99)
            let batch = 5
            let x = Tensor(shape: [batch, 9, 7, 3], data: (0..<(batch * 9 * 7 * 3)).map { _ in rng.uniform(0, 1) })
            let y = Tensor(shape: [batch, 1], data: [0, 1, 1, 0, 1])
            let adam = Adam()
            var losses: [Float] = []
            for _ in 0..<6 {
                let step = try plan?.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam)
                    ?? model.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam)
                losses.append(step.loss)
            }
            return (losses, model.parameters.map(\.value.data))
        }
        let reference = try run(plan: nil)
        // On its naive twins the plan gives the reference model's numbers exactly.
        let naive = try run(plan: .naive)
        XCTAssertEqual(naive.losses, reference.losses)
        for (p, (a, b)) in zip(naive.weights, reference.weights).enumerated() { assertBitEqual(a, b, "naive plan, parameter \(p)") }
        let fast = try run(plan: .fast)
        for (a, b) in zip(fast.losses, reference.losses) {
            XCTAssertEqual(a, b, accuracy: Self.trainingTolerance, "loss per step, fast \(fast.losses) reference \(reference.losses)")
        }
        XCTAssertEqual(fast.weights.count, reference.weights.count)
        for (p, (a, b)) in zip(fast.weights, reference.weights).enumerated() {
            XCTAssertEqual(a.count, b.count)
            let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, Self.trainingTolerance, "parameter \(p) after 6 Adam steps")
        }
        // The run really trained: the weights moved away from the initial ones.
        let initial = try Sequential(inputShape: [9, 7, 3], layers: [
            Conv2D(filters: 5, kernelSize: (3, 3), padding: .same, activation: .relu),
        ], seed: 42).parameters[0].value.data
        XCTAssert(fast.weights[0] != initial, "the conv kernel did not change")
    }
}
