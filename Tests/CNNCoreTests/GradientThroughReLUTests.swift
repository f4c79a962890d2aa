import XCTest
@testable import CNNCore
import GradientCheckSupport

/// Central-difference checks through ReLU: Conv2D and Dense with `activation: .relu`, and whole
/// reference models with ReLU and max pooling, to the tolerance of `CentralDifference` (which a
/// 1% error fails). The same checks through the fast plan's stages are in FastPlanTests.
final class GradientThroughReLUTests: XCTestCase {
    /// A layer's input and parameter gradients of L = Σ r·y (r fixed and random, so dL/dy = r).
    /// Inputs are drawn from ±[0.2, 1] and biases from ±[0.2, 0.5], so few pre-activations sit
    /// within a step of ReLU's kink; `CentralDifference` fails the test if one does.
    func layerComparisons(_ layer: Layer, inputShape: [Int], seed: UInt64) throws -> [CentralDifference.Comparison] {
        var rng = SeededRNG(seed: seed)
        try layer.build(inputShape: inputShape, rng: &rng)
        func awayFromZero(_ low: Float, _ high: Float) -> Float {
            let magnitude = rng.uniform(low, high)
            return rng.uniform(0, 1) < 0.5 ? -magnitude : magnitude
        }
        for p in layer.parameters where p.name == "bias" {
            for i in p.value.data.indices { p.value.data[i] = awayFromZero(0.2, 0.5) }
        }
        let batch = 2
        let x = TensorBox(Tensor(shape: [batch] + inputShape, data: (0..<(batch * inputShape.reduce(1, *))).map { _ in awayFromZero(0.2, 1) }))
        let outputShape = [batch] + (try layer.outputShape(for: inputShape))
        let r = Tensor(shape: outputShape, data: (0..<outputShape.reduce(1, *)).map { _ in rng.uniform(-1, 1) })

        let y = try layer.forward(x.tensor, training: false)
        XCTAssert(y.data.contains(0) && y.data.contains { $0 > 0 }, "\(layer.kind): ReLU should both pass and block some units")
        for p in layer.parameters { p.zeroGradient() }
        let dx = try layer.backward(r)
        let probes = x.probes(gradient: dx) + CentralDifference.parameterProbes(layer.parameters)
        return try CentralDifference.compare(probes) {
            let y = try layer.forward(x.tensor, training: false)
            return zip(y.data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    func testConv2DReLU() throws {
        for (padding, strides) in [(Padding.valid, (1, 1)), (.same, (2, 2))] {
            let conv = Conv2D(filters: 3, kernelSize: (3, 3), strides: strides, padding: padding, activation: .relu, name: "c")
            let comparisons = try layerComparisons(conv, inputShape: [5, 6, 2], seed: 3)
            let context = "Conv2D relu \(padding) strides \(strides)"
            CentralDifference.assertAgree(comparisons, context)
            CentralDifference.assertCatchesOnePercent(comparisons, context)
        }
    }

    func testDenseReLU() throws {
        let dense = Dense(units: 6, activation: .relu, name: "d")
        let comparisons = try layerComparisons(dense, inputShape: [7], seed: 6)
        CentralDifference.assertAgree(comparisons, "Dense relu")
        CentralDifference.assertCatchesOnePercent(comparisons, "Dense relu")
    }

    /// Parameter gradients of L = Σ r·y for a model whose output layer is linear (so L is
    /// piecewise linear in every parameter, and `CentralDifference` can tell rounding from kinks),
    /// probing up to `perParameter` elements of each parameter.
    func modelComparisons(_ model: Sequential, seed: UInt64, batch: Int = 2, perParameter: Int = 40) throws -> [CentralDifference.Comparison] {
        var rng = SeededRNG(seed: seed)
        let count = batch * model.inputShape.reduce(1, *)
        let x = Tensor(shape: [batch] + model.inputShape, data: (0..<count).map { _ in rng.uniform(0, 1) })
        let output = try model.forward(x, training: true)
        let r = Tensor(shape: output.shape, data: (0..<output.count).map { _ in rng.uniform(-1, 1) })
        model.zeroGradients()
        try model.backward(r)
        return try CentralDifference.compare(CentralDifference.parameterProbes(model.parameters, perParameter: perParameter)) {
            let y = try model.forward(x)
            return zip(y.data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    /// The coursework's layers (Conv2D relu, max pooling, Dense relu, Dense 1), narrower (4 filters,
    /// 8 units: every ReLU and pooling window is a kink a probe may cross) on 8×8 images, the
    /// output linear rather than sigmoid (see `modelComparisons`): without a trace
    /// the conv, its ReLU and the pooling run as one fused kernel forward and backward (the conv is
    /// the first layer, so no input gradient is needed).
    func testCourseworkModelThroughFusedConvReLUMaxPool() throws {
        do {
            let model = try Sequential(inputShape: [8, 8, 3], layers: [
                Conv2D(filters: 4, kernelSize: (3, 3), activation: .relu),
                Pooling2D(.max, poolSize: (2, 2)),
                Flatten(),
                Dense(units: 8, activation: .relu),
                Dense(units: 1),
            ], seed: 11)
            let comparisons = try modelComparisons(model, seed: 12)
            CentralDifference.assertAgree(comparisons, "coursework")
            CentralDifference.assertCatchesOnePercent(comparisons, "coursework")
        }
    }

    /// Two fused Conv + ReLU + max-pooling pairs (the second needs its input gradient, so its
    /// backward goes through the pooled ReLU mask) and a ReLU conv before overlapping pooling
    /// (not fused: max-pool backward and ReLU backward in one pass).
    func testStackedConvReLUMaxPool() throws {
        do {
            let fusedTwice = try Sequential(inputShape: [6, 6, 2], layers: [
                Conv2D(filters: 3, kernelSize: (3, 3), padding: .same, activation: .relu),
                Pooling2D(.max, poolSize: (2, 2)),
                Conv2D(filters: 2, kernelSize: (2, 2), activation: .relu),
                Pooling2D(.max, poolSize: (2, 2)),
                Flatten(),
                Dense(units: 3, activation: .relu),
                Dense(units: 1),
            ], seed: 21)
            let fusedComparisons = try modelComparisons(fusedTwice, seed: 22)
            CentralDifference.assertAgree(fusedComparisons, "two fused pairs")
            CentralDifference.assertCatchesOnePercent(fusedComparisons, "two fused pairs")

            let overlapping = try Sequential(inputShape: [7, 6, 3], layers: [
                Conv2D(filters: 3, kernelSize: (3, 3), activation: .relu),
                Pooling2D(.max, poolSize: (2, 2), strides: (1, 1)),
                Flatten(),
                Dense(units: 5, activation: .relu),
                Dense(units: 1),
            ], seed: 23)
            CentralDifference.assertAgree(try modelComparisons(overlapping, seed: 24), "overlapping pooling")
        }
    }
}
