import XCTest
@testable import CNNCore
import FastPlan

/// What the plan-against-reference tests share.
extension XCTestCase {
    /// `count` values drawn uniformly from [-1, 1).
    func random(_ count: Int, _ rng: inout SeededRNG) -> [Float] { (0..<count).map { _ in rng.uniform(-1, 1) } }

    /// The two arrays hold the same floats bit for bit (the first difference is reported).
    func assertBitEqual(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "\(what): count", file: file, line: line)
        if let i = (0..<min(a.count, b.count)).first(where: { a[$0].bitPattern != b[$0].bitPattern }) {
            XCTFail("\(what): first difference at \(i): \(a[i]) vs \(b[i])", file: file, line: line)
        }
    }

    /// `DenseFast.backwardUpdatingKernel` with an update that only records the kernel gradient it
    /// is handed: (dx, dW, db, W after the pass). W must come back unchanged. The update may run
    /// on both cores at once (disjoint ranges), so it writes through a buffer pointer.
    func backwardRecordingKernelGradient(input x: [Float], kernel w: [Float], outputGradient dy: [Float], batch: Int,
                                         inputs: Int, outputs: Int, inputGradient: Bool, width: TileWidth,
                                         skipZeros: ZeroSkipping = .whereSparse)
        -> (dx: [Float], dw: [Float], db: [Float], kernel: [Float]) {
        var kernel = w, db = [Float](repeating: 0, count: outputs)
        var dw = [Float](repeating: .nan, count: w.count)
        let dx = dw.withUnsafeMutableBufferPointer { dwp in
            kernel.withUnsafeMutableBufferPointer { wp in
                DenseFast.backwardUpdatingKernel(input: x, kernel: wp.baseAddress!, outputGradient: dy, batch: batch,
                                                 inputs: inputs, outputs: outputs, biasGradient: &db, inputGradient: inputGradient,
                                                 width: width, skipZeros: skipZeros) { range, _, g in
                    for (k, i) in range.enumerated() { dwp[i] = g[k] }
                }
            }
        }
        return (dx, dw, db, kernel)
    }

    /// A batch of `batch` inputs shaped like `model`'s, uniform in [0, 1), from `seed`.
    func randomBatch(_ model: Sequential, batch: Int, seed: UInt64) -> Tensor {
        var rng = SeededRNG(seed: seed)
        let shape = [batch] + model.inputShape
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.uniform(0, 1) })
    }
}

/// Tolerances of the plan tests, named with their reason.
enum PlanTolerance {
    /// Fast against naive kernels after a few Adam steps of lr 0.001 (see `FastLayerTests.trainingTolerance`).
    static let training: Float = 1e-4
}
