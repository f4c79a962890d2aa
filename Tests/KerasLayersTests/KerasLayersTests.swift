import CNNCore
import XCTest

/// Rescaling and ZeroPadding2D, the two layers Keras files brought: a case to check by hand,
/// a central-difference gradient check, and Keras' names and configs.
final class KerasLayersTests: XCTestCase {
    /// A model of one layer, built on `inputShape`.
    func single(_ layer: Layer, inputShape: [Int]) throws -> Sequential {
        try Sequential(inputShape: inputShape, layers: [layer])
    }

    // MARK: - By hand

    func testRescalingByHand() throws {
        let layer = Rescaling(scale: 1.0 / 255, offset: -1)
        let model = try single(layer, inputShape: [1, 2, 1])
        let y = try model.forward(Tensor(shape: [1, 1, 2, 1], data: [0, 255]))
        XCTAssertEqual(y.data, [-1, 0])  // 0·(1/255) − 1 and 255·(1/255) − 1
        let dx = try layer.backward(Tensor(shape: [1, 1, 2, 1], data: [255, 510]))
        XCTAssertEqual(dx.data, [1, 2])  // dy · scale
        XCTAssertEqual(layer.name, "rescaling")
        XCTAssertEqual(layer.parameterCount, 0)
    }

    func testZeroPaddingByHand() throws {
        // 2×2 input [1 2; 3 4], one row on top, one column on the right:
        //   0 0 0
        //   1 2 0
        //   3 4 0
        let layer = ZeroPadding2D(top: 1, bottom: 0, left: 0, right: 1)
        let model = try single(layer, inputShape: [2, 2, 1])
        XCTAssertEqual(model.outputShape, [3, 3, 1])
        let y = try model.forward(Tensor(shape: [1, 2, 2, 1], data: [1, 2, 3, 4]))
        XCTAssertEqual(y.data, [0, 0, 0, 1, 2, 0, 3, 4, 0])
        // Backward crops: the border's gradients go nowhere.
        let dx = try layer.backward(Tensor(shape: [1, 3, 3, 1], data: [9, 9, 9, 1, 2, 9, 3, 4, 9]))
        XCTAssertEqual(dx.data, [1, 2, 3, 4])
        XCTAssertEqual(layer.name, "zero_padding2d")
    }

    // MARK: - Central differences

    /// dL/dx from backward against (L(x + h) − L(x − h)) / 2h for L = Σ r·y, every input value.
    /// Both layers are linear in x, so the central difference is exact but for Float rounding;
    /// the rule is CNNCore's: |analytic − numeric| ≤ 1e-3 · max(|numeric|, 0.1). Returns the
    /// largest |analytic − numeric| as a share of what the rule allows (≤ 1 passes).
    func gradientError(_ layer: Layer, inputShape: [Int]) throws -> Double {
        let model = try single(layer, inputShape: inputShape)
        let count = inputShape.reduce(1, *) * 2
        let x = Tensor(shape: [2] + inputShape, data: (0..<count).map { Float(($0 * 37) % 11) / 5 - 1 })
        let y = try model.forward(x)
        let r = (0..<y.count).map { Float(($0 * 13) % 7) / 3 - 1 }
        let analytic = try layer.backward(Tensor(shape: y.shape, data: r))
        func loss(_ input: Tensor) throws -> Double {
            zip(try model.forward(input).data, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let h: Float = 1e-2
        var worst = 0.0
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.data[i] += h
            minus.data[i] -= h
            let numeric = (try loss(plus) - loss(minus)) / Double(2 * h)
            worst = max(worst, abs(Double(analytic.data[i]) - numeric) / (1e-3 * max(abs(numeric), 0.1)))
        }
        return worst
    }

    func testRescalingGradient() throws {
        XCTAssertLessThanOrEqual(try gradientError(Rescaling(scale: 0.5, offset: 0.25), inputShape: [3, 2, 2]), 1)
    }

    func testZeroPaddingGradient() throws {
        XCTAssertLessThanOrEqual(try gradientError(ZeroPadding2D(top: 2, bottom: 1, left: 0, right: 3), inputShape: [3, 2, 2]), 1)
    }

    /// A wrong backward is caught: the check fails when the gradient is off by 1%.
    func testGradientCheckCatchesOnePercent() throws {
        final class Off: Layer {
            let inner = Rescaling(scale: 2)
            var name = "off"
            var kind: LayerKind { .rescaling }
            var parameters: [Parameter] { [] }
            var backend: KernelBackend = .fast
            var needsInputGradient = true
            func outputShape(for s: [Int]) throws -> [Int] { s }
            func build(inputShape: [Int], rng: inout SeededRNG) throws { try inner.build(inputShape: inputShape, rng: &rng) }
            func forward(_ x: Tensor, training: Bool) throws -> Tensor { try inner.forward(x, training: training) }
            func backward(_ dy: Tensor) throws -> Tensor {
                var dx = try inner.backward(dy)
                for i in dx.data.indices { dx.data[i] *= 1.01 }
                return dx
            }
            var config: [String: JSONValue] { [:] }
        }
        XCTAssertGreaterThan(try gradientError(Off(), inputShape: [2, 2, 1]), 1)
    }

    // MARK: - Keras' configs

    func testConfigsReadAsKerasWritesThem() throws {
        let spec = ModelSpec(inputShape: [4, 4, 3], layers: [
            ("Rescaling", ["name": .string("rescaling"), "scale": .number(1.0 / 255), "offset": .number(0)]),
            ("ZeroPadding2D", ["name": .string("zero_padding2d"), "padding": .array([.ints([1, 2]), .ints([3, 4])]), "data_format": .string("channels_last")]),
            ("ZeroPadding2D", ["padding": .int(1)]),
            ("ZeroPadding2D", ["padding": .ints([2, 0])]),
        ])
        let model = try spec.build()
        XCTAssertEqual(model.outputShapes, [[4, 4, 3], [7, 11, 3], [9, 13, 3], [13, 13, 3]])
        XCTAssertEqual(model.layers.map(\.name), ["rescaling", "zero_padding2d", "zero_padding2d_1", "zero_padding2d_2"])
        XCTAssertEqual(model.layers[1].config["padding"], .array([.ints([1, 2]), .ints([3, 4])]))
        XCTAssertEqual(model.layers[0].config["scale"], .number(0.003921569))
    }

    func testBadConfigsAreRefused() throws {
        let bad = ModelSpec(inputShape: [4, 4, 3], layers: [("ZeroPadding2D", ["padding": .string("same")])])
        XCTAssertThrowsError(try bad.build(path: "m.json")) { error in
            XCTAssertEqual("\(error)", "model file m.json: layer 1 (ZeroPadding2D): \"padding\" must be 1, [rows, columns] or [[top, bottom], [left, right]], each from 0 to 4096. Fix the file, or write it again with `cnnviz` (see README, 'Model folders').")
        }
        let perChannel = ModelSpec(inputShape: [4, 4, 3], layers: [("Rescaling", ["scale": .ints([1, 2, 3])])])
        XCTAssertThrowsError(try perChannel.build(path: "m.json")) { error in
            XCTAssertEqual("\(error)", "model file m.json: layer 1 (Rescaling): \"scale\" must be one number, e.g. 0.00392156862745098 (1/255). Fix the file, or write it again with `cnnviz` (see README, 'Model folders').")
        }
    }
}
