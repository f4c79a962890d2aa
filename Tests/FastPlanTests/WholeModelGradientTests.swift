import XCTest
@testable import CNNCore
import FastPlan

/// A whole model's gradients through the fast plan against the reference model's, after backward
/// and before any optimizer step: the plan on its naive twins bit for bit, on the fast kernels
/// within float rounding.
///
/// Why before the optimizer: Adam divides the first moment by √(second moment), so a gradient
/// scaled by a constant (a kernel that forgets to divide by the batch, or adds a term twice)
/// moves the weights exactly as much as the right one. Comparing weights after Adam steps
/// (`FastLayerTests.testShortTrainingRunPlanMatchesReference`) cannot see that; comparing gradients can.
final class WholeModelGradientTests: XCTestCase {
    /// Largest difference allowed between a parameter's fast and naive gradients, as a fraction of
    /// that parameter's largest naive gradient. The fast kernels add the same products in another
    /// order (tiles, per-core partial sums, fused multiply-add in release builds); over sums of a
    /// few hundred Float32 terms that moves a value by ~1e-6 of the terms' size. 1e-4 leaves a
    /// margin, while a gradient 1% off (or a wrong index) differs by 1e-2 or more.
    static let reorderedSums: Float = 1e-4

    /// The worst |fast − naive| over a parameter, relative to its largest naive gradient.
    func worstRelative(_ fast: [Float], _ naive: [Float]) -> Float {
        let scale = naive.map(abs).max() ?? 0
        let worst = zip(fast, naive).map { abs($0 - $1) }.max() ?? 0
        return scale > 0 ? worst / scale : worst
    }

    /// Forward (training), BCE from the logit, backward: every parameter's gradient, by name;
    /// through `plan` when given, else through the reference model.
    func gradients(_ model: Sequential, plan: ExecutionPlan?, _ x: Tensor, _ targets: Tensor) throws -> (loss: Float, gradients: [(String, [Float])]) {
        model.zeroGradients()
        if let plan {
            let output = try plan.forward(x, training: true)
            let (loss, gradient, fromLogit) = try plan.lossAndGradient(output: output, targets: targets, loss: .binaryCrossentropy)
            try plan.backward(gradient, fromPreActivation: fromLogit)
            return (loss, named(model))
        }
        let output = try model.forward(x, training: true)
        let (loss, gradient, fromLogit) = try model.lossAndGradient(output: output, targets: targets, loss: .binaryCrossentropy)
        try model.backward(gradient, fromPreActivation: fromLogit)
        return (loss, named(model))
    }

    func named(_ model: Sequential) -> [(String, [Float])] {
        zip(model.layers.flatMap { layer in layer.parameters.map { "\(layer.name).\($0.name)" } },
            model.parameters.map(\.gradient.data)).map { ($0, $1) }
    }

    func assertFastMatchesNaive(_ build: () throws -> Sequential, inputShape: [Int], batch: Int, seed: UInt64,
                                _ context: String, file: StaticString = #filePath, line: UInt = #line) throws {
        var rng = SeededRNG(seed: seed)
        let x = Tensor(shape: [batch] + inputShape, data: (0..<(batch * inputShape.reduce(1, *))).map { _ in rng.uniform(0, 1) })
        let targets = Tensor(shape: [batch, 1], data: (0..<batch).map { Float($0 % 2) })
        let fastModel = try build()
        let fast = try gradients(fastModel, plan: try ExecutionPlan(fastModel, backend: .fast), x, targets)
        let naive = try gradients(try build(), plan: nil, x, targets)
        let naivePlanModel = try build()
        let naivePlan = try gradients(naivePlanModel, plan: try ExecutionPlan(naivePlanModel, backend: .naive), x, targets)
        XCTAssertEqual(naivePlan.loss, naive.loss, "\(context): loss of the naive plan", file: file, line: line)
        for ((name, p), (_, n)) in zip(naivePlan.gradients, naive.gradients) {
            assertBitEqual(p, n, "\(context) \(name): naive plan vs reference gradient", file: file, line: line)
        }
        XCTAssertEqual(fast.loss, naive.loss, accuracy: 1e-5, "\(context): loss", file: file, line: line)
        XCTAssertEqual(fast.gradients.map(\.0), naive.gradients.map(\.0), "\(context): parameters", file: file, line: line)
        var worstSeen: Float = 0
        defer { print("\(context): worst fast vs naive gradient difference \(worstSeen) of each parameter's largest gradient (\(Self.reorderedSums) allowed)") }
        for ((name, f), (_, n)) in zip(fast.gradients, naive.gradients) {
            XCTAssertEqual(f.count, n.count, "\(context) \(name): count", file: file, line: line)
            XCTAssertGreaterThan(n.map(abs).max() ?? 0, 0, "\(context) \(name): the gradient is all zeros", file: file, line: line)
            let worst = worstRelative(f, n)
            worstSeen = max(worstSeen, worst)
            XCTAssertLessThanOrEqual(worst, Self.reorderedSums, "\(context) \(name): fast vs naive gradient", file: file, line: line)
            // The criterion sees a gradient 1% too large.
            XCTAssertGreaterThan(worstRelative(n.map { $0 * 1.01 }, n), Self.reorderedSums, file: file, line: line)
        }
    }

