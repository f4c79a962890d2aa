import XCTest
@testable import CNNCore
@testable import FastPlan

/// The Dense backward with Adam's update of the kernel folded in, against the two passes it
/// replaces (backward storing dW, then the reference `Adam.step`): the same tiles and the same
/// per-element formula, so the results must agree bit for bit.
final class DenseUpdateInPassTests: XCTestCase {
    /// Odd shapes: batch 1 and batches over one 16-column panel, inputs that are not whole
    /// blocks (128 rows) or tiles (4 rows), outputs that are not whole panels, one output, and
    /// (3, 4100, 20): 33 blocks, shared between two cores.
    static let shapes: [(batch: Int, inputs: Int, outputs: Int)] = [
        (1, 1, 1), (1, 37, 19), (5, 70, 16), (17, 33, 1), (3, 130, 33), (32, 97, 128), (3, 4100, 20),
    ]

    func testKernelUpdatedInPassEqualsBackwardThenAdam() {
        var rng = SeededRNG(seed: 31)
        for (batch, inputs, outputs) in Self.shapes {
            for inputGradient in [true, false] {
                let x = random(batch * inputs, &rng), dy = random(batch * outputs, &rng)
                let w0 = random(inputs * outputs, &rng)
                let what = "N=\(batch) I=\(inputs) O=\(outputs) dx=\(inputGradient)"

                // Two passes: dW stored, then Adam over the whole kernel (two steps, so m and v matter).
                let plain = Parameter(name: "kernel", value: Tensor(shape: [inputs, outputs], data: w0))
                let plainAdam = Adam(learningRate: 0.01)
                var plainDx: [Float] = [], plainDb = [Float](repeating: 0, count: outputs)
                for _ in 0..<2 {
                    var dw = [Float](repeating: 0, count: inputs * outputs)
                    plainDx = DenseFast.backward(input: x, kernel: plain.value.data, outputGradient: dy, batch: batch,
                                                 inputs: inputs, outputs: outputs, kernelGradient: &dw, biasGradient: &plainDb,
                                                 inputGradient: inputGradient)
                    plain.gradient = Tensor(shape: [inputs, outputs], data: dw)
                    plainAdam.step([plain])
                }

                // One pass, the update applied block by block.
                let fused = Parameter(name: "kernel", value: Tensor(shape: [inputs, outputs], data: w0))
                let fusedAdam = Adam(learningRate: 0.01)
                var fusedDx: [Float] = [], fusedDb = [Float](repeating: 0, count: outputs)
                // The update runs on both cores for the larger shapes, so the count takes a lock.
                var covered = 0
                let coveredLock = NSLock()
                for _ in 0..<2 {
                    let update = AdamFast(fusedAdam.beginStep([fused])).sliceUpdate(of: 0, count: inputs * outputs)
                    fusedDx = fused.value.data.withUnsafeMutableBufferPointer { w in
                        guard let base = w.baseAddress else { return [] }
                        return DenseFast.backwardUpdatingKernel(input: x, kernel: base, outputGradient: dy, batch: batch,
                                                                inputs: inputs, outputs: outputs, biasGradient: &fusedDb,
                                                                inputGradient: inputGradient) { range, w, g in
                            coveredLock.withLock { covered += range.count }
                            update(range, w, g)
                        }
                    }
                }
                XCTAssertEqual(covered, 2 * inputs * outputs, "\(what): every weight updated once per step")
                assertBitEqual(fused.value.data, plain.value.data, "\(what): weights")
                assertBitEqual(fusedAdam.state.slots["m"]?.first ?? [], plainAdam.state.slots["m"]?.first ?? [], "\(what): m")
                assertBitEqual(fusedAdam.state.slots["v"]?.first ?? [], plainAdam.state.slots["v"]?.first ?? [], "\(what): v")
                assertBitEqual(fusedDx, plainDx, "\(what): input gradient")
                assertBitEqual(fusedDb, plainDb, "\(what): bias gradient")
                XCTAssertNotEqual(fused.value.data, w0, "\(what): the weights moved")
            }
        }
    }

    /// A plan's training steps with the kernel updated in the pass against the same steps
    /// without (threshold above every kernel): identical weights and moments, fast and naive;
    /// the naive plan against the reference model's `trainStep`, identical too; and the fast
    /// plan within rounding of the naive one.
    func testTrainStepUpdatingInPassEqualsPlainStep() throws {
        func run(_ backend: KernelBackend, inPass: Bool?) throws -> (weights: [[Float]], m: [[Float]]) {
            let model = try Sequential(inputShape: [6, 5, 2], layers: [
                Conv2D(filters: 3, kernelSize: (2, 2), activation: .relu),
                Flatten(),
                Dense(units: 21, activation: .relu),
                Dense(units: 1, activation: .sigmoid),
            ], seed: 3)
            // nil: the reference model, layer by layer.
            let plan = try inPass.map { try ExecutionPlan(model, backend: backend, inPassMinimumWeights: $0 ? 0 : .max) }
            if let inPass { XCTAssertEqual(plan?.kernelUpdatedInPass?.index, inPass ? 2 : nil, "the 60×21 kernel is parameter 2") }
            var rng = SeededRNG(seed: 5)
            let x = Tensor(shape: [4, 6, 5, 2], data: (0..<240).map { _ in rng.uniform(0, 1) })
            let y = Tensor(shape: [4, 1], data: [1, 0, 0, 1])
            let adam = Adam()
            for _ in 0..<4 {
                if let plan {
                    try plan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam)
                } else {
                    try model.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam)
                }
            }
            return (model.parameters.map(\.value.data), adam.state.slots["m"] ?? [])
        }
        for backend in [KernelBackend.fast, .naive] {
            let fused = try run(backend, inPass: true), plain = try run(backend, inPass: false), reference = try run(backend, inPass: nil)
            XCTAssertEqual(fused.weights.count, 6)
            for p in 0..<fused.weights.count {
                assertBitEqual(fused.weights[p], plain.weights[p], "\(backend) parameter \(p)")
                assertBitEqual(fused.m[p], plain.m[p], "\(backend) first moment \(p)")
                guard backend == .naive else { continue }
                assertBitEqual(fused.weights[p], reference.weights[p], "\(backend) parameter \(p), plan against reference")
                assertBitEqual(fused.m[p], reference.m[p], "\(backend) first moment \(p), plan against reference")
            }
        }
        let fast = try run(.fast, inPass: true), naive = try run(.naive, inPass: true)
        for (p, (a, b)) in zip(fast.weights, naive.weights).enumerated() {
            let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, PlanTolerance.training, "fast against naive, parameter \(p)")
        }
    }
}
