import XCTest
@testable import CNNCore
@testable import FastPlan
import GradientCheckSupport

/// Central-difference checks through every kind of plan stage, on both backends: the input and
/// parameter gradients of each stage's backward against (L(v + h) − L(v − h)) / 2h of its own
/// forward, to the tolerance of `CentralDifference` (which a 1% error fails). Whole models
/// through the plan are checked the same way at the end.
final class StageGradientTests: XCTestCase {
    /// L = Σ r·y over the stage's output (r fixed and random, so dL/dy = r); inputs drawn from
    /// ±[0.2, 1] and biases from ±[0.2, 0.5], away from ReLU's kink.
    func stageComparisons(_ stage: Stage, inputShape: [Int], training: Bool, seed: UInt64) throws -> [CentralDifference.Comparison] {
        var rng = SeededRNG(seed: seed)
        func awayFromZero(_ low: Float, _ high: Float) -> Float {
            let magnitude = rng.uniform(low, high)
            return rng.uniform(0, 1) < 0.5 ? -magnitude : magnitude
        }
        let parameters = stage.layers.flatMap(\.parameters)
        for p in parameters where p.name == "bias" || p.name == "beta" {
            for i in p.value.data.indices { p.value.data[i] = awayFromZero(0.2, 0.5) }
        }
        for p in parameters where p.name == "gamma" {
            for i in p.value.data.indices { p.value.data[i] = rng.uniform(0.5, 1.5) }
        }
        stage.layers[0].needsInputGradient = true
        let batch = 3
        let x = TensorBox(Tensor(shape: [batch] + inputShape,
                                 data: (0..<(batch * inputShape.reduce(1, *))).map { _ in awayFromZero(0.2, 1) }))
        let y = try stage.forward(x.tensor, training: training)
        let r = Tensor(shape: y.shape, data: (0..<y.count).map { _ in rng.uniform(-1, 1) })
        for p in parameters { p.zeroGradient() }
        let dx = try stage.backward(r, BackwardPass())
        let probes = x.probes(gradient: dx) + CentralDifference.parameterProbes(parameters)
        return try CentralDifference.compare(probes) {
            let y = try stage.forward(x.tensor, training: training)
            return zip(y.data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    /// Builds `layers` as a model on `inputShape`, compiles it and checks its one stage of
    /// `type` on both backends.
    ///
    /// `smooth`: the stage is a smooth function (sigmoid, tanh, softmax, batch statistics), not
    /// piecewise linear, so the slopes over the half-steps differ by its curvature rather than at
    /// kinks; every probe is judged (the central difference's error, ~h²·f‴, stays far below
    /// the tolerance for these functions).
    func checkStage<S: Stage>(_ type: S.Type, _ inputShape: [Int], training: Bool = false, smooth: Bool = false,
                              catchesOnePercent: Bool = true, seed: UInt64 = 5,
                              _ layers: @autoclosure () -> [Layer], file: StaticString = #filePath, line: UInt = #line) throws {
        for backend in [KernelBackend.naive, .fast] {
            let model = try Sequential(inputShape: inputShape, layers: layers(), seed: 3)
            let plan = try ExecutionPlan(model, backend: backend)
            XCTAssertEqual(plan.stages.count, 1, "\(plan.lines)", file: file, line: line)
            let stage = try XCTUnwrap(plan.stages.first as? S, "\(plan.lines)", file: file, line: line)
            let context = "\(backend) \(stage.line)"
            var comparisons = try stageComparisons(stage, inputShape: inputShape, training: training, seed: seed)
            if smooth { comparisons = comparisons.map { var c = $0; c.jump = 0; return c } }
            CentralDifference.assertAgree(comparisons, context, file: file, line: line)
            if catchesOnePercent { CentralDifference.assertCatchesOnePercent(comparisons, context, file: file, line: line) }
        }
    }

    func testFusedConvReLUMaxPoolStage() throws {
        try checkStage(ConvReLUMaxPoolStage.self, [6, 7, 2], [
            Conv2D(filters: 3, kernelSize: (3, 3), padding: .same, activation: .relu), Pooling2D(.max, poolSize: (2, 2)),
        ])
    }

    /// The first layer of a model needs no input gradient: its fused backward builds dz a few
    /// rows at a time and never stores it (another kernel), checked on the parameters.
    func testFusedConvReLUMaxPoolStageAsFirstLayer() throws {
        for backend in [KernelBackend.naive, .fast] {
            let model = try Sequential(inputShape: [6, 6, 2], layers: [
                Conv2D(filters: 3, kernelSize: (3, 3), activation: .relu), Pooling2D(.max, poolSize: (2, 2)), Flatten(), Dense(units: 2),
            ], seed: 4)
            let plan = try ExecutionPlan(model, backend: backend)
            XCTAssert(plan.stages[0] is ConvReLUMaxPoolStage)
            XCTAssertFalse(model.layers[0].needsInputGradient)
            var rng = SeededRNG(seed: 6)
            let x = Tensor(shape: [2, 6, 6, 2], data: (0..<144).map { _ in rng.uniform(-1, 1) })
            let y = try plan.forward(x, training: true)
            let r = Tensor(shape: y.shape, data: (0..<y.count).map { _ in rng.uniform(-1, 1) })
            model.zeroGradients()
            try plan.backward(r)
            let comparisons = try CentralDifference.compare(CentralDifference.parameterProbes(model.layers[0].parameters)) {
                zip(try plan.forward(x).data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            CentralDifference.assertAgree(comparisons, "\(backend) fused first layer")
            CentralDifference.assertCatchesOnePercent(comparisons, "\(backend) fused first layer")
        }
    }

    func testConvThenOverlappingMaxPoolStage() throws {
        try checkStage(ConvThenMaxPoolStage.self, [6, 5, 2], seed: 7, [
            Conv2D(filters: 3, kernelSize: (2, 2), activation: .relu), Pooling2D(.max, poolSize: (2, 2), strides: (1, 1)),
        ])
    }

    func testConvStage() throws {
        try checkStage(ConvStage.self, [5, 6, 2], [Conv2D(filters: 3, kernelSize: (3, 3), strides: (2, 2), padding: .same, activation: .relu)])
        try checkStage(ConvStage.self, [5, 4, 2], smooth: true, [Conv2D(filters: 2, kernelSize: (2, 3), activation: .tanh)])
    }

    func testMaxPoolStage() throws {
        try checkStage(MaxPoolStage.self, [6, 7, 3], catchesOnePercent: false, [Pooling2D(.max, poolSize: (3, 3), strides: (2, 2), padding: .same)])
    }

    func testActivationStage() throws {
        for activation in [Activation.relu, .sigmoid, .tanh] {
            try checkStage(ActivationStage.self, [4, 5], smooth: activation != .relu, catchesOnePercent: false, [ActivationLayer(activation)])
        }
    }

    func testBatchNormStage() throws {
        for training in [true, false] {
            try checkStage(BatchNormStage.self, [3, 4, 5], training: training, smooth: training, [BatchNormalization()])
        }
    }

    func testDenseStage() throws {
        for activation in [Activation.relu, .linear, .softmax] {
            try checkStage(DenseStage.self, [9], smooth: activation == .softmax, [Dense(units: 6, activation: activation)])
        }
    }

    /// Layers with no fast kernel, through their own code.
    func testLayerStages() throws {
        try checkStage(LayerStage.self, [3, 4, 5], catchesOnePercent: false, [GlobalAveragePooling2D()])
        try checkStage(LayerStage.self, [3, 4, 5], catchesOnePercent: false, [GlobalMaxPooling2D()])
        try checkStage(LayerStage.self, [4, 6, 2], catchesOnePercent: false, [Pooling2D(.average, poolSize: (2, 3))])
        try checkStage(LayerStage.self, [2, 3, 2], catchesOnePercent: false, [Flatten()])
    }

    /// Whole models through the plan, on both backends, with a linear output (so the loss is
    /// piecewise linear in every weight): the coursework's layers (narrower, on 8×8 images) and
    /// two fused pairs, the upper one needing its input gradient. (Models with batch
    /// normalisation: each stage above, and `WholeModelGradientTests` against the reference.)
    func testWholeModelsThroughThePlan() throws {
        let models: [(String, UInt64, () throws -> Sequential)] = [
            ("coursework", 12, {
                try Sequential(inputShape: [8, 8, 3], layers: [
                    Conv2D(filters: 4, kernelSize: (3, 3), activation: .relu), Pooling2D(.max, poolSize: (2, 2)),
                    Flatten(), Dense(units: 8, activation: .relu), Dense(units: 1),
                ], seed: 11)
            }),
            ("two fused pairs", 22, {
                try Sequential(inputShape: [6, 6, 2], layers: [
                    Conv2D(filters: 3, kernelSize: (3, 3), padding: .same, activation: .relu), Pooling2D(.max, poolSize: (2, 2)),
                    Conv2D(filters: 2, kernelSize: (2, 2), activation: .relu), Pooling2D(.max, poolSize: (2, 2)),
                    Flatten(), Dense(units: 3, activation: .relu), Dense(units: 1),
                ], seed: 21)
            }),
        ]
        for (name, inputSeed, build) in models {
            for backend in [KernelBackend.naive, .fast] {
                let model = try build()
                let plan = try ExecutionPlan(model, backend: backend)
                var rng = SeededRNG(seed: inputSeed)
                let x = Tensor(shape: [2] + model.inputShape, data: (0..<(2 * model.inputShape.reduce(1, *))).map { _ in rng.uniform(0, 1) })
                let y = try plan.forward(x, training: true)
                let r = Tensor(shape: y.shape, data: (0..<y.count).map { _ in rng.uniform(-1, 1) })
                model.zeroGradients()
                try plan.backward(r)
                let comparisons = try CentralDifference.compare(CentralDifference.parameterProbes(model.parameters, perParameter: 40)) {
                    zip(try plan.forward(x).data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                }
                CentralDifference.assertAgree(comparisons, "\(backend) \(name) plan")
                CentralDifference.assertCatchesOnePercent(comparisons, "\(backend) \(name) plan")
            }
        }
    }
}
