import XCTest
@testable import CNNCore
import FastPlan

/// `ExecutionPlan.profiler`: every stage's forward and backward pass and the optimizer are timed,
/// once per step, and the phases add up to no more than the step itself.
final class StepProfilerTests: XCTestCase {
    func testEveryPhaseOfAStepIsTimed() throws {
        let model = try Sequential(inputShape: [6, 6, 2], layers: [
            Conv2D(filters: 3, kernelSize: (3, 3), activation: .relu),
            Flatten(),
            Dense(units: 4, activation: .relu),
            Dense(units: 1, activation: .sigmoid),
        ], seed: 1)
        let plan = try ExecutionPlan(model, inPassMinimumWeights: 0)
        let profiler = StepProfiler()
        plan.profiler = profiler
        var rng = SeededRNG(seed: 2)
        let x = Tensor(shape: [2, 6, 6, 2], data: (0..<144).map { _ in rng.uniform(0, 1) })
        let y = Tensor(shape: [2, 1], data: [0, 1])
        let adam = Adam()
        let start = StepProfiler.now()
        for _ in 0..<3 { try plan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam) }
        let total = Double(StepProfiler.now() - start) / 1e9

        XCTAssertEqual(profiler.steps, 3)
        let names = profiler.phases
        for layer in ["conv2d", "flatten", "dense", "dense_1"] {
            XCTAssertTrue(names.contains("forward " + layer), "\(names)")
        }
        // The largest Dense kernel (dense's 48×4, not dense_1's 4×1) is updated in its backward pass.
        XCTAssertTrue(names.contains("backward dense + optimizer (kernel)"), "\(names)")
        XCTAssertTrue(names.contains("backward dense_1") && names.contains("backward conv2d"), "\(names)")
        XCTAssertEqual(names.first, "forward conv2d", "phases in the order they ran")
        let summed = profiler.seconds.values.reduce(0, +)
        XCTAssertGreaterThan(summed, 0)
        XCTAssertLessThanOrEqual(summed, total)
        XCTAssertEqual(profiler.millisecondsPerStep.count, names.count)

        profiler.reset()
        XCTAssertTrue(profiler.phases.isEmpty && profiler.steps == 0)
    }
}
