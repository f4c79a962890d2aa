import XCTest
@testable import CNNCore

/// GlobalAveragePooling2D and GlobalMaxPooling2D: by hand, by central differences, and Keras'
/// conventions (output (N, C), keepdims, names and aliases).
final class GlobalPoolingTests: XCTestCase {
    /// 0..<8 as one 2×2 image with 2 channels: channel 0 holds 0, 2, 4, 6 and channel 1 holds
    /// 1, 3, 5, 7 (channels last). Average: (3, 4). Max: (6, 7).
    let x = Tensor(shape: [1, 2, 2, 2], data: (0..<8).map(Float.init))

    func built<L: Layer>(_ layer: L, _ shape: [Int] = [2, 2, 2]) throws -> L {
        var rng = SeededRNG(seed: 0)
        try layer.build(inputShape: shape, rng: &rng)
        return layer
    }

    func testAverageByHand() throws {
        let gap = try built(GlobalAveragePooling2D(name: "g"))
        let y = try gap.forward(x, training: false)
        XCTAssertEqual(y.shape, [1, 2])
        XCTAssertEqual(y.data, [3, 4])
        // Each of the 4 positions gets a quarter of the gradient: dy = (4, 8) → 1 and 2 everywhere.
        let dx = try gap.backward(Tensor(shape: [1, 2], data: [4, 8]))
        XCTAssertEqual(dx.shape, [1, 2, 2, 2])
        XCTAssertEqual(dx.data, [1, 2, 1, 2, 1, 2, 1, 2])
    }

    func testMaxByHand() throws {
        let gmp = try built(GlobalMaxPooling2D(name: "g"))
        let y = try gmp.forward(x, training: false)
        XCTAssertEqual(y.shape, [1, 2])
        XCTAssertEqual(y.data, [6, 7])
        // Only the maxima (the last position, indices 6 and 7) get the gradient.
        let dx = try gmp.backward(Tensor(shape: [1, 2], data: [4, 8]))
        XCTAssertEqual(dx.data, [0, 0, 0, 0, 0, 0, 4, 8])
    }

    /// A tie splits the gradient equally between the positions holding the maximum, as
    /// TensorFlow's gradient of `reduce_max`: channel 0 holds 5 at three of its four positions.
    func testMaxTieSplitsTheGradient() throws {
        let layer = try built(GlobalMaxPooling2D())
        let tied = Tensor(shape: [1, 2, 2, 2], data: [5, 1, 2, 3, 5, 7, 5, 0])
        XCTAssertEqual(try layer.forward(tied, training: true).data, [5, 7])
        let dx = try layer.backward(Tensor(shape: [1, 2], data: [3, -2]))
        XCTAssertEqual(dx.data, [1, 0, 0, 0, 1, -2, 1, 0])
    }

    func testKeepDimsGivesOneByOneMaps() throws {
        let gap = try built(GlobalAveragePooling2D(keepDims: true, name: "g"))
        XCTAssertEqual(try gap.outputShape(for: [2, 2, 2]), [1, 1, 2])
        XCTAssertEqual(try gap.forward(x, training: false).shape, [1, 1, 1, 2])
        XCTAssertEqual(try gap.backward(Tensor(shape: [1, 1, 1, 2], data: [4, 8])).data, [1, 2, 1, 2, 1, 2, 1, 2])
        XCTAssertThrowsError(try GlobalMaxPooling2D(name: "g").outputShape(for: [16]), "needs (H, W, C)")
    }

    func testGradients() throws {
        try checkGradients(GlobalAveragePooling2D(name: "g"), inputShape: [3, 4, 2], batch: 2)
        try checkGradients(GlobalAveragePooling2D(keepDims: true, name: "g"), inputShape: [2, 3, 3], batch: 2)
        // Max: inputs kept apart so a step of h never swaps which value is largest.
        try checkGradients(GlobalMaxPooling2D(name: "g"), inputShape: [3, 4, 2], batch: 2, separated: true)
    }

    /// Keras' class names, the short aliases, the config keys, and the automatic names.
    func testFactoryAndNames() throws {
        for (name, type) in [("GlobalAveragePooling2D", "GlobalAveragePooling2D"), ("GlobalAvgPool2D", "GlobalAveragePooling2D"),
                             ("GlobalMaxPooling2D", "GlobalMaxPooling2D"), ("GlobalMaxPool2D", "GlobalMaxPooling2D")] {
            let layer = try LayerFactory.make(className: name, config: ["data_format": .string("channels_last"), "keepdims": .bool(false)],
                                              position: 1, path: "m.json")
            XCTAssertEqual(layer.kind.rawValue, type)
        }
        XCTAssertThrowsError(try LayerFactory.make(className: "GlobalAveragePooling2D", config: ["data_format": .string("channels_first")],
                                                   position: 1, path: "m.json"))
        let model = try Sequential(inputShape: [4, 4, 2], layers: [
            GlobalAveragePooling2D(keepDims: true), GlobalMaxPooling2D(), BatchNormalization(), BatchNormalization(),
        ])
        XCTAssertEqual(model.layers.map(\.name), ["global_average_pooling2d", "global_max_pooling2d", "batch_normalization", "batch_normalization_1"])
        XCTAssertEqual(model.outputShapes, [[1, 1, 2], [2], [2], [2]])
    }
}
