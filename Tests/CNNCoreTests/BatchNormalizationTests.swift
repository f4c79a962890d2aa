import XCTest
@testable import CNNCore
import GradientCheckSupport

/// BatchNormalization: numbers a student can check, central differences in both modes, and
/// Keras' conventions (weights, defaults, the biased variance, moving statistics).
final class BatchNormalizationTests: XCTestCase {
    /// A built layer on (channels) inputs with γ, β and the moving statistics set by hand.
    func layer(channels: Int, gamma: [Float]? = nil, beta: [Float]? = nil, movingMean: [Float]? = nil,
               movingVariance: [Float]? = nil, inputShape: [Int]? = nil) throws -> BatchNormalization {
        let bn = BatchNormalization(name: "bn")
        var rng = SeededRNG(seed: 0)
        try bn.build(inputShape: inputShape ?? [channels], rng: &rng)
        if let gamma { bn.gamma?.value.data = gamma }
        if let beta { bn.beta?.value.data = beta }
        if let movingMean { bn.movingMean.value.data = movingMean }
        if let movingVariance { bn.movingVariance.value.data = movingVariance }
        return bn
    }

    /// Keras' weights and defaults: gamma ones, beta zeros (trainable), moving_mean zeros,
    /// moving_variance ones (not trainable), momentum 0.99, epsilon 1e-3.
    func testKerasWeightsAndDefaults() throws {
        let bn = try layer(channels: 3, inputShape: [4, 4, 3])
        XCTAssertEqual(bn.parameters.map(\.name), ["gamma", "beta"])
        XCTAssertEqual(bn.buffers.map(\.name), ["moving_mean", "moving_variance"])
        XCTAssertEqual(bn.gamma?.value.data, [1, 1, 1])
        XCTAssertEqual(bn.beta?.value.data, [0, 0, 0])
        XCTAssertEqual(bn.movingMean.value.data, [0, 0, 0])
        XCTAssertEqual(bn.movingVariance.value.data, [1, 1, 1])
        XCTAssertEqual(bn.momentum, 0.99)
        XCTAssertEqual(bn.epsilon, 1e-3)
        XCTAssertEqual(bn.parameterCount, 6)
        XCTAssertEqual(bn.bufferCount, 6)
        let plain = BatchNormalization(center: false, scale: false, name: "plain")
        var rng = SeededRNG(seed: 0)
        try plain.build(inputShape: [2], rng: &rng)
        XCTAssertTrue(plain.parameters.isEmpty)
        XCTAssertEqual(plain.bufferCount, 4)
    }

    /// Two samples, two channels, in training. Channel 0 holds 1 and 3: mean 2, variance
    /// ((1−2)² + (3−2)²)/2 = 1, so x̂ = ±1/√(1 + 0.001) ≈ ±0.9995. Channel 1 holds 10 and 30:
    /// mean 20, variance 100, x̂ = ±10/√100.001 ≈ ±0.999995. Then y = γ·x̂ + β with γ = (2, 1),
    /// β = (0.5, 0). The moving statistics move 1% of the way: mean 0.99·0 + 0.01·(2, 20) =
    /// (0.02, 0.2), variance 0.99·1 + 0.01·(1, 100) = (1, 1.99). Keras uses the biased variance
    /// (divide by 2, not 1): the unbiased one would give 0.99 + 0.01·2 = 1.01 for channel 0.
    func testTrainingUsesBatchStatisticsAndMovesTheAverages() throws {
        let bn = try layer(channels: 2, gamma: [2, 1], beta: [0.5, 0])
        let x = Tensor(shape: [2, 2], data: [1, 10, 3, 30])
        let y = try bn.forward(x, training: true)
        let a = 1 / Float(1.001).squareRoot(), b = 10 / Float(100.001).squareRoot()
        assertClose(y.data, [0.5 - 2 * a, -b, 0.5 + 2 * a, b], accuracy: 1e-6)
        assertClose(bn.movingMean.value.data, [0.02, 0.2], accuracy: 1e-6)
        assertClose(bn.movingVariance.value.data, [1, 1.99], accuracy: 1e-6)
    }

    /// In inference the moving statistics are used, and nothing moves. With moving mean (2, 20)
    /// and moving variance (3.999, 99.999), √(variance + ε) is 2 and 10: the input (1, 10)
    /// becomes x̂ = ((1 − 2)/2, (10 − 20)/10) = (−0.5, −1) and y = γ·x̂ + β = (−0.5, −1).
    func testInferenceUsesMovingStatistics() throws {
        let bn = try layer(channels: 2, gamma: [2, 1], beta: [0.5, 0], movingMean: [2, 20], movingVariance: [3.999, 99.999])
        let y = try bn.forward(Tensor(shape: [1, 2], data: [1, 10]), training: false)
        assertClose(y.data, [-0.5, -1], accuracy: 1e-5)
        XCTAssertEqual(bn.movingMean.value.data, [2, 20])
        XCTAssertEqual(bn.movingVariance.value.data, [3.999, 99.999])
    }

    /// Images: the statistics of a channel run over the batch and every position, (N, H, W).
    func testImageChannelsPoolBatchAndPositions() throws {
        let bn = try layer(channels: 2, inputShape: [1, 2, 2])
        // Channel 0 holds 0, 2, 4, 6 (mean 3), channel 1 holds 1, 1, 1, 1 (variance 0).
        let x = Tensor(shape: [2, 1, 2, 2], data: [0, 1, 2, 1, 4, 1, 6, 1])
        let y = try bn.forward(x, training: true)
        let s = 1 / Float(5.001).squareRoot()  // variance of 0, 2, 4, 6 is (9 + 1 + 1 + 9)/4 = 5
        assertClose(y.data, [-3 * s, 0, -s, 0, s, 0, 3 * s, 0], accuracy: 1e-6)
        assertClose(bn.movingMean.value.data, [0.03, 0.01], accuracy: 1e-6)
    }

