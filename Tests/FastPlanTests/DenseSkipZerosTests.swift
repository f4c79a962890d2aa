import XCTest
@testable import CNNCore
@testable import FastPlan

/// The Dense kernel gradient that skips the inputs that are 0 (`ZeroSkipping`) against the
/// tiles: the same bits, at both widths, with none, some, most and all of the inputs 0, and
/// against the naive twin within the tolerance.
final class DenseSkipZerosTests: XCTestCase {
    /// Shares of the inputs set to 0: none, as after ReLU early in training, as late, all.
    static let zeroShares: [Double] = [0, 0.3, 0.8, 1]

    /// The images `nonZeroImages` reports for each row: 16 rows at a time and the rest, a batch
    /// of 64 (bit 63), −0 and a tiny value.
    func testNonZeroImagesMarkExactlyTheInputsThatAreNotZero() {
        var rng = SeededRNG(seed: 400)
        let (batch, inputs, rows) = (64, 50, 37)
        var x = random(batch * inputs, &rng)
        for i in x.indices where rng.uniform(Float(0), Float(1)) < 0.6 { x[i] = 0 }
        x[3] = -0.0
        x[4] = 1e-30
        x[63 * inputs + 20] = 0.5
        var images = [UInt64](repeating: .max, count: rows)
        let count = images.withUnsafeMutableBufferPointer {
            DenseFast.nonZeroImages(x: x, inputs: inputs, batch: batch, rows: rows, into: $0.baseAddress!)
        }
        var expected = 0
        for r in 0..<rows {
            for n in 0..<batch {
                let nonZero = x[n * inputs + r] != 0
                expected += nonZero ? 1 : 0
                XCTAssertEqual(images[r] >> n & 1 == 1, nonZero, "row \(r), image \(n): \(x[n * inputs + r])")
            }
        }
        XCTAssertEqual(count, expected)
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
                        let (dx, dw, _, kernel) = backwardRecordingKernelGradient(input: x, kernel: w, outputGradient: dy, batch: batch,
                                                                                  inputs: inputs, outputs: outputs, inputGradient: true,
                                                                                  width: width, skipZeros: how)
                        assertBitEqual(kernel, w, "\(what): an update that writes nothing leaves W")
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
