import XCTest
@testable import CNNCore
@testable import FastPlan

/// Which stages a plan chooses, and why; each stage against its naive twin; a plan's forward
/// and training steps against the reference model's.
final class PlanStagesTests: XCTestCase {
    /// The coursework model: one fused conv-pool stage, Flatten, the big Dense updated in the pass.
    func testCourseworkStages() throws {
        let plan = try ExecutionPlan(try Coursework.model(imageSize: 8))
        XCTAssertEqual(plan.lines, [
            "conv2d + max_pooling2d: fused Conv2D+ReLU+MaxPooling2D",
            "flatten: Flatten, the reference layer's code (little work: no fast kernel)",
            "dense: Dense (kernel of 36864 weights updated after the pass)",
            "dense_1: Dense (kernel of 128 weights updated after the pass)",
        ])
        let full = try ExecutionPlan(try Coursework.model())
        XCTAssertEqual(full.lines[2], "dense: Dense, its kernel updated by the optimizer in the backward pass")
        XCTAssertEqual(full.kernelUpdatedInPass?.index, 2, "the 30752×128 kernel is parameter 2")
    }

    /// A layer that is not fused says why.
    func testReasonsForNotFusing() throws {
        let model = try Sequential(inputShape: [12, 12, 2], layers: [
            Conv2D(filters: 2, kernelSize: (3, 3)),
            Pooling2D(.max),
            Conv2D(filters: 2, kernelSize: (2, 2), activation: .relu),
            Pooling2D(.max, poolSize: (2, 2), strides: (1, 1)),
            Conv2D(filters: 2, kernelSize: (1, 1), activation: .relu),
            Flatten(),
        ])
        XCTAssertEqual(try ExecutionPlan(model).lines, [
            "conv2d: Conv2D on its own (not fused with max_pooling2d: activation is linear, not relu)",
            "max_pooling2d: MaxPooling2D on its own kernels",
            "conv2d_1 + max_pooling2d_1: Conv2D+ReLU, then MaxPooling2D; backward through both in one pass (not fused: pooling windows overlap (strides 1×1 ≠ pool size 2×2))",
            "conv2d_2: Conv2D on its own (not fused: the next layer, flatten, is Flatten, not MaxPooling2D)",
            "flatten: Flatten, the reference layer's code (little work: no fast kernel)",
        ])
        XCTAssertEqual(try ExecutionPlan(model, backend: .naive).lines, try ExecutionPlan(model).lines,
                       "the stages depend on the layers, not the kernels")
    }

    /// Each stage against its naive twin (the same stage on `.naive`): outputs and gradients
    /// within the kernels' rounding.
    func testEveryStageAgreesWithItsNaiveTwin() throws {
        func run(_ backend: KernelBackend) throws -> (out: Tensor, grads: [[Float]]) {
            let model = try Sequential(inputShape: [10, 9, 3], layers: [
                Conv2D(filters: 4, kernelSize: (3, 3), activation: .relu),
                Pooling2D(.max),
                Conv2D(filters: 5, kernelSize: (2, 2), padding: .same, activation: .relu),
                Pooling2D(.max),
                Flatten(),
                Dense(units: 7, activation: .relu),
                Dense(units: 1, activation: .sigmoid),
            ], seed: 9)
            let conv = try XCTUnwrap(model.layers[2] as? Conv2D), pool = try XCTUnwrap(model.layers[3] as? Pooling2D)
            let dense = try XCTUnwrap(model.layers[5] as? Dense)
            let fused = try ConvReLUMaxPoolStage(conv: conv, pool: pool, backend: backend)
            let denseStage = DenseStage(dense, updatesKernelInPass: false, backend: backend, how: "")
            var rng = SeededRNG(seed: 3)
            let x = Tensor(shape: [2, 4, 3, 4], data: random(2 * 4 * 3 * 4, &rng))
            let pooled = try fused.forward(x, training: true)
            let out = try denseStage.forward(Tensor(shape: [2, 10], data: pooled.data), training: true)
            let dx = try denseStage.backward(Tensor(shape: out.shape, data: random(out.count, &rng)), BackwardPass())
            let dIn = try fused.backward(Tensor(shape: pooled.shape, data: dx.data), BackwardPass())
            return (out, model.parameters.map(\.gradient.data) + [dIn.data])
        }
        let fast = try run(.fast), naive = try run(.naive)
        XCTAssertEqual(fast.out.data, naive.out.data, accuracy: 1e-5)
        for (p, (a, b)) in zip(fast.grads, naive.grads).enumerated() {
            XCTAssertEqual(a, b, accuracy: 1e-4, "gradient \(p)")
        }
    }

    /// Forward and training steps through the plan on its naive twins give the reference model's
    /// numbers bit for bit (on the fast kernels, within rounding: `FastLayerTests`): a model with
    /// two conv-pool pairs (the upper one needs its input gradient).
    func testPlanTrainingEqualsReferenceTraining() throws {
        func model() throws -> Sequential {
            try Sequential(inputShape: [12, 10, 3], layers: [
                Conv2D(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu),
                Pooling2D(.max),
                Conv2D(filters: 6, kernelSize: (3, 3), activation: .relu),
                Pooling2D(.max),
                Flatten(),
                Dense(units: 9, activation: .relu),
                Dense(units: 1, activation: .sigmoid),
            ], seed: 5)
        }
        let fast = try model(), reference = try model()
        let plan = try ExecutionPlan(fast, backend: .naive, inPassMinimumWeights: 0)
        XCTAssertEqual(plan.stages.filter { $0 is ConvReLUMaxPoolStage }.count, 2)
        let (adamPlan, adamReference) = (Adam(learningRate: 0.01), Adam(learningRate: 0.01))
        let y = Tensor(shape: [3, 1], data: [1, 0, 1])
        for step in 0..<3 {
            let x = randomBatch(fast, batch: 3, seed: UInt64(step))
            assertBitEqual(try plan.forward(x).data, try reference.forward(x).data, "step \(step): forward")
            let a = try plan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adamPlan)
            let b = try reference.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adamReference)
            XCTAssertEqual(a.loss.bitPattern, b.loss.bitPattern, "step \(step): loss")
        }
        for (p, (a, b)) in zip(fast.parameters, reference.parameters).enumerated() {
            assertBitEqual(a.value.data, b.value.data, "parameter \(p) after 3 steps")
        }
    }
}

/// Elementwise `XCTAssertEqual(_:_:accuracy:)` for arrays.
func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, _ what: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(what): count", file: file, line: line)
    for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= accuracy) {
        XCTFail("\(what): \(x) vs \(y) at \(i)", file: file, line: line)
        return
    }
}
