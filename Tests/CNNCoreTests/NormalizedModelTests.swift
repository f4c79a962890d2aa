import Foundation
import XCTest
@testable import CNNCore

/// The Keras-style model of issue 12: Conv2D 8 same → BatchNormalization → ReLU → MaxPooling2D
/// → Conv2D 16 relu → GlobalAveragePooling2D → Dense 1 sigmoid on 32×32×3.
let normalizedArchitecture = """
{"input_shape": [32, 32, 3], "loss": "binary_crossentropy", "layers": [
  {"class_name": "Conv2D", "config": {"filters": 8, "kernel_size": [3, 3], "padding": "same"}},
  {"class_name": "BatchNormalization", "config": {}},
  {"class_name": "Activation", "config": {"activation": "relu"}},
  {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2]}},
  {"class_name": "Conv2D", "config": {"filters": 16, "kernel_size": [3, 3], "activation": "relu"}},
  {"class_name": "GlobalAveragePooling2D", "config": {}},
  {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}
]}
"""

final class NormalizedModelTests: XCTestCase {
    func model(seed: UInt64 = 0) throws -> (ModelSpec, Sequential) {
        let spec = try ModelSpec.parse(Data(normalizedArchitecture.utf8), path: "arch.json")
        return (spec, try spec.build(seed: seed))
    }

    /// Keras' summary of this model: per-layer "Param #" (BatchNormalization counts its moving
    /// statistics too: 4 × 8 = 32), 1,441 in all, 16 of them non-trainable.
    func testSummaryCountsMatchKeras() throws {
        let (spec, model) = try model()
        XCTAssertEqual(model.layers.map(\.name), ["conv2d", "batch_normalization", "activation", "max_pooling2d",
                                                  "conv2d_1", "global_average_pooling2d", "dense"])
        XCTAssertEqual(model.outputShapes, [[32, 32, 8], [32, 32, 8], [32, 32, 8], [16, 16, 8], [14, 14, 16], [16], [1]])
        XCTAssertEqual(model.layers.map { $0.parameterCount + $0.bufferCount }, [224, 32, 0, 0, 1168, 0, 17])
        XCTAssertEqual(model.parameterCount, 1425)
        XCTAssertEqual(model.bufferCount, 16)
        XCTAssertEqual(try spec.plan().parameterCounts, [224, 32, 0, 0, 1168, 0, 17])
        XCTAssertEqual(try spec.plan().parameters, 1441)
        let text = Summary.text(model)
        XCTAssertTrue(text.contains("batch_normalization (BatchNormalization)"), text)
        XCTAssertTrue(text.contains(" Total params: 1,441 (5.63 KB)"), text)
        XCTAssertTrue(text.contains(" Trainable params: 1,425 (5.57 KB)"), text)
        XCTAssertTrue(text.contains(" Non-trainable params: 16 (64.00 B)"), text)
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("batch_normalization") })
        XCTAssertTrue(row.hasSuffix(" 32"), String(row))
    }

    /// The optimizer gets the trainable arrays only; a training step moves the moving statistics
    /// by the forward pass alone (1% of the way to the batch's).
    func testOptimizerNeverTouchesBuffers() throws {
        let (_, model) = try model()
        let buffers = model.buffers
        XCTAssertEqual(buffers.map(\.name), ["moving_mean", "moving_variance"])
        XCTAssertFalse(model.parameters.contains { p in buffers.contains { $0 === p } })
        var rng = SeededRNG(seed: 4)
        var x = Tensor.zeros([4, 32, 32, 3])
        for i in x.data.indices { x.data[i] = rng.uniform(0, 1) }
        // The BatchNormalization's input in the step below: the conv output before the update.
        let z = try model.layers[0].forward(x, training: false)
        var batchMean = [Double](repeating: 0, count: 8)
        for i in z.data.indices { batchMean[i % 8] += Double(z.data[i]) / Double(z.count / 8) }
        try model.trainStep(x, targets: Tensor(shape: [4, 1], data: [0, 1, 0, 1]), loss: .binaryCrossentropy, optimizer: Adam())
        assertClose(buffers[0].value.data, batchMean.map { Float($0 * 0.01) }, accuracy: 1e-6)
        XCTAssertTrue(buffers.allSatisfy { $0.gradient.data.allSatisfy { $0 == 0 } })
    }

    /// Moving statistics round-trip through a model folder, under Keras' names, and the loaded
    /// model answers as the saved one in inference.
    func testMovingStatisticsRoundTrip() throws {
        let (spec, model) = try model(seed: 2)
        var rng = SeededRNG(seed: 5)
        var x = Tensor.zeros([3, 32, 32, 3])
        for i in x.data.indices { x.data[i] = rng.uniform(0, 1) }
        for _ in 0..<3 {
            try model.trainStep(x, targets: Tensor(shape: [3, 1], data: [0, 1, 1]), loss: .binaryCrossentropy, optimizer: Adam())
        }
        let names = SavedModel.namedWeights(model).map(\.name)
        XCTAssertEqual(Array(names[2..<6]), ["batch_normalization.gamma", "batch_normalization.beta",
                                             "batch_normalization.moving_mean", "batch_normalization.moving_variance"])
        let folder = temporaryFolder().appendingPathComponent("model")
        try SavedModel(spec: ModelSpec(model: model, name: spec.name), model: model).save(to: folder)
        let loaded = try SavedModel.load(from: folder).model
        for (a, b) in zip(model.buffers, loaded.buffers) { XCTAssertEqual(a.value, b.value, a.name) }
        XCTAssertNotEqual(loaded.buffers[1].value.data, [Float](repeating: 1, count: 8), "the moving variance was trained")
        XCTAssertEqual(try loaded.forward(x).data, try model.forward(x).data)

        // A missing or negative moving variance is refused with its name.
        var tensors = Dictionary(uniqueKeysWithValues: SavedModel.namedWeights(model).map { ($0.name, $0.tensor) })
        tensors["batch_normalization.moving_variance"] = Tensor(shape: [8], repeating: -1)
        XCTAssertThrowsError(try SavedModel.assign(tensors, to: loaded, path: "w")) { error in
            XCTAssertTrue("\(error)".contains("moving_variance"), "\(error)")
        }
        tensors["batch_normalization.moving_variance"] = nil
        XCTAssertThrowsError(try SavedModel.assign(tensors, to: loaded, path: "w"))
    }

    /// The trace records buffers under their own roles, and the manifest counts them.
    func testTraceRecordsBuffers() throws {
        let (_, model) = try model()
        let trace = Trace()
        _ = try model.forward(Tensor.zeros([1, 32, 32, 3]), trace: trace)
        XCTAssertEqual(trace.tensor(layer: "batch_normalization", role: .weight("moving_variance"))?.data, [Float](repeating: 1, count: 8))
        XCTAssertEqual(trace.tensor(layer: "batch_normalization", role: .weight("gamma"))?.shape, [8])
        let layers = trace.manifest().objectValue?["layers"]?.arrayValue ?? []
        let bn = try XCTUnwrap(layers.first { $0.objectValue?["name"]?.stringValue == "batch_normalization" }?.objectValue)
        XCTAssertEqual(bn["parameters"]?.intValue, 32)
        XCTAssertEqual(bn["non_trainable_parameters"]?.intValue, 16)
        XCTAssertEqual(bn["buffers"], .array([.string("moving_mean"), .string("moving_variance")]))
    }
}
