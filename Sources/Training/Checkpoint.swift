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

    static let stateFile = "trainer_state.json"
    static let optimizerFile = "optimizer.safetensors"

    func save(model: Sequential, spec: ModelSpec, optimizer: Optimizer, to folder: URL) throws {
        var slots: [(String, Tensor)] = []
        for (name, arrays) in optimizer.state.slots.sorted(by: { $0.key < $1.key }) {
            for (i, values) in arrays.enumerated() {
                let key = SavedModel.namedWeights(model)[i].name
                slots.append(("\(name).\(key)", Tensor(shape: [values.count], data: values)))
            }
        }
        let state: JSONValue = .object([
            "epoch": .int(epoch), "step": .int(step), "optimizer_iterations": .int(optimizer.state.iterations),
            "running_loss": .number(runningLoss), "running_correct": .number(runningCorrect), "running_samples": .int(runningSamples),
            "history": .array(history.map(\.json)), "options": .object(fingerprint),
        ])
        try SavedModel(spec: spec, model: model).save(to: folder,
                                                      extraFiles: [Checkpoint.stateFile: Data(state.encodedString().utf8)],
                                                      extraTensors: [Checkpoint.optimizerFile: slots])
    }

    /// Loads a checkpoint into `model` and `optimizer`, which must have the same architecture.
    static func load(from folder: URL, into model: Sequential, optimizer: Optimizer) throws -> Checkpoint {
        let saved = try SavedModel.load(from: folder)
        for (target, source) in zip(model.parameters, saved.model.parameters) { target.value = source.value }
        let stateURL = folder.appendingPathComponent(stateFile)
        guard let data = FileManager.default.contents(atPath: stateURL.path),
              let state = try? JSONDecoder().decode(JSONValue.self, from: data).objectValue,
              let epoch = state["epoch"]?.intValue, let step = state["step"]?.intValue,
              let iterations = state["optimizer_iterations"]?.intValue else {
            throw CNNError.badModelFile(path: stateURL.path, reason: "the checkpoint's trainer state is missing or damaged")
        }
        let optURL = folder.appendingPathComponent(optimizerFile)
        guard let optData = FileManager.default.contents(atPath: optURL.path) else {
            throw CNNError.badWeights(path: optURL.path, reason: "the optimizer state is missing")
        }
        let tensors = try Safetensors.decode(optData, path: optURL.path)
        var slots: [String: [[Float]]] = [:]
        let names = SavedModel.namedWeights(model).map(\.name)
        for slot in Set(tensors.keys.compactMap { $0.split(separator: ".").first.map(String.init) }) {
            slots[slot] = try names.map { name in
                guard let t = tensors["\(slot).\(name)"] else {
                    throw CNNError.badWeights(path: optURL.path, reason: "optimizer slot '\(slot).\(name)' is missing")
                }
                return t.data
            }
        }
        optimizer.state = OptimizerState(iterations: iterations, slots: slots)
        let history = (state["history"]?.arrayValue ?? []).compactMap(EpochRecord.init(json:))
        return Checkpoint(epoch: epoch, step: step,
                          runningLoss: state["running_loss"]?.doubleValue ?? 0,
                          runningCorrect: state["running_correct"]?.doubleValue ?? 0,
                          runningSamples: state["running_samples"]?.intValue ?? 0,
                          history: Array(history), fingerprint: state["options"]?.objectValue ?? [:])
    }
}