    /// Central differences of L = Σ r·y in training mode: the gradient flows through the batch
    /// mean and variance, so dx is not simply γ·dy/σ.
    func testGradientsThroughBatchStatistics() throws {
        try checkBatchNormalization(training: true, inputShape: [3, 2, 3], batch: 2)
        try checkBatchNormalization(training: true, inputShape: [4], batch: 5)
    }

    /// Central differences in inference mode: the moving statistics are constants.
    func testGradientsWithMovingStatistics() throws {
        try checkBatchNormalization(training: false, inputShape: [2, 3, 2], batch: 2)
    }

    func checkBatchNormalization(training: Bool, inputShape: [Int], batch: Int,
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        var rng = SeededRNG(seed: 3)
        let channels = inputShape[inputShape.count - 1]
        func draw(_ low: Float, _ high: Float) -> [Float] { (0..<channels).map { _ in rng.uniform(low, high) } }
        let bn = try layer(channels: channels, gamma: draw(0.5, 2), beta: draw(-1, 1), movingMean: draw(-1, 1),
                           movingVariance: draw(0.2, 2), inputShape: inputShape)
        var x = Tensor.zeros([batch] + inputShape)
        for i in x.data.indices { x.data[i] = rng.uniform(-2, 2) }
        var r = Tensor.zeros(x.shape)
        for i in r.data.indices { r.data[i] = rng.uniform(-1, 1) }
        func loss(_ input: Tensor) throws -> Double {
            let y = try bn.forward(input, training: training)
            return zip(y.data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = try bn.forward(x, training: training)
        for p in bn.parameters { p.zeroGradient() }
        let dx = try bn.backward(r)
        let h: Float = 1e-2
        func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
            XCTAssertTrue(CentralDifference.agrees(Double(analytic), numeric),
                          "training \(training): \(what): analytic \(analytic), numeric \(numeric)", file: file, line: line)
        }
        for i in x.data.indices {
            var plus = x, minus = x
            plus.data[i] += h; minus.data[i] -= h
            compare(dx.data[i], (try loss(plus) - loss(minus)) / Double(2 * h), "dL/dx[\(i)]")
        }
        for p in bn.parameters {
            for i in p.value.data.indices {
                let saved = p.value.data[i]
                p.value.data[i] = saved + h
                let lp = try loss(x)
                p.value.data[i] = saved - h
                let lm = try loss(x)
                p.value.data[i] = saved
                compare(p.gradient.data[i], (lp - lm) / Double(2 * h), "dL/d\(p.name)[\(i)]")
            }
        }
        for b in bn.buffers { XCTAssertTrue(b.gradient.data.allSatisfy { $0 == 0 }, "buffers get no gradient", file: file, line: line) }
    }

    /// In training the normalised output of each channel has mean 0 and variance 1 (up to ε).
    func testTrainingOutputIsStandardised() throws {
        let bn = try layer(channels: 3, inputShape: [5, 5, 3])
        var rng = SeededRNG(seed: 9)
        var x = Tensor.zeros([4, 5, 5, 3])
        for i in x.data.indices { x.data[i] = rng.uniform(-3, 7) }
        let y = try bn.forward(x, training: true)
        for c in 0..<3 {
            let values = stride(from: c, to: y.count, by: 3).map { Double(y.data[$0]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            XCTAssertEqual(mean, 0, accuracy: 1e-5)
            XCTAssertEqual(variance, 1, accuracy: 1e-3)
        }
    }

    /// The factory reads Keras' config keys (axis as −1, 3 or Keras 2's [3]) and refuses others.
    func testFactoryReadsKerasConfig() throws {
        let layer = try LayerFactory.make(className: "BatchNormalization",
                                          config: ["momentum": .number(0.9), "epsilon": .number(0.01), "center": .bool(false), "axis": .ints([3])],
                                          position: 1, path: "m.json")
        let bn = try XCTUnwrap(layer as? BatchNormalization)
        XCTAssertEqual(bn.momentum, 0.9)
        XCTAssertEqual(bn.epsilon, 0.01)
        XCTAssertFalse(bn.center)
        XCTAssertTrue(bn.scale)
        XCTAssertEqual(try bn.outputShape(for: [4, 4, 2]), [4, 4, 2])
        XCTAssertThrowsError(try bn.outputShape(for: [4, 4]), "axis 3 is not the last axis of (N, 4, 4)")
        XCTAssertEqual(BatchNormalization().config["momentum"], .number(0.99), "model.json says 0.99")
        XCTAssertEqual(BatchNormalization().config["epsilon"], .number(0.001))
        XCTAssertThrowsError(try LayerFactory.make(className: "BatchNormalization", config: ["momentum": .number(2)], position: 1, path: "m.json"))
        XCTAssertThrowsError(try LayerFactory.make(className: "BatchNormalization", config: ["epsilon": .number(0)], position: 1, path: "m.json"))
        XCTAssertThrowsError(try LayerFactory.make(className: "BatchNormalization", config: ["axis": .ints([1, 2])], position: 1, path: "m.json"))
    }
}
