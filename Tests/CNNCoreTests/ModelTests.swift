import XCTest
@testable import CNNCore

final class ModelTests: XCTestCase {
    func testCourseworkModelMatchesKerasSummary() throws {
        let model = try Coursework.model()
        XCTAssertEqual(model.layers.map(\.name), ["conv2d", "max_pooling2d", "flatten", "dense", "dense_1"])
        XCTAssertEqual(model.outputShapes, [[62, 62, 32], [31, 31, 32], [30752], [128], [1]])
        XCTAssertEqual(model.layers.map(\.parameterCount), [896, 0, 0, 3_936_384, 129])
        XCTAssertEqual(model.parameterCount, 3_937_409)
        let text = Summary.text(model)
        XCTAssertTrue(text.contains("Total params: 3,937,409"))
        XCTAssertTrue(text.contains("(None, 62, 62, 32)"))
        XCTAssertEqual(SavedModel.namedWeights(model).map { "\($0.name) \($0.tensor.shape)" },
                       ["conv2d.kernel [3, 3, 3, 32]", "conv2d.bias [32]", "dense.kernel [30752, 128]",
                        "dense.bias [128]", "dense_1.kernel [128, 1]", "dense_1.bias [1]"])
    }

    func testKerasAutomaticNames() throws {
        let model = try Sequential(inputShape: [8, 8, 1], layers: [
            Conv2D(filters: 1, kernelSize: (3, 3)), Conv2D(filters: 1, kernelSize: (3, 3)),
            Pooling2D(.average), Flatten(), Dropout(rate: 0.1), Dense(units: 2), ActivationLayer(.softmax),
        ])
        XCTAssertEqual(model.layers.map(\.name),
                       ["conv2d", "conv2d_1", "average_pooling2d", "flatten", "dropout", "dense", "activation"])
    }

    /// glorot_uniform: |w| ≤ √(6 / (fan_in + fan_out)), biases zero, and the same seed gives the same bytes.
    func testGlorotUniformAndSeeds() throws {
        let a = try Coursework.model(seed: 42), b = try Coursework.model(seed: 42), c = try Coursework.model(seed: 43)
        let limitConv = (6.0 / Float(27 + 288)).squareRoot()
        let conv = a.parameters[0].value.data
        XCTAssertLessThanOrEqual(conv.map(abs).max() ?? 9, limitConv)
        XCTAssertGreaterThan(conv.map(abs).max() ?? 0, limitConv * 0.9)  // the whole range is used
        XCTAssertEqual(a.parameters[1].value.data, [Float](repeating: 0, count: 32))
        let limitDense = (6.0 / Float(30752 + 128)).squareRoot()
        XCTAssertLessThanOrEqual(a.parameters[2].value.data.map(abs).max() ?? 9, limitDense)
        XCTAssertEqual(a.parameters.map(\.value), b.parameters.map(\.value))
        XCTAssertNotEqual(a.parameters[0].value, c.parameters[0].value)
    }

    func testShapeMismatchNamesLayerAndShapes() throws {
        let model = try Coursework.model()
        XCTAssertThrowsError(try model.forward(Tensor.zeros([1, 32, 32, 3]))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("conv2d"), text)
            XCTAssertTrue(text.contains("(None, 64, 64, 3)") && text.contains("(1, 32, 32, 3)"), text)
        }
    }

    func testKernelLargerThanInputIsRefused() {
        XCTAssertThrowsError(try Sequential(inputShape: [2, 2, 1], layers: [Conv2D(filters: 1, kernelSize: (3, 3))])) { error in
            XCTAssertTrue("\(error)".contains("does not fit"), "\(error)")
        }
    }

    /// A few Adam steps on a fixed batch make the loss fall.
    func testTrainingStepsReduceLoss() throws {
        let model = try Sequential(inputShape: [8, 8, 1], layers: [
            Conv2D(filters: 4, kernelSize: (3, 3), activation: .relu), Pooling2D(.max), Flatten(),
            Dense(units: 8, activation: .relu), Dense(units: 1, activation: .sigmoid),
        ], seed: 1)
        // Class 1: a bright left half; class 0: a bright right half.
        var x = Tensor.zeros([8, 8, 8, 1])
        var y = Tensor.zeros([8, 1])
        for n in 0..<8 {
            y.data[n] = Float(n % 2)
            for h in 0..<8 { for w in 0..<8 where (w < 4) == (n % 2 == 1) { x[n, h, w, 0] = 1 } }
        }
        let adam = Adam(learningRate: 0.01)
        let first = try model.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam).loss
        var last = first
        for _ in 0..<100 { last = try model.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam).loss }
        XCTAssertLessThan(last, first * 0.5)
    }

    /// `forward(_:through:)` stops after a layer with that layer's output of the full pass.
    func testForwardThroughALayerGivesThatLayersOutput() throws {
        let model = try Sequential(inputShape: [6, 6, 2], layers: [
            Conv2D(filters: 3, kernelSize: (3, 3), activation: .relu), Pooling2D(.max, poolSize: (2, 2)), Flatten(), Dense(units: 1, activation: .sigmoid),
        ], seed: 4)
        var rng = SeededRNG(seed: 9)
        let x = Tensor(shape: [1, 6, 6, 2], data: (0..<72).map { _ in rng.nextUnitFloat() })
        let trace = Trace()
        _ = try model.forward(x, trace: trace)
        for last in 0..<model.layers.count {
            let partial = try model.forward(x, through: last)
            XCTAssertEqual(partial.data, trace.tensor(layer: model.layers[last].name, role: .output)?.data, "through layer \(last)")
            XCTAssertEqual(Array(partial.shape.dropFirst()), model.outputShapes[last])
        }
    }
}
