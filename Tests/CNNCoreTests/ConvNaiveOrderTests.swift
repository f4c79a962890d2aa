import XCTest
@testable import CNNCore

/// `ConvNaive.forward` and `backward` compute every filter of an output pixel together (for
/// speed); each sum must still be the formula's, term by term in the same order: bit for bit one
/// filter at a time.
final class ConvNaiveOrderTests: XCTestCase {
    /// Valid and same padding, strides of 1 and 2, 1×1 to 3×3 windows, 5 to 32 filters.
    static let shapes: [(ConvGeometry, Int)] = [
        (ConvGeometry(batch: 2, height: 9, width: 8, channels: 3, kernel: (3, 3), strides: (1, 1), padding: .valid), 32),
        (ConvGeometry(batch: 1, height: 7, width: 11, channels: 2, kernel: (3, 2), strides: (2, 1), padding: .same), 5),
        (ConvGeometry(batch: 2, height: 6, width: 6, channels: 4, kernel: (3, 3), strides: (2, 2), padding: .same), 7),
        (ConvGeometry(batch: 1, height: 5, width: 5, channels: 4, kernel: (1, 1), strides: (1, 1), padding: .valid), 17),
    ]

    /// The formula, one output value at a time, as the reference read before.
    func oneFilterAtATime(_ x: [Float], _ k: [Float], _ b: [Float]?, _ g: ConvGeometry, _ f: Int) -> [Float] {
        var y = [Float](repeating: 0, count: g.batch * g.outHeight * g.outWidth * f)
        for n in 0..<g.batch { for oh in 0..<g.outHeight { for ow in 0..<g.outWidth { for filter in 0..<f {
            var sum: Float = b?[filter] ?? 0
            for i in 0..<g.kernelHeight {
                let ih = oh * g.strideHeight - g.padTop + i
                guard ih >= 0 && ih < g.height else { continue }
                for j in 0..<g.kernelWidth {
                    let iw = ow * g.strideWidth - g.padLeft + j
                    guard iw >= 0 && iw < g.width else { continue }
                    for c in 0..<g.channels {
                        sum += x[((n * g.height + ih) * g.width + iw) * g.channels + c] * k[((i * g.kernelWidth + j) * g.channels + c) * f + filter]
                    }
                }
            }
            y[((n * g.outHeight + oh) * g.outWidth + ow) * f + filter] = sum
        }}}}
        return y
    }

    func testAllFiltersTogetherGiveTheFormulasBits() {
        var rng = SeededRNG(seed: 12)
        for (g, f) in Self.shapes {
            let x = (0..<(g.batch * g.height * g.width * g.channels)).map { _ -> Float in rng.uniform(Float(-1), Float(1)) }
            let k = (0..<(g.kernelHeight * g.kernelWidth * g.channels * f)).map { _ -> Float in rng.uniform(Float(-1), Float(1)) }
            let b = (0..<f).map { _ -> Float in rng.uniform(Float(-1), Float(1)) }
            for bias in [b, nil] {
                let fast = ConvNaive.forward(input: x, kernel: k, bias: bias, geometry: g, filters: f)
                let formula = oneFilterAtATime(x, k, bias, g, f)
                XCTAssertEqual(fast.map { $0.bitPattern }, formula.map { $0.bitPattern }, "\(g), \(f) filters, bias \(bias != nil)")
            }
        }
    }

    /// The backward as the reference read before: one output value's gradient at a time, each
    /// spread over its patch.
    func backwardOneFilterAtATime(_ x: [Float], _ k: [Float], _ dy: [Float], _ g: ConvGeometry, _ f: Int,
                                  _ dk: inout [Float], _ db: inout [Float], inputGradient: Bool) -> [Float] {
        var dx = inputGradient ? [Float](repeating: 0, count: x.count) : []
        for n in 0..<g.batch { for oh in 0..<g.outHeight { for ow in 0..<g.outWidth { for filter in 0..<f {
            let grad = dy[((n * g.outHeight + oh) * g.outWidth + ow) * f + filter]
            if !db.isEmpty { db[filter] += grad }
            for i in 0..<g.kernelHeight {
                let ih = oh * g.strideHeight - g.padTop + i
                guard ih >= 0 && ih < g.height else { continue }
                for j in 0..<g.kernelWidth {
                    let iw = ow * g.strideWidth - g.padLeft + j
                    guard iw >= 0 && iw < g.width else { continue }
                    for c in 0..<g.channels {
                        let xi = ((n * g.height + ih) * g.width + iw) * g.channels + c
                        let ki = ((i * g.kernelWidth + j) * g.channels + c) * f + filter
                        dk[ki] += x[xi] * grad
                        if inputGradient { dx[xi] += k[ki] * grad }
                    }
                }
            }
        }}}}
        return dx
    }

    func testBackwardWithAllFiltersTogetherGivesTheFormulasBits() {
        var rng = SeededRNG(seed: 13)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ -> Float in rng.uniform(Float(-1), Float(1)) } }
        for (g, f) in Self.shapes {
            let x = random(g.batch * g.height * g.width * g.channels), k = random(g.kernelHeight * g.kernelWidth * g.channels * f)
            let dy = random(g.batch * g.outHeight * g.outWidth * f)
            // dK and db are added into: start them away from zero, as a second batch would.
            let dk0 = random(k.count), db0 = random(f)
            for (inputGradient, withBias) in [(true, true), (false, true), (true, false)] {
                var dk = dk0, db = withBias ? db0 : [], dkFormula = dk0, dbFormula = withBias ? db0 : []
                let dx = ConvNaive.backward(input: x, kernel: k, outputGradient: dy, geometry: g, filters: f,
                                            kernelGradient: &dk, biasGradient: &db, inputGradient: inputGradient)
                let dxFormula = backwardOneFilterAtATime(x, k, dy, g, f, &dkFormula, &dbFormula, inputGradient: inputGradient)
                let what = "\(g), \(f) filters, dx \(inputGradient), bias \(withBias)"
                XCTAssertEqual(dx.map { $0.bitPattern }, dxFormula.map { $0.bitPattern }, "\(what): dx")
                XCTAssertEqual(dk.map { $0.bitPattern }, dkFormula.map { $0.bitPattern }, "\(what): dK")
                XCTAssertEqual(db.map { $0.bitPattern }, dbFormula.map { $0.bitPattern }, "\(what): db")
            }
        }
    }
}
