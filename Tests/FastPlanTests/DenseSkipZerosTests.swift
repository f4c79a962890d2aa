import XCTest
@testable import CNNCore
@testable import FastPlan

/// The Dense kernels that skip the inputs that are 0 (`ZeroSkipping`) against the
/// dense tiles: the same bits, at both widths, with none, some, most and all of the inputs 0,
/// and against the naive twin within the tolerance.
final class DenseSkipZerosTests: XCTestCase {
    /// Shares of the inputs set to 0: none, as after ReLU early in training, as late, all.
    static let zeroShares: [Double] = [0, 0.3, 0.8, 1]

    /// The bits of x that `nonZeroBits` reports, with a tail shorter than 16 and −0.
    func testNonZeroBitsMarkExactlyTheInputsThatAreNotZero() {
        var x: [Float] = (0..<37).map { $0 % 3 == 0 ? 0 : Float($0) }
        x[4] = -0.0
        x[5] = 1e-30
        var words = [UInt16](repeating: 0xFFFF, count: 3)
        let count = words.withUnsafeMutableBufferPointer { DenseFast.nonZeroBits(x, count: x.count, into: $0.baseAddress!) }
        XCTAssertEqual(count, x.filter { $0 != 0 }.count)
        for i in x.indices {
            XCTAssertEqual(words[i / 16] >> (i % 16) & 1 == 1, x[i] != 0, "input \(i) = \(x[i])")
        }
        XCTAssertEqual(words[2] >> 5, 0, "no bits past the end")
    }

    /// (batch, inputs, outputs) on the 32-column-pair path: 1 to 4 pairs, blocks of 256 rows and
    /// not, rows not a multiple of 16.
    static let forwardShapes: [(Int, Int, Int)] = [(3, 40, 32), (5, 257, 64), (9, 600, 96), (33, 300, 128), (4, 530, 256)]

    func testForwardSkippingZerosGivesTheDenseBits() {
        var rng = SeededRNG(seed: 401)
        for (batch, inputs, outputs) in Self.forwardShapes {
            for share in Self.zeroShares {
                var x = random(batch * inputs, &rng)
                for i in x.indices where Double(rng.uniform(Float(0), Float(1))) < share { x[i] = 0 }
                let w = random(inputs * outputs, &rng), b = random(outputs, &rng)
                let packed = DenseFast.packPairs(w, inputs: inputs, outputs: outputs)
                let naive = DenseNaive.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs)
                for width in TileWidth.allCases {
                    let what = "dense \(batch)×\(inputs)→\(outputs), \(Int(share * 100))% zeros, \(width)"
                    let dense = DenseFast.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs,
                                                  width: width, skipZeros: .never)
                    assertClose(dense, naive, what)
                    for how in [ZeroSkipping.always, .whereSparse] {
                        let skipping = DenseFast.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs,
                                                         width: width, skipZeros: how)
                        assertBitEqual(skipping, dense, "\(what) \(how)")
                        let fromPacked = DenseFast.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs,
                                                           width: width, packed: packed, skipZeros: how)
                        assertBitEqual(fromPacked, dense, "\(what) \(how), packed kernel")
                    }
                }
            }
        }
    }

    /// (batch, inputs, outputs) for the backward: 1 to 4 pairs of columns, batches of 1 to 64,
    /// rows off the 128-row blocks and the 16-row words; 65 images and 33 outputs take the tiles.
    static let backwardShapes: [(Int, Int, Int)] = [(1, 40, 32), (5, 130, 64), (32, 300, 128), (64, 77, 96), (9, 200, 256),
                                                    (65, 50, 32), (3, 70, 33)]

    func testKernelGradientSkippingZerosGivesTheDenseBits() {
        var rng = SeededRNG(seed: 402)
        for (batch, inputs, outputs) in Self.backwardShapes {
            for share in Self.zeroShares {
                var x = random(batch * inputs, &rng)
                for i in x.indices where Double(rng.uniform(Float(0), Float(1))) < share { x[i] = 0 }
                let dy = random(batch * outputs, &rng), w = random(inputs * outputs, &rng)
                var dwNaive = [Float](repeating: 0, count: w.count), dbNaive = [Float](repeating: 0, count: outputs)
                let dxNaive = DenseNaive.backward(input: x, kernel: w, outputGradient: dy, batch: batch, inputs: inputs, outputs: outputs,
                                                  kernelGradient: &dwNaive, biasGradient: &dbNaive, inputGradient: true)
                for width in TileWidth.allCases {
                    var dense: (dx: [Float], dw: [Float])?
                    for how in [ZeroSkipping.never, .always, .whereSparse] {
                        let what = "N=\(batch) I=\(inputs) O=\(outputs), \(Int(share * 100))% zeros, \(width) \(how)"
                        var kernel = w, db = [Float](repeating: 0, count: outputs)
                        var dw = [Float](repeating: .nan, count: w.count)
                        let dx = dw.withUnsafeMutableBufferPointer { dwp in
                            kernel.withUnsafeMutableBufferPointer { wp in
                                DenseFast.backwardUpdatingKernel(input: x, kernel: wp.baseAddress!, outputGradient: dy, batch: batch,
                                                                 inputs: inputs, outputs: outputs, biasGradient: &db, inputGradient: true,
                                                                 width: width, skipZeros: how) { range, _, g in
                                    for (k, i) in range.enumerated() { dwp[i] = g[k] }
                                }
                            }
                        }
                        assertClose(dw, dwNaive, "\(what): kernel gradient")
                        assertClose(dx, dxNaive, "\(what): input gradient")
                        if let dense {
                            assertBitEqual(dw, dense.dw, "\(what): kernel gradient against the tiles")
                            assertBitEqual(dx, dense.dx, "\(what): input gradient against the tiles")
                        } else {
                            dense = (dx, dw)
                        }
                    }
                }
            }
        }
    }

    func assertClose(_ fast: [Float], _ naive: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(fast.count, naive.count, "\(what): count", file: file, line: line)
        for i in fast.indices where !(abs(fast[i] - naive[i]) / (1 + abs(naive[i])) <= FastKernelTests.tolerance) {
            XCTFail("\(what): \(fast[i]) against \(naive[i]) at \(i)", file: file, line: line)
            return
        }
    }
}
