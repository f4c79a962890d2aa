import CNNCore
import GradientCheckSupport
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

    /// dL/dx from backward against central differences of L = Σ r·y for every input value, under
    /// the engine's shared rule (`CentralDifference`: 1e-3 relative, and a 1% error is caught).
    /// Both layers are linear in x, so no probe sits at a kink.
    func checkGradient(_ layer: Layer, inputShape: [Int]) throws {
        let model = try single(layer, inputShape: inputShape)
        let count = inputShape.reduce(1, *) * 2
        let x = TensorBox(Tensor(shape: [2] + inputShape, data: (0..<count).map { Float(($0 * 37) % 11) / 5 - 1 }))
        let y = try model.forward(x.tensor)
        let r = (0..<y.count).map { Float(($0 * 13) % 7) / 3 - 1 }
        let analytic = try layer.backward(Tensor(shape: y.shape, data: r))
        let comparisons = try CentralDifference.compare(x.probes(gradient: analytic)) {
            zip(try model.forward(x.tensor).data, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        CentralDifference.assertAgree(comparisons, "\(layer.kind)")
        CentralDifference.assertCatchesOnePercent(comparisons, "\(layer.kind)")
    }

    func testRescalingGradient() throws { try checkGradient(Rescaling(scale: 0.5, offset: 0.25), inputShape: [3, 2, 2]) }
    func testZeroPaddingGradient() throws { try checkGradient(ZeroPadding2D(top: 2, bottom: 1, left: 0, right: 3), inputShape: [3, 2, 2]) }

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