    /// The coursework's model (Conv2D 32 relu → max pooling → Dense 128 relu → Dense 1 sigmoid)
    /// on 16×16 images, batch 4: the fused Conv + ReLU + max-pooling kernel on both backends, and
    /// a 1,568 × 128 Dense kernel (large enough for the kernels' multi-core and blocked paths).
    func testCourseworkModelGradients() throws {
        try assertFastMatchesNaive({ try Coursework.model(imageSize: 16, seed: 3) },
                                   inputShape: [16, 16, 3], batch: 4, seed: 4, "coursework 16×16")
    }

    /// A deeper model with every backward branch of Sequential: two fused conv-pool pairs (the
    /// second needs its input gradient), a ReLU conv before overlapping pooling, same padding, a
    /// non-square kernel, and channel and unit counts with tails past the SIMD width.
    func testDeeperModelGradients() throws {
        try assertFastMatchesNaive({
            try Sequential(inputShape: [20, 18, 3], layers: [
                Conv2D(filters: 17, kernelSize: (3, 3), padding: .same, activation: .relu),
                Pooling2D(.max, poolSize: (2, 2)),
                Conv2D(filters: 9, kernelSize: (3, 2), activation: .relu),
                Pooling2D(.max, poolSize: (2, 2)),
                Conv2D(filters: 6, kernelSize: (2, 2), activation: .relu),
                Pooling2D(.max, poolSize: (2, 2), strides: (1, 1)),
                Flatten(),
                Dense(units: 33, activation: .relu),
                Dense(units: 1, activation: .sigmoid),
            ], seed: 5)
        }, inputShape: [20, 18, 3], batch: 3, seed: 6, "deeper model")
    }

    /// The architecture issue's Keras-style model: Conv2D (linear, same) → BatchNormalization →
    /// ReLU → MaxPooling2D → Conv2D relu → GlobalAveragePooling2D → Dense sigmoid, with a
    /// GlobalMaxPooling2D variant: the BatchNormalization, Activation, MaxPooling2D and layer stages.
    /// The first conv has no bias, as in Keras practice: batch normalisation subtracts the mean,
    /// so a bias before it has a gradient of exactly 0 (rounding noise, nothing to compare).
    func testNormalizedModelGradients() throws {
        for global in [LayerKind.globalAveragePooling2D, .globalMaxPooling2D] {
            try assertFastMatchesNaive({
                try Sequential(inputShape: [12, 12, 3], layers: [
                    Conv2D(filters: 8, kernelSize: (3, 3), padding: .same, useBias: false),
                    BatchNormalization(),
                    ActivationLayer(.relu),
                    Pooling2D(.max, poolSize: (2, 2)),
                    Conv2D(filters: 16, kernelSize: (3, 3), activation: .relu),
                    global == .globalAveragePooling2D ? GlobalAveragePooling2D() : GlobalMaxPooling2D(),
                    Dense(units: 1, activation: .sigmoid),
                ], seed: 7)
            }, inputShape: [12, 12, 3], batch: 4, seed: 8, "normalized model, \(global)")
        }
    }
}
