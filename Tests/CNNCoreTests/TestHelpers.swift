import XCTest
@testable import CNNCore
import GradientCheckSupport

/// Tolerances, named with their reason.
enum Tolerance {
    /// Float32 arithmetic on small hand-checkable sums: a few ulps.
    static let exact: Float = 1e-5
}

/// Central-difference check of a layer's input and parameter gradients.
///
/// The scalar checked is L = Σ_i r_i · y_i with fixed random weights r, so dL/dy = r.
/// Each analytic gradient from `backward` is compared with (L(x + h) − L(x − h)) / 2h.
///
/// `separated` draws inputs 0.1 apart and at least 0.05 from zero, for layers with kinks (max
/// pooling, ReLU), where a step h = 0.01 across a tie or across zero would break the difference.
func checkGradients(_ layer: Layer, inputShape: [Int], batch: Int = 2, seed: UInt64 = 1,
                    separated: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
    var rng = SeededRNG(seed: seed)
    try layer.build(inputShape: inputShape, rng: &rng)
    // Non-zero biases so they matter.
    for p in layer.parameters where p.name == "bias" {
        for i in p.value.data.indices { p.value.data[i] = rng.uniform(-0.5, 0.5) }
    }
    var x = Tensor.zeros([batch] + inputShape)
    for i in x.data.indices { x.data[i] = rng.uniform(-1, 1) }
    if separated {
        let grid = x.data.indices.map { Float($0 - x.count / 2) * 0.1 + 0.05 }
        x.data = grid.shuffled(using: &rng)
    }
    let outShape = [batch] + (try layer.outputShape(for: inputShape))
    var r = Tensor.zeros(outShape)
    for i in r.data.indices { r.data[i] = rng.uniform(-1, 1) }

    func lossAt(_ input: Tensor) throws -> Double {
        let y = try layer.forward(input, training: false)
        return zip(y.data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    _ = try layer.forward(x, training: false)
    for p in layer.parameters { p.zeroGradient() }
    let dx = try layer.backward(r)
    let h: Float = 1e-2

    // The criterion of `CentralDifference` (a 1% error fails it): with h = 1e-2 the central
    // difference of a smooth activation is off by h²/6 · |f‴| ≲ 2e-5, well inside it.
    func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
        XCTAssert(CentralDifference.agrees(Double(analytic), numeric), "\(layer.kind) \(what): analytic \(analytic), numeric \(numeric)", file: file, line: line)
    }

    for i in x.data.indices {
        var plus = x, minus = x
        plus.data[i] += h; minus.data[i] -= h
        let numeric = (try lossAt(plus) - lossAt(minus)) / Double(2 * h)
        compare(dx.data[i], numeric, "dL/dx[\(i)]")
    }
    for p in layer.parameters {
        let analytic = p.gradient
        for i in p.value.data.indices {
            let saved = p.value.data[i]
            p.value.data[i] = saved + h
            let lp = try lossAt(x)
            p.value.data[i] = saved - h
            let lm = try lossAt(x)
            p.value.data[i] = saved
            compare(analytic.data[i], (lp - lm) / Double(2 * h), "dL/d\(p.name)[\(i)]")
        }
    }
}

func assertClose(_ a: [Float], _ b: [Float], accuracy: Float = Tolerance.exact, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "counts differ", file: file, line: line)
    for (i, (x, y)) in zip(a, b).enumerated() where abs(x - y) > accuracy * max(1, abs(y)) {
        XCTFail("element \(i): \(x) vs \(y)", file: file, line: line)
        return
    }
}

func temporaryFolder(_ name: String = #function) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("cnnviz-tests-\(name.filter { $0.isLetter })-\(UInt32.random(in: 0...UInt32.max))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// What the fast-against-plain tests share.
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
}
