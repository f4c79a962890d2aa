import CNNCore
import Foundation
import XCTest
@testable import Workflows

/// A checkpoint edited by hand is refused with a message naming the field or tensor, and
/// nothing of it reaches the model or the optimizer.
final class CheckpointValidationTests: XCTestCase {
    let epochs = 3, stepsPerEpoch = 4

    /// Input 8×8×3, Conv2D 2 filters 3×3 relu, Flatten, Dense 1 sigmoid.
    func smallSpec() -> ModelSpec {
        var spec = ModelSpec(inputShape: [8, 8, 3], layers: [
            ("Conv2D", ["filters": .int(2), "kernel_size": .int(3), "activation": .string("relu")]),
            ("Flatten", [:]),
            ("Dense", ["units": .int(1), "activation": .string("sigmoid")]),
        ])
        spec.classNames = ["cats", "dogs"]
        spec.preprocessing.targetSize = (8, 8)
        return spec
    }

    /// A checkpoint after 5 steps (epoch 1, step 1), written as the trainer writes it.
    func savedCheckpoint() throws -> URL {
        let folder = scratchFolder().appendingPathComponent("checkpoint")
        let model = try smallSpec().build(seed: 1)
        let adam = Adam()
        var rng = SeededRNG(seed: 2)
        let x = Tensor(shape: [2, 8, 8, 3], data: (0..<384).map { _ in rng.uniform(Float(0), 1) })
        let y = Tensor(shape: [2, 1], data: [0, 1])
        for _ in 0..<5 { try model.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam) }
        let history = [EpochRecord(epoch: 1, loss: 0.69, accuracy: 0.5, valLoss: nil, valAccuracy: nil, seconds: 0.1)]
        try Checkpoint(epoch: 1, step: 1, runningLoss: 1.3, runningCorrect: 1, runningSamples: 2, history: history, fingerprint: [:])
            .save(model: model, spec: smallSpec(), optimizer: adam, to: folder)
        return folder
    }

    /// Loads `folder` into a fresh model and Adam; on failure checks the message and that the
    /// model's weights and the optimizer were left as they were.
    func assertLoadFails(_ folder: URL, mentions words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let model = try smallSpec().build(seed: 9)
        let before = model.parameters.map(\.value)
        let adam = Adam()
        XCTAssertThrowsError(try Checkpoint.load(from: folder, into: model, optimizer: adam, epochs: epochs, stepsPerEpoch: stepsPerEpoch),
                             file: file, line: line) { error in
            for w in words { XCTAssertTrue("\(error)".contains(w), "'\(w)' not in: \(error)", file: file, line: line) }
        }
        XCTAssertEqual(model.parameters.map(\.value), before, "the model is untouched", file: file, line: line)
        XCTAssertEqual(adam.state, OptimizerState(), "the optimizer is untouched", file: file, line: line)
    }

    /// Replaces `key` in trainer_state.json with `value` (JSON text), or removes it when nil.
    func editState(_ folder: URL, _ key: String, _ value: String?) throws {
        let url = folder.appendingPathComponent(Checkpoint.stateFile)
        var state = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        state[key] = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
        try JSONSerialization.data(withJSONObject: state).write(to: url)
    }

    func editOptimizer(_ folder: URL, _ edit: (inout [String: Tensor]) -> Void) throws {
        let url = folder.appendingPathComponent(Checkpoint.optimizerFile)
        var tensors = try Safetensors.decode(Data(contentsOf: url), path: url.path)
        edit(&tensors)
        try Safetensors.encode(tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }).write(to: url)
    }

    func testSettingsOfAnEditedCheckpointAreDescribedWithoutTrapping() {
        // Found by the fuzz test: "epochs": 3e38 in trainer_state.json trapped in Int(Double).
        XCTAssertEqual(Trainer.describe(.number(3e38)), "3e+38")
        XCTAssertEqual(Trainer.describe(.number(-3e38)), "-3e+38")
        XCTAssertEqual(Trainer.describe(.number(32)), "32")
        XCTAssertTrue(Trainer.differences(["epochs": .number(3e38)], ["epochs": .int(1)]).contains("epochs: 3e+38 then, 1 now"))
    }

    func testAGoodCheckpointLoads() throws {
        let model = try smallSpec().build(seed: 9)
        let adam = Adam()
        let checkpoint = try Checkpoint.load(from: try savedCheckpoint(), into: model, optimizer: adam, epochs: epochs, stepsPerEpoch: stepsPerEpoch)
        XCTAssertEqual(checkpoint.epoch, 1)
        XCTAssertEqual(checkpoint.step, 1)
        XCTAssertEqual(adam.state.iterations, 5)
        XCTAssertEqual(adam.state.slots["m"]?.map(\.count), model.parameters.map(\.value.count))
    }

    func testPositionOutsideTheRunIsRefused() throws {
        for (key, value, words) in [
            ("epoch", "-1", ["trainer_state.json", "\"epoch\" -1 is not an epoch of this run of 3 epochs"]),
            ("epoch", "7", ["\"epoch\" 7"]),
            ("step", "999", ["\"step\" 999 is not a step of an epoch of 4 steps"]),
            ("step", "-1", ["\"step\" -1"]),
            ("step", "1.5", ["\"step\" must be a whole number"]),
            ("epoch", nil, ["\"epoch\" is missing"]),
            ("optimizer_iterations", "-3", ["\"optimizer_iterations\" -3 is not between 0 and the 5 steps"]),
            ("optimizer_iterations", "99", ["\"optimizer_iterations\" 99"]),
            ("running_samples", "-2", ["\"running_samples\" -2 is negative"]),
            ("running_loss", "-1", ["\"running_loss\" must be a finite number of at least 0"]),
            ("running_correct", "50", ["\"running_correct\" 50.0 is more than the 2 samples"]),
            ("history", "[]", ["\"history\" must hold one record"]),
        ] as [(String, String?, [String])] {
            let folder = try savedCheckpoint()
            try editState(folder, key, value)
            try assertLoadFails(folder, mentions: words)
        }
        let folder = try savedCheckpoint()
        try Data("[1, 2".utf8).write(to: folder.appendingPathComponent(Checkpoint.stateFile))
        try assertLoadFails(folder, mentions: ["trainer_state.json", "not a JSON object"])
    }

    /// A slot of the wrong length would corrupt memory in Adam's pointer loops: refused by name.
    func testOptimizerSlotOfTheWrongShapeIsRefused() throws {
        var folder = try savedCheckpoint()
        try editOptimizer(folder) { $0["m.dense.kernel"] = Tensor(shape: [3], data: [0, 0, 0]) }
        try assertLoadFails(folder, mentions: ["optimizer.safetensors", "optimizer slot 'm.dense.kernel' has shape (3)", "needs (72)"])

        folder = try savedCheckpoint()
        try editOptimizer(folder) { $0["v.conv2d.bias"] = Tensor(shape: [1, 2], data: [0, 0]) }
        try assertLoadFails(folder, mentions: ["'v.conv2d.bias' has shape (1, 2)"])

        folder = try savedCheckpoint()
        try editOptimizer(folder) { $0["momentum.dense.kernel"] = Tensor(shape: [72], repeating: 0) }
        try assertLoadFails(folder, mentions: ["tensor 'momentum.dense.kernel' is not a slot of this optimizer"])

        folder = try savedCheckpoint()
        try editOptimizer(folder) { $0["m.dense_7.kernel"] = Tensor(shape: [72], repeating: 0) }
        try assertLoadFails(folder, mentions: ["'m.dense_7.kernel' is not a slot"])

        folder = try savedCheckpoint()
        try editOptimizer(folder) { $0["v.dense.bias"] = nil }
        try assertLoadFails(folder, mentions: ["optimizer slot 'v.dense.bias' is missing"])

        folder = try savedCheckpoint()
        try editOptimizer(folder) { $0["m.dense.bias"] = Tensor(shape: [1], data: [.nan]) }
        try assertLoadFails(folder, mentions: ["tensor 'm.dense.bias' holds NaN at index 0"])

        folder = try savedCheckpoint()
        try editOptimizer(folder) { $0 = [:] }
        try assertLoadFails(folder, mentions: ["slots are missing", "taken 5 steps"])
    }

    func testCheckpointWeightsGoThroughTheSameChecks() throws {
        var folder = try savedCheckpoint()
        let weights = folder.appendingPathComponent(SavedModel.weightsFile)
        var tensors = try Safetensors.decode(Data(contentsOf: weights), path: weights.path)
        tensors["conv2d.kernel"]?.data[4] = .infinity
        try Safetensors.encode(tensors.map { ($0.key, $0.value) }).write(to: weights)
        try assertLoadFails(folder, mentions: ["tensor 'conv2d.kernel' holds inf at index 4"])

        // A model.json edited to another architecture is refused, not copied across.
        folder = try savedCheckpoint()
        var other = smallSpec()
        other.layers[0].config["filters"] = .int(3)
        let model = try other.build(seed: 1)
        try SavedModel(spec: other, model: model).save(to: scratchFolder().appendingPathComponent("other"))
        try other.encoded().write(to: folder.appendingPathComponent(SavedModel.architectureFile), atomically: true, encoding: .utf8)
        try Safetensors.encode(SavedModel.namedWeights(model)).write(to: folder.appendingPathComponent(SavedModel.weightsFile))
        try assertLoadFails(folder, mentions: ["holds 'conv2d.kernel' (3, 3, 3, 3) where the model has 'conv2d.kernel' (3, 3, 3, 2)"])
    }
}
