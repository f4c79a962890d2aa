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
