import XCTest
@testable import CNNCore

final class TraceTests: XCTestCase {
    /// A training step with a trace records every layer's output, parameters and gradients,
    /// and writes them as .npy files whose shapes the manifest states.
    func testTraceRecordsAndWritesEveryLayer() throws {
        let model = try Coursework.spec(imageSize: 8).build(seed: 3)
        let trace = Trace()
        var x = Tensor.zeros([2, 8, 8, 3])
        for i in x.data.indices { x.data[i] = Float(i % 7) / 7 }
        try model.trainStep(x, targets: Tensor(shape: [2, 1], data: [0, 1]), loss: .binaryCrossentropy, optimizer: Adam(), trace: trace)

        XCTAssertEqual(trace.tensor(layer: "input", role: .output)?.shape, [1, 8, 8, 3])
        XCTAssertEqual(trace.tensor(layer: "conv2d", role: .output)?.shape, [1, 6, 6, 32])
        XCTAssertEqual(trace.tensor(layer: "conv2d", role: .preActivation)?.shape, [1, 6, 6, 32])
        XCTAssertEqual(trace.tensor(layer: "conv2d", role: .kernel)?.shape, [3, 3, 3, 32])
        XCTAssertEqual(trace.tensor(layer: "conv2d", role: .weightGradient("kernel"))?.shape, [3, 3, 3, 32])
        XCTAssertEqual(trace.tensor(layer: "dense_1", role: .preActivationGradient)?.shape, [1, 1])
        XCTAssertEqual(trace.tensor(layer: "max_pooling2d", role: .inputGradient)?.shape, [1, 6, 6, 32])
        XCTAssertNil(trace.tensor(layer: "conv2d", role: .inputGradient), "the first layer's input gradient is never computed")
        // ReLU output is the pre-activation with negatives zeroed.
        let z = try XCTUnwrap(trace.tensor(layer: "conv2d", role: .preActivation))
        XCTAssertEqual(trace.tensor(layer: "conv2d", role: .output)?.data, z.data.map { max($0, 0) })

        let folder = temporaryFolder()
        try trace.write(to: folder)
        let saved = try SavedTrace(folder: folder)
        XCTAssertEqual(saved.tensors.count, trace.entries.count)
        for info in saved.tensors {
            let t = try XCTUnwrap(saved.load(layer: info.layer, role: info.role))
            XCTAssertEqual(t.shape, info.shape, info.file)
        }
        let layers = saved.manifest.objectValue?["layers"]?.arrayValue ?? []
        XCTAssertEqual(layers.count, 5)
        XCTAssertEqual(layers.first?.objectValue?["input_file"], .string("tensors/00_input.npy"))
        XCTAssertEqual(layers[1].objectValue?["input_file"], .string("tensors/01_conv2d_output.npy"))
    }
}

/// The roles' spellings are what manifest.json and the .npy file names say.
final class TraceRoleTests: XCTestCase {
    func testNamesRoundTrip() {
        let roles: [TraceRole] = [.output, .preActivation, .kernel, .bias, .weight("moving_mean"), .outputGradient,
                                  .preActivationGradient, .inputGradient, .weightGradient("kernel"), .weightGradient("gamma")]
        XCTAssertEqual(roles.map(\.name), ["output", "pre_activation", "kernel", "bias", "moving_mean", "grad_output",
                                          "grad_pre_activation", "grad_input", "grad_kernel", "grad_gamma"])
        for role in roles { XCTAssertEqual(TraceRole(name: role.name), role) }
    }
}
