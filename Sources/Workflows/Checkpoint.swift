import CNNCore
import Foundation

/// Everything needed to continue training exactly where it stopped: the model, Adam's moments
/// and step count, the position (epoch, step), the epoch's running sums and the history so far.
///
/// Stored as a model folder (`model.json`, `weights.safetensors`) plus `optimizer.safetensors`
/// and `trainer_state.json`, written atomically as one folder.
struct Checkpoint {
    var epoch: Int
    var step: Int
    var runningLoss: Double
    var runningCorrect: Double
    var runningSamples: Int
    var history: [EpochRecord]
    var fingerprint: [String: JSONValue]
    /// The optimizer's step count when saved (read back by `load`; `save` takes the optimizer's own).
    var iterations = 0

    static let stateFile = "trainer_state.json"
    static let optimizerFile = "optimizer.safetensors"

    func save(model: Sequential, spec: ModelSpec, optimizer: Optimizer, to folder: URL) throws {
        try snapshot(model: model, spec: spec, optimizer: optimizer).write(to: folder)
    }

    /// The checkpoint's files as they are now, held in memory: the weights (copies that cost
    /// nothing until the next step writes the model's arrays), Adam's moments (copied) and the
    /// state. Written by `Snapshot.write`, on another thread while training goes on.
    func snapshot(model: Sequential, spec: ModelSpec, optimizer: Optimizer) -> Snapshot {
        var slots: [(name: String, tensor: Tensor)] = []
        let names = SavedModel.namedParameters(model).map(\.name)
        let optimizerState = optimizer.state  // one copy of the moments (each read of `state` copies them)
        for (name, arrays) in optimizerState.slots.sorted(by: { $0.key < $1.key }) {
            for (i, values) in arrays.enumerated() {
                slots.append(("\(name).\(names[i])", Tensor(shape: [values.count], data: values)))
            }
        }
        let state: JSONValue = .object([
            "epoch": .int(epoch), "step": .int(step), "optimizer_iterations": .int(optimizerState.iterations),
            "running_loss": .number(runningLoss), "running_correct": .number(runningCorrect), "running_samples": .int(runningSamples),
            "history": .array(history.map(\.json)), "options": .object(fingerprint),
        ])
        return Snapshot(architecture: Data(spec.encoded().utf8), weights: SavedModel.namedWeights(model), slots: slots,
                        state: Data(state.encodedString().utf8))
    }

    /// A checkpoint's files in memory (`Checkpoint.snapshot`).
    struct Snapshot {
        var architecture: Data
        var weights: [(name: String, tensor: Tensor)]
        var slots: [(name: String, tensor: Tensor)]
        var state: Data

        /// Writes the folder atomically, byte for byte what `SavedModel.save` writes for the
        /// model with the state and the optimizer's slots as extra files (CheckpointSnapshotTests),
        /// without needing the model itself.
        func write(to folder: URL) throws {
            try AtomicWrite.folder(at: folder) { temp in
                do {
                    try architecture.write(to: temp.appendingPathComponent(SavedModel.architectureFile))
                    try Safetensors.write(weights, metadata: ["format": "cnnviz", "layout": "keras"],
                                          to: temp.appendingPathComponent(SavedModel.weightsFile))
                    try state.write(to: temp.appendingPathComponent(Checkpoint.stateFile))
                    try Safetensors.write(slots, to: temp.appendingPathComponent(Checkpoint.optimizerFile))
                } catch let error as CNNError {
                    throw error
                } catch {
                    throw CNNError.writeFailed(path: folder.path, reason: FileErrorText.describe(error))
                }
            }
        }
    }

    /// Loads a checkpoint into `model` and `optimizer`, which must have the same architecture,
    /// for a run of `epochs` epochs of `stepsPerEpoch` steps.
    ///
    /// A checkpoint is a folder a person can edit, so nothing in it is trusted: the weights must
    /// be finite and shaped as the model's, the position must lie within the run, and every
    /// optimizer slot must be one the optimizer knows, for a parameter the model has, with its
    /// element count (Adam updates its slots through raw pointers, so a slot of the wrong length
    /// would corrupt memory). Nothing is handed to the model or the optimizer until all pass.
    static func load(from folder: URL, into model: Sequential, optimizer: Optimizer, epochs: Int, stepsPerEpoch: Int) throws -> Checkpoint {
        let saved = try SavedModel.load(from: folder)
        try checkSameArchitecture(saved.model, model, folder: folder)
        let stateURL = folder.appendingPathComponent(stateFile)
        let data = try RegularFile.read(stateURL, limit: Limits.maxJSONBytes, failure: CNNError.badModelFile)
        let checkpoint = try Checkpoint(state: data, path: stateURL.path, epochs: epochs, stepsPerEpoch: stepsPerEpoch)
        let optURL = folder.appendingPathComponent(optimizerFile)
        let optData = try RegularFile.read(optURL, limit: Limits.maxWeightsBytes, failure: CNNError.badWeights)
        let slots = try checkedSlots(Safetensors.decode(optData, path: optURL.path), for: model, optimizer: optimizer,
                                     iterations: checkpoint.iterations, path: optURL.path)
        // Buffers too (BatchNormalization's moving statistics): they are part of the model.
        for (target, source) in zip(model.parameters + model.buffers, saved.model.parameters + saved.model.buffers) {
            target.value = source.value
        }
        optimizer.state = OptimizerState(iterations: checkpoint.iterations, slots: slots)
        return checkpoint
    }
}
