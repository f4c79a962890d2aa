import XCTest
@testable import CNNCore
@testable import FastPlan

/// The Dense kernels at both register widths (`TileWidth`: SIMD8 and SIMD16 tiles) against the
/// naive twin (`DenseNaive`) and against each other. Every lane adds the same products in the
/// same order at either width, so the two widths must agree bit for bit; against the naive
/// loops (another order) within `FastKernelTests.tolerance`. A debug build prefers `.narrow`,
/// a native AVX-512 release build `.wide`: these tests run both in either build.
final class DenseWideTests: XCTestCase {
    /// (batch, inputs, outputs). Batches 1, 2 (one-or-two-image path when I ≥ 4096 and O is a
    /// multiple of 64), 3, 5, 9 (one wide tile of 8 rows and one of 1), 33 (four of 8 and one of 1);
    /// outputs that are whole 32-column pairs (32, 64, 96, 128) and not (1, 17, 33, 100);
    /// 192 (a 128-column pass and a 64-column one); inputs that are not whole 256-row blocks.
    static let forwardShapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 13, 17), (3, 40, 32), (5, 257, 64), (9, 600, 96), (33, 300, 128), (33, 70, 33),
        (5, 37, 100), (2, 70, 128), (3, 513, 128),
        (1, 5000, 64), (1, 4100, 192), (2, 9001, 128), (2, 4096, 320),
    ]

    func testForwardAtBothWidthsMatchesNaive() {
        var rng = SeededRNG(seed: 181)
        for (batch, inputs, outputs) in Self.forwardShapes {
            var x = random(batch * inputs, &rng)
            for i in x.indices where rng.uniform(0, 1) < 0.3 { x[i] = 0 }  // as after ReLU and max pooling
            let w = random(inputs * outputs, &rng), b = random(outputs, &rng)
            let naive = DenseNaive.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs)
            let narrow = DenseFast.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs, width: .narrow)
            let wide = DenseFast.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs, width: .wide)
            let what = "dense \(batch)×\(inputs)→\(outputs)"
            assertClose(wide, naive, "\(what) wide")
            assertClose(narrow, naive, "\(what) narrow")
            assertBitEqual(wide, narrow, "\(what) wide against narrow")
            let noBias = DenseFast.forward(input: x, kernel: w, bias: nil, batch: batch, inputs: inputs, outputs: outputs, width: .wide)
            assertClose(noBias, DenseNaive.forward(input: x, kernel: w, bias: nil, batch: batch, inputs: inputs, outputs: outputs),
                        "\(what) wide without bias")
        }
    }

    /// The one-or-two-image product on one core and on two (the partial sums are cut at
    /// another row, so only rounding may differ), at both widths.
    func testFewRowsOnOneAndTwoCores() {
        var rng = SeededRNG(seed: 182)
        for (batch, inputs, outputs) in [(1, 6000, 128), (2, 4097, 64), (1, 4100, 192)] {
            var x = random(batch * inputs, &rng)
            for i in x.indices where rng.uniform(0, 1) < 0.35 { x[i] = 0 }
            let w = random(inputs * outputs, &rng), b = random(outputs, &rng)
            let naive = DenseNaive.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs)
            for width in TileWidth.allCases {
                for threads in [1, 2] {
                    let fast = DenseFast.forwardFewRows(input: x, kernel: w, bias: b, batch: batch, inputs: inputs,
                                                        outputs: outputs, width: width, threads: threads)
                    assertClose(fast, naive, "\(batch)×\(inputs)→\(outputs) \(width) on \(threads) cores")
                }
            }
        }
    }

    /// (batch, inputs, outputs) for the backward: batch 1, 2, 3, 5, 32, 33; inputs off the
    /// 128-row blocks and 8-row wide tiles; outputs off the 16- and 32-column tiles.
    static let backwardShapes: [(Int, Int, Int)] = [
        (1, 1, 1), (2, 37, 19), (3, 130, 33), (5, 70, 16), (32, 300, 128), (33, 129, 17), (17, 33, 1), (3, 4100, 20),
        (33, 260, 64),
    ]

    /// `backwardUpdatingKernel` at both widths: dx and the dW handed to the update match
    /// `DenseNaive.backward`, and the two widths agree bit for bit.
    func testBackwardUpdatingKernelAtBothWidthsMatchesNaive() {
        var rng = SeededRNG(seed: 183)
        for (batch, inputs, outputs) in Self.backwardShapes {
            let x = random(batch * inputs, &rng), dy = random(batch * outputs, &rng), w = random(inputs * outputs, &rng)
            var dwNaive = [Float](repeating: 0, count: w.count), dbNaive = [Float](repeating: 0, count: outputs)
            let dxNaive = DenseNaive.backward(input: x, kernel: w, outputGradient: dy, batch: batch, inputs: inputs, outputs: outputs,
                                              kernelGradient: &dwNaive, biasGradient: &dbNaive, inputGradient: true)
            var results: [(dx: [Float], dw: [Float])] = []
            for width in [TileWidth.narrow, .wide] {
                for inputGradient in [true, false] {
                    let what = "N=\(batch) I=\(inputs) O=\(outputs) \(width) dx=\(inputGradient)"
                    let (dx, dw, db, kernel) = backwardRecordingKernelGradient(input: x, kernel: w, outputGradient: dy, batch: batch,
                                                                               inputs: inputs, outputs: outputs,
                                                                               inputGradient: inputGradient, width: width)
                    assertClose(dw, dwNaive, "\(what): kernel gradient")
                    assertClose(db, dbNaive, "\(what): bias gradient")
                    assertBitEqual(kernel, w, "\(what): an update that writes nothing leaves W")
                    if inputGradient {
                        assertClose(dx, dxNaive, "\(what): input gradient")
                        results.append((dx, dw))
                    } else {
                        XCTAssertEqual(dx, [], what)
                    }
                }
            }
            assertBitEqual(results[1].dx, results[0].dx, "N=\(batch) I=\(inputs) O=\(outputs): dx wide against narrow")
            assertBitEqual(results[1].dw, results[0].dw, "N=\(batch) I=\(inputs) O=\(outputs): dW wide against narrow")
        }
    }

    /// Adam at both widths, whole arrays and uneven slices, against the reference `Adam.step`,
    /// bit for bit (each lane runs the scalar formula: no fused multiply-add).
    func testAdamAtBothWidthsEqualsReference() {
        var rng = SeededRNG(seed: 184)
        let count = 100_003
        let initial = random(count, &rng)
        let reference = Parameter(name: "kernel", value: Tensor(shape: [count], data: initial))
        let referenceAdam = Adam(learningRate: 0.01)
        var others: [(Parameter, Adam, TileWidth, sliced: Bool)] = []
        for width in TileWidth.allCases {
            for sliced in [false, true] {
                others.append((Parameter(name: "kernel", value: Tensor(shape: [count], data: initial)), Adam(learningRate: 0.01), width, sliced))
            }
        }
        for step in 1...3 {
            let g = random(count, &rng)
            reference.gradient = Tensor(shape: [count], data: g)
            referenceAdam.step([reference])
            for (parameter, adam, width, sliced) in others {
                parameter.gradient = Tensor(shape: [count], data: g)
                let fast = AdamFast(adam.beginStep([parameter]), width: width)
                if !sliced {
                    fast.update([parameter])
                } else {
                    let update = fast.sliceUpdate(of: 0, count: count)
                    parameter.value.data.withUnsafeMutableBufferPointer { wp in
                        parameter.gradient.data.withUnsafeBufferPointer { gp in
                            var start = 0
                            for length in [5, 16, 1000, 77, 16_384, 31] + [Int](repeating: 20_000, count: 5) where start < count {
                                let slice = start..<min(count, start + length)
                                update(slice, wp.baseAddress! + slice.lowerBound, gp.baseAddress! + slice.lowerBound)
                                start = slice.upperBound
                            }
                            XCTAssertEqual(start, count, "the slices cover the kernel")
                        }
                    }
                }
                let what = "\(width)\(sliced ? " sliced" : "") after step \(step)"
                assertBitEqual(parameter.value.data, reference.value.data, "\(what): weights")
                assertBitEqual(adam.state.slots["m"]?.first ?? [], referenceAdam.state.slots["m"]?.first ?? [], "\(what): m")
                assertBitEqual(adam.state.slots["v"]?.first ?? [], referenceAdam.state.slots["v"]?.first ?? [], "\(what): v")
            }
        }
    }

    func assertClose(_ fast: [Float], _ naive: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(fast.count, naive.count, "\(what): count", file: file, line: line)
        guard fast.count == naive.count else { return }
        var worst: Float = 0, at = -1
        for i in fast.indices {
            let err = abs(fast[i] - naive[i]) / (1 + abs(naive[i]))
            if !(err <= worst) { worst = err; at = i }  // also catches NaN
        }
        XCTAssert(worst <= FastKernelTests.tolerance, "\(what): worst relative error \(worst) at \(at)", file: file, line: line)
    }
}
