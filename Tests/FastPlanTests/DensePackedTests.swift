import XCTest
@testable import CNNCore
@testable import FastPlan

/// Inference's packed Dense kernel (`DenseFast.packPairs`, kept by `DenseStage`): the same bits
/// as the per-batch copies, and never stale after the weights change.
final class DensePackedTests: XCTestCase {
    /// Kernels of 1, 2 and 4 pairs; inputs a whole block, less than one, and blocks plus a tail;
    /// batches 3, 8, 32 and 33; both tile widths.
    func testPackedKernelGivesTheSameBits() {
        var rng = SeededRNG(seed: 41)
        for (inputs, outputs) in [(256, 32), (100, 64), (700, 128), (513, 32)] {
            let w = random(inputs * outputs, &rng), b = random(outputs, &rng)
            let packed = DenseFast.packPairs(w, inputs: inputs, outputs: outputs)
            XCTAssertEqual(packed.sorted(), w.sorted(), "packing rearranges, it does not change values")
            for batch in [3, 8, 32, 33] {
                XCTAssert(DenseFast.readsPackedPairs(batch: batch, inputs: inputs, outputs: outputs))
                let x = random(batch * inputs, &rng)
                for width in TileWidth.allCases {
                    let copied = DenseFast.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs, width: width)
                    let read = DenseFast.forward(input: x, kernel: w, bias: b, batch: batch, inputs: inputs, outputs: outputs,
                                                 width: width, packed: packed)
                    assertBitEqual(read, copied, "\(inputs)→\(outputs), batch \(batch), \(width)")
                }
            }
        }
    }

    /// A parameter's version counts every write, in place or whole.
    func testParameterVersionCountsWrites() {
        let p = Parameter(name: "kernel", value: Tensor.zeros([4]))
        let v0 = p.version
        p.value.data[1] = 2
        XCTAssertGreaterThan(p.version, v0)
        let v1 = p.version
        p.value.data.withUnsafeMutableBufferPointer { $0[2] = 3 }
        XCTAssertGreaterThan(p.version, v1)
        let v2 = p.version
        p.value = Tensor.zeros([4])
        XCTAssertGreaterThan(p.version, v2)
        let v3 = p.version
        _ = p.value.data[1]
        XCTAssertEqual(p.version, v3, "reading is not a change")
    }

    /// Writing in place from another module (this test's, like the fast plan's and the
    /// optimizers') changes the array where it is: no copy of the weights per write. An observed
    /// property (`didSet`) copied the coursework's 15.7 MB kernel at every training step.
    func testWritingInPlaceKeepsTheSameArray() {
        let p = Parameter(name: "kernel", value: Tensor.zeros([1000]))
        func address() -> UnsafeRawPointer? { p.value.data.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }
        let before = address(), version = p.version
        p.value.data.withUnsafeMutableBufferPointer { $0[7] = 1 }
        XCTAssertEqual(address(), before, "the weights were copied to be written in place")
        p.value.data[8] = 2  // (checked apart: a second copy may land where the first was freed)
        XCTAssertEqual(address(), before, "the weights were copied to be written by subscript")
        XCTAssertEqual(p.version, version + 2)
        XCTAssertEqual(p.value.data[7 ... 8], [1, 2])
    }

    /// Inference through the plan after the weights change (a training step, a write into the
    /// kernel) gives the new weights' output, as the reference model does.
    func testInferenceFollowsTheWeights() throws {
        let model = try Sequential(inputShape: [6, 6, 3], layers: [
            Conv2D(filters: 4, kernelSize: (3, 3), activation: .relu), Flatten(),
            Dense(units: 32, activation: .relu), Dense(units: 1, activation: .sigmoid),
        ], seed: 3)
        let plan = try ExecutionPlan(model)
        var rng = SeededRNG(seed: 8)
        let x = Tensor(shape: [5, 6, 6, 3], data: random(5 * 6 * 6 * 3, &rng))
        func agree(_ what: String) throws {
            let fast = try plan.forward(x), reference = try model.forward(x)
            XCTAssertEqual(fast.data, reference.data, accuracy: 1e-5, what)
        }
        try agree("first pass")
        try agree("second pass, packed kernel reused")
        let dense = try XCTUnwrap(model.layers[2] as? Dense)
        dense.kernel!.value.data.withUnsafeMutableBufferPointer { w in for i in w.indices { w[i] *= -1.5 } }
        try agree("after a write into the kernel")
        _ = try plan.trainStep(x, targets: Tensor(shape: [5, 1], data: [0, 1, 0, 1, 1]), loss: .binaryCrossentropy,
                               optimizer: Adam(learningRate: 0.1))
        try agree("after a training step")
    }
}
