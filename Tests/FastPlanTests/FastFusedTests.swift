import XCTest
@testable import CNNCore
@testable import FastPlan

/// The fused kernels against the unfused steps they replace: conv forward + ReLU in one pass
/// (what `Conv2D` runs) and max-pool backward + ReLU backward in one pass. The fast plan's
/// fused stages are tested in FastPlanTests.
final class FastFusedTests: XCTestCase {
    /// z from `forwardReLU` is bit for bit `forward`'s, and y is exactly `reluForward(z)`, on the
    /// odd shapes of `FastKernelTests.convCases` (and close to the naive kernel, via those tests).
    func testConvForwardReLUEqualsForwardThenReLU() {
        var rng = SeededRNG(seed: 21)
        for t in FastKernelTests.convCases {
            let g = ConvGeometry(batch: t.n, height: t.h, width: t.w, channels: t.c,
                                 kernel: (t.kh, t.kw), strides: (t.sh, t.sw), padding: t.padding)
            let x = random(t.n * t.h * t.w * t.c, &rng)
            let k = random(t.kh * t.kw * t.c * t.f, &rng)
            let b = random(t.f, &rng)
            for bias in [b, nil] {
                let z = ConvFast.forward(input: x, kernel: k, bias: bias, geometry: g, filters: t.f)
                let fused = ConvFast.forwardReLU(input: x, kernel: k, bias: bias, geometry: g, filters: t.f)
                assertBitEqual(fused.preActivation, z, "conv \(t) z")
                assertBitEqual(fused.output, ActivationFast.reluForward(z), "conv \(t) relu(z)")
                let naive = Kernels.convForwardActivated(.naive, .relu, input: x, kernel: k, bias: bias, geometry: g, filters: t.f)
                assertBitEqual(naive.output, Activation.relu.apply(Tensor(shape: [naive.preActivation.count], data: naive.preActivation)).data,
                               "conv \(t) naive relu")
            }
        }
    }

    /// Max-pool backward with the ReLU mask equals the two passes bit for bit, including zeros,
    /// negative values, NaN in the mask and overlapping windows.
    func testMaxPoolBackwardReLUEqualsTwoPasses() {
        var rng = SeededRNG(seed: 23)
        let cases: [(Int, Int, Int, Int, (Int, Int), (Int, Int), Padding)] = [
            (1, 1, 1, 1, (1, 1), (1, 1), .valid), (1, 1, 1, 3, (2, 2), (2, 2), .same),
            (2, 7, 5, 9, (2, 2), (2, 2), .valid), (3, 8, 11, 17, (3, 3), (2, 2), .same),
            (1, 9, 4, 5, (5, 5), (1, 1), .same), (2, 62, 62, 32, (2, 2), (2, 2), .valid),
            // Windows that tile the input exactly (the one-pass kernel): 1×1, odd channels, non-square.
            (1, 1, 1, 1, (1, 1), (1, 1), .valid), (2, 6, 4, 9, (2, 2), (2, 2), .valid),
            (3, 9, 4, 3, (3, 2), (3, 2), .valid), (1, 8, 8, 16, (2, 2), (2, 2), .same),
        ]
        for (n, h, w, c, window, strides, padding) in cases {
            let g = ConvGeometry(batch: n, height: h, width: w, channels: c, kernel: window, strides: strides, padding: padding)
            var z = random(n * h * w * c, &rng)
            if z.count > 9 { z[9] = -0.0 }
            for i in stride(from: 0, to: z.count, by: 7) { z[i] = 0 }
            if z.count > 5 { z[5] = .nan }
            let y = ActivationFast.reluForward(z)
            let pooled = PoolFast.maxForward(input: y, geometry: g)
            let dy = random(pooled.output.count, &rng)
            let name = "\(n)×\(h)×\(w)×\(c) \(window) \(strides) \(padding)"
            var dyZeros = dy
            for i in stride(from: 0, to: dyZeros.count, by: 4) { dyZeros[i] = -0.0 }
            let plain = PoolNaive.maxBackward(outputGradient: dy, argmax: pooled.argmax, inputCount: y.count)
            // Without the mask, with the geometry (the one-pass kernel where windows tile), −0 in dy included.
            for gradient in [dy, dyZeros] {
                assertBitEqual(PoolFast.maxBackward(outputGradient: gradient, argmax: pooled.argmax, inputCount: y.count,
                                                    batch: n, geometry: g),
                               PoolNaive.maxBackward(outputGradient: gradient, argmax: pooled.argmax, inputCount: y.count),
                               "pool backward with geometry \(name)")
            }
            let twoPasses = Activation.relu.backward(output: Tensor(shape: [y.count], data: y),
                                                     outputGradient: Tensor(shape: [plain.count], data: plain)).data
            for backend in [KernelBackend.fast, .naive] {
                assertBitEqual(Kernels.maxPoolBackwardReLU(backend, outputGradient: dy, argmax: pooled.argmax, relu: y,
                                                               pooled: pooled.output, geometry: g),
                               twoPasses, "\(backend) pool backward through ReLU \(name)")
            }
        }
    }
}
