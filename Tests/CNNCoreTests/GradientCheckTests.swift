import XCTest
@testable import CNNCore
import GradientCheckSupport

/// Central-difference checks of every layer's input and parameter gradients (the reference
/// layers; the fast plan's stages are checked in FastPlanTests).
final class GradientCheckTests: XCTestCase {
    func testConv2DValid() throws {
        let conv = Conv2D(filters: 2, kernelSize: (2, 2), activation: .linear, name: "c")
        try checkGradients(conv, inputShape: [4, 5, 3])
    }

    func testConv2DSameStride2WithTanh() throws {
        let conv = Conv2D(filters: 3, kernelSize: (3, 3), strides: (2, 2), padding: .same, activation: .tanh, name: "c")
        try checkGradients(conv, inputShape: [5, 4, 2])
    }

    func testConv2DWithoutBiasSigmoid() throws {
        let conv = Conv2D(filters: 2, kernelSize: (1, 2), activation: .sigmoid, useBias: false, name: "c")
        try checkGradients(conv, inputShape: [3, 3, 2])
    }

    func testDense() throws {
        for activation in [Activation.linear, .sigmoid, .tanh, .softmax] {
            let dense = Dense(units: 4, activation: activation, name: "d")
            try checkGradients(dense, inputShape: [5])
        }
    }

    /// ReLU's kink at 0 breaks central differences, so inputs are kept away from it.
    func testActivationLayers() throws {
        try checkGradients(ActivationLayer(.relu, name: "a"), inputShape: [7], separated: true)
        for activation in [Activation.sigmoid, .tanh, .softmax, .linear] {
            try checkGradients(ActivationLayer(activation, name: "a"), inputShape: [2, 3])
        }
    }

    func testMaxPooling() throws {
        for padding in [Padding.valid, .same] {
            try checkGradients(Pooling2D(.max, poolSize: (2, 2), padding: padding, name: "p"), inputShape: [5, 4, 2], separated: true)
        }
        try checkGradients(Pooling2D(.max, poolSize: (3, 3), strides: (1, 1), name: "p"), inputShape: [4, 4, 1], separated: true)
    }

    func testAveragePooling() throws {
        for padding in [Padding.valid, .same] {
            try checkGradients(Pooling2D(.average, poolSize: (2, 2), padding: padding, name: "p"), inputShape: [5, 3, 2])
        }
    }

    func testFlatten() throws {
        try checkGradients(Flatten(name: "f"), inputShape: [2, 3, 2])
    }

    /// Dropout is random per forward pass, so its derivative is checked directly: dx = dy · y / x.
    func testDropoutGradientIsItsMask() throws {
        let dropout = Dropout(rate: 0.3, name: "d")
        var rng = SeededRNG(seed: 1)
        try dropout.build(inputShape: [50], rng: &rng)
        var x = Tensor.zeros([1, 50])
        for i in x.data.indices { x.data[i] = rng.uniform(0.5, 1.5) }
        let y = try dropout.forward(x, training: true)
        let dx = try dropout.backward(Tensor(shape: [1, 50], repeating: 1))
        for i in x.data.indices { XCTAssertEqual(dx.data[i], y.data[i] / x.data[i], accuracy: 1e-5) }
    }

    /// The whole coursework-shaped model (small), gradient of the BCE loss from the logit.
    func testSmallModelLossGradient() throws {
        let model = try Sequential(inputShape: [6, 6, 3], layers: [
            Conv2D(filters: 2, kernelSize: (3, 3), activation: .tanh), Pooling2D(.max), Flatten(),
            Dense(units: 3, activation: .tanh), Dense(units: 1, activation: .sigmoid),
        ], seed: 7)
        var rng = SeededRNG(seed: 2)
        var x = Tensor.zeros([2, 6, 6, 3])
        for i in x.data.indices { x.data[i] = rng.uniform(0, 1) }
        let y = Tensor(shape: [2, 1], data: [0, 1])
        func loss() throws -> Double {
            let out = try model.forward(x)
            return Double(try model.lossAndGradient(output: out, targets: y, loss: .binaryCrossentropy).loss)
        }
        let out = try model.forward(x, training: true)
        let (_, grad, fromLogit) = try model.lossAndGradient(output: out, targets: y, loss: .binaryCrossentropy)
        XCTAssertTrue(fromLogit)
        model.zeroGradients()
        try model.backward(grad, fromPreActivation: fromLogit)
        let h: Float = 1e-2
        for p in model.parameters {
            for i in stride(from: 0, to: p.value.count, by: max(1, p.value.count / 7)) {
                let saved = p.value.data[i]
                p.value.data[i] = saved + h; let lp = try loss()
                p.value.data[i] = saved - h; let lm = try loss()
                p.value.data[i] = saved
                let numeric = (lp - lm) / Double(2 * h)
                XCTAssert(CentralDifference.agrees(Double(p.gradient.data[i]), numeric),
                          "\(p.name)[\(i)]: analytic \(p.gradient.data[i]), numeric \(numeric)")
            }
        }
    }
}
