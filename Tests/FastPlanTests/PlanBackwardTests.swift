import XCTest
@testable import CNNCore
@testable import FastPlan

/// A plan's backward against the reference model's layer-by-layer backward, compared on the
/// gradients before any optimizer (Adam's update is blind to a gradient scaled by a constant).
final class PlanBackwardTests: XCTestCase {
    /// The gradients of the plan's backward (fused stages) on their naive twins equal those of
    /// the reference model's plain backward bit for bit (on the fast kernels they agree within
    /// rounding: `WholeModelGradientTests`).
    func testPlanBackwardEqualsReferenceBackward() throws {
        for backend in [KernelBackend.naive] {
            func gradients(plan usePlan: Bool) throws -> [[Float]] {
                let model = try Sequential(inputShape: [9, 7, 3], layers: [
                    Conv2D(filters: 5, kernelSize: (3, 3), padding: .same, activation: .relu),
                    Pooling2D(.max, poolSize: (2, 2)),
                    Conv2D(filters: 6, kernelSize: (2, 2), strides: (2, 1), activation: .relu),
                    Pooling2D(.max, poolSize: (2, 1), strides: (1, 1)),
                    Flatten(),
                    Dense(units: 19, activation: .relu),
                    Dense(units: 1, activation: .sigmoid),
                ], seed: 4)
                let plan = try ExecutionPlan(model, backend: backend)
                XCTAssert(plan.stages.first is ConvReLUMaxPoolStage && plan.stages[1] is ConvThenMaxPoolStage)
                let x = randomBatch(model, batch: 3, seed: 8)
                let output = usePlan ? try plan.forward(x, training: true) : try model.forward(x, training: true)
                let (_, grad, fromLogit) = try model.lossAndGradient(output: output, targets: Tensor(shape: [3, 1], data: [0, 1, 1]),
                                                                     loss: .binaryCrossentropy)
                model.zeroGradients()
                if usePlan { try plan.backward(grad, fromPreActivation: fromLogit) } else { try model.backward(grad, fromPreActivation: fromLogit) }
                return model.parameters.map(\.gradient.data)
            }
            let fused = try gradients(plan: true), plain = try gradients(plan: false)
            XCTAssertEqual(fused.count, plain.count)
            for (p, (a, b)) in zip(fused, plain).enumerated() { assertBitEqual(a, b, "\(backend) parameter \(p) gradient") }
        }
    }

    /// A backward that stores gradients (`BackwardPass.storesGradients`, as in a training step)
    /// leaves the same gradients as `zeroGradients` then an adding backward, from stale non-zero
    /// gradients, and a second (adding) backward after it adds again.
    func testStoredGradientsEqualZeroThenAdd() throws {
        for backend in [KernelBackend.fast, .naive] {
            func gradients(store: Bool) throws -> ([[Float]], [[Float]]) {
                let model = try Sequential(inputShape: [5, 4, 2], layers: [
                    Conv2D(filters: 3, kernelSize: (2, 2), activation: .relu),
                    Flatten(),
                    Dense(units: 17, activation: .relu),
                    Dense(units: 1, activation: .sigmoid),
                ], seed: 6)
                let plan = try ExecutionPlan(model, backend: backend)
                var rng = SeededRNG(seed: 12)
                for p in model.parameters { p.gradient.data = random(p.gradient.count, &rng) }
                let x = Tensor(shape: [2, 5, 4, 2], data: random(2 * 5 * 4 * 2, &rng))
                let output = try plan.forward(x, training: true)
                let (_, grad, fromLogit) = try model.lossAndGradient(output: output, targets: Tensor(shape: [2, 1], data: [1, 0]),
                                                                     loss: .binaryCrossentropy)
                if !store { model.zeroGradients() }
                try plan.backward(grad, fromPreActivation: fromLogit, BackwardPass(storesGradients: store))
                let once = model.parameters.map(\.gradient.data)
                try plan.backward(grad, fromPreActivation: fromLogit)
                return (once, model.parameters.map(\.gradient.data))
            }
            let stored = try gradients(store: true), zeroed = try gradients(store: false)
            XCTAssertEqual(stored.0, zeroed.0, "\(backend): gradients after one backward")
            XCTAssertEqual(stored.1, zeroed.1, "\(backend): gradients after a second backward (added)")
        }
    }
}
