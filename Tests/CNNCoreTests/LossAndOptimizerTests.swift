import XCTest
@testable import CNNCore

final class LossTests: XCTestCase {
    /// −mean(log 0.8, log 0.7) = (0.22314355 + 0.35667494) / 2.
    func testBinaryCrossentropyFromProbabilities() {
        let (loss, grad) = Loss.binaryCrossentropy.fromProbabilities(Tensor(shape: [2, 1], data: [0.8, 0.3]),
                                                                     targets: Tensor(shape: [2, 1], data: [1, 0]))
        XCTAssertEqual(loss, 0.28990924, accuracy: 1e-6)
        // d/dp of −log p is −1/p, of −log(1 − p) is 1/(1 − p); divided by the batch of 2.
        assertClose(grad.data, [-1 / 0.8 / 2, 1 / 0.7 / 2])
    }

    /// Keras clips p to [1e-7, 1 − 1e-7]: p = 0 with y = 1 costs −log(1e-7) = 16.118095, not infinity.
    func testBinaryCrossentropyClipsWithKerasEpsilon() {
        let (loss, grad) = Loss.binaryCrossentropy.fromProbabilities(Tensor(shape: [1, 1], data: [0]),
                                                                     targets: Tensor(shape: [1, 1], data: [1]))
        XCTAssertEqual(loss, 16.118095, accuracy: 1e-3)
        XCTAssertEqual(grad.data, [0])  // clipped: no gradient, as tf.clip_by_value
    }

    /// From the logit z: max(z, 0) − z·y + log(1 + e^(−|z|)); z = 0, y = 1 → log 2; z = 2, y = 0 → 2.126928.
    func testBinaryCrossentropyFromLogits() {
        let (loss, grad) = Loss.binaryCrossentropy.fromLogits(Tensor(shape: [2, 1], data: [0, 2]),
                                                              targets: Tensor(shape: [2, 1], data: [1, 0]))
        XCTAssertEqual(loss, (0.6931472 + 2.126928) / 2, accuracy: 1e-6)
        assertClose(grad.data, [(0.5 - 1) / 2, 0.88079708 / 2])
        // Large logits stay finite where the probability would round to exactly 1.
        let far = Loss.binaryCrossentropy.fromLogits(Tensor(shape: [1, 1], data: [40]), targets: Tensor(shape: [1, 1], data: [0]))
        XCTAssertEqual(far.loss, 40, accuracy: 1e-4)
    }

    func testLogitAndProbabilityPathsAgreeAwayFromClipping() {
        let z = Tensor(shape: [3, 1], data: [-1.5, 0.2, 2.5])
        let y = Tensor(shape: [3, 1], data: [0, 1, 1])
        let fromLogit = Loss.binaryCrossentropy.fromLogits(z, targets: y).loss
        let fromProb = Loss.binaryCrossentropy.fromProbabilities(Activation.sigmoid.apply(z), targets: y).loss
        XCTAssertEqual(fromLogit, fromProb, accuracy: 1e-6)
    }

    /// −log 0.7 for a one-hot target on the middle class.
    func testCategoricalCrossentropy() {
        let p = Tensor(shape: [1, 3], data: [0.2, 0.7, 0.1])
        let y = Tensor(shape: [1, 3], data: [0, 1, 0])
        XCTAssertEqual(Loss.categoricalCrossentropy.fromProbabilities(p, targets: y).loss, 0.35667494, accuracy: 1e-6)
        // From logits (1, 2, 3) with target class 2: logsumexp − 3 = 0.40760596.
        let (loss, grad) = Loss.categoricalCrossentropy.fromLogits(Tensor(shape: [1, 3], data: [1, 2, 3]),
                                                                   targets: Tensor(shape: [1, 3], data: [0, 0, 1]))
        XCTAssertEqual(loss, 0.40760596, accuracy: 1e-6)
        assertClose(grad.data, [0.09003057, 0.24472847, 0.66524096 - 1])
    }

    /// p > 0.5 is class 1; exactly 0.5 is class 0.
    func testBinaryAccuracyThreshold() {
        let acc = Accuracy.of(Tensor(shape: [3, 1], data: [0.6, 0.4, 0.5]), targets: Tensor(shape: [3, 1], data: [1, 1, 0]))
        XCTAssertEqual(acc, 2.0 / 3.0, accuracy: 1e-6)
        let cat = Accuracy.of(Tensor(shape: [2, 2], data: [0.9, 0.1, 0.3, 0.7]), targets: Tensor(shape: [2, 2], data: [1, 0, 1, 0]))
        XCTAssertEqual(cat, 0.5)
    }
}

final class OptimizerTests: XCTestCase {
    func parameter(_ w: Float, gradient g: Float) -> Parameter {
        let p = Parameter(name: "kernel", value: Tensor(shape: [1], data: [w]))
        p.gradient = Tensor(shape: [1], data: [g])
        return p
    }

    /// w −= lr·g: 1 − 0.1·0.5 = 0.95.
    func testPlainSGD() {
        let p = parameter(1, gradient: 0.5)
        SGD(learningRate: 0.1).step([p])
        XCTAssertEqual(p.value.data[0], 0.95, accuracy: 1e-7)
    }

    /// v = 0.9v − 0.1·0.5: v₁ = −0.05, w₁ = 0.95; v₂ = −0.095, w₂ = 0.855.
    func testSGDWithMomentum() {
        let p = parameter(1, gradient: 0.5)
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        sgd.step([p]); XCTAssertEqual(p.value.data[0], 0.95, accuracy: 1e-6)
        sgd.step([p]); XCTAssertEqual(p.value.data[0], 0.855, accuracy: 1e-6)
    }

    /// Nesterov: w += μv − lr·g: w₁ = 1 − 0.045 − 0.05 = 0.905; w₂ = 0.905 − 0.0855 − 0.05 = 0.7695.
    func testSGDWithNesterov() {
        let p = parameter(1, gradient: 0.5)
        let sgd = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        sgd.step([p]); XCTAssertEqual(p.value.data[0], 0.905, accuracy: 1e-6)
        sgd.step([p]); XCTAssertEqual(p.value.data[0], 0.7695, accuracy: 1e-6)
    }

    /// Two Adam steps worked out with Keras' formulas (defaults lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7).
    func testAdamMatchesKerasFormula() {
        let p = parameter(1, gradient: 0.5)
        let adam = Adam()
        var w = 1.0, m = 0.0, v = 0.0
        for (t, g) in [(1.0, 0.5), (2.0, -0.25)] {
            p.gradient.data[0] = Float(g)
            adam.step([p])
            let alpha = 0.001 * (1 - pow(0.999, t)).squareRoot() / (1 - pow(0.9, t))
            m += (g - m) * (1 - 0.9)
            v += (g * g - v) * (1 - 0.999)
            w -= alpha * m / (v.squareRoot() + 1e-7)
            XCTAssertEqual(Double(p.value.data[0]), w, accuracy: 1e-6)
        }
        XCTAssertEqual(adam.state.iterations, 2)
        // The first step moves by almost exactly lr, whatever the gradient's size.
        let big = parameter(1, gradient: 123)
        Adam().step([big])
        XCTAssertEqual(big.value.data[0], 0.999, accuracy: 1e-6)
    }
}
