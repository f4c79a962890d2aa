import CNNCore
import Foundation

/// The checks `Checkpoint.load` makes on a checkpoint folder someone may have edited by hand.
extension Checkpoint {
    /// The error for a damaged checkpoint file: names the file and what is wrong, and says how to go on.
    static func damaged(_ path: String, _ reason: String) -> CNNError {
        .invalidInput("the checkpoint file \(path) is damaged: \(reason)",
                      hint: "run with the same options as before, or without --resume (and another --output) to start again")
    }

    /// Parses `trainer_state.json`, checking every field against the run: the position (epoch,
    /// step) within `epochs` × `stepsPerEpoch`, the optimizer's step count at most the steps
    /// done, the epoch's running sums finite and non-negative, one history record per epoch done.
    init(state data: Data, path: String, epochs: Int, stepsPerEpoch: Int) throws {
        func bad(_ reason: String) -> CNNError { Checkpoint.damaged(path, reason) }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data), let state = value.objectValue else {
            throw bad("it is not a JSON object")
        }
        func whole(_ key: String, default fallback: Int? = nil) throws -> Int {
            guard let field = state[key], field != .null else {
                if let fallback { return fallback }
                throw bad("\"\(key)\" is missing")
            }
            guard let n = field.intValue else { throw bad("\"\(key)\" must be a whole number, not \(field.compactString())") }
            return n
        }
        func number(_ key: String) throws -> Double {
            guard let field = state[key], field != .null else { return 0 }
            guard let x = field.doubleValue, x.isFinite, x >= 0 else {
                throw bad("\"\(key)\" must be a finite number of at least 0, not \(field.compactString())")
            }
            return x
        }
        let epoch = try whole("epoch"), step = try whole("step"), iterations = try whole("optimizer_iterations")
        guard (0...epochs).contains(epoch) else {
            throw bad("\"epoch\" \(epoch) is not an epoch of this run of \(epochs) epochs (0 to \(epochs))")
        }
        guard (0..<stepsPerEpoch).contains(step), epoch < epochs || step == 0 else {
            throw bad("\"step\" \(step) is not a step of an epoch of \(stepsPerEpoch) steps (0 to \(stepsPerEpoch - 1)\(epoch == epochs ? ", and 0 after the last epoch" : ""))")
        }
        // Both factors are at most `Limits`, so the product fits; checked all the same.
        let done = Limits.product(epoch, stepsPerEpoch).flatMap { Limits.sum([$0, step]) } ?? Int.max
        guard (0...done).contains(iterations) else {
            throw bad("\"optimizer_iterations\" \(iterations) is not between 0 and the \(done) steps done by epoch \(epoch), step \(step)")
        }
        let samples = try whole("running_samples", default: 0)
        guard samples >= 0 else { throw bad("\"running_samples\" \(samples) is negative") }
        let loss = try number("running_loss"), correct = try number("running_correct")
        guard correct <= Double(samples) else {
            throw bad("\"running_correct\" \(correct) is more than the \(samples) samples seen (\"running_samples\")")
        }
        let records = state["history"]?.arrayValue ?? []
        let history = records.compactMap(EpochRecord.init(json:))
        guard history.count == records.count, history.count == epoch,
              history.enumerated().allSatisfy({ $0.element.epoch == $0.offset + 1 && $0.element.isFinite }) else {
            throw bad("\"history\" must hold one record of finite numbers for each of the \(epoch) epochs done, numbered from 1")
        }
        self.init(epoch: epoch, step: step, runningLoss: loss, runningCorrect: correct, runningSamples: samples,
                  history: history, fingerprint: state["options"]?.objectValue ?? [:], iterations: iterations)
    }

    /// Refuses a checkpoint whose weights are not the model's: the same names in the same order
    /// with the same shapes (a model.json edited to another architecture would otherwise be
    /// copied weight by weight into arrays of other sizes).
    static func checkSameArchitecture(_ saved: Sequential, _ model: Sequential, folder: URL) throws {
        let mine = SavedModel.namedWeights(model), theirs = SavedModel.namedWeights(saved)
        for (a, b) in zip(mine, theirs) where a.name != b.name || a.tensor.shape != b.tensor.shape {
            throw CNNError.invalidInput("the checkpoint in \(folder.path) holds '\(b.name)' \(CNNError.format(b.tensor.shape)) where the model has '\(a.name)' \(CNNError.format(a.tensor.shape))",
                                        hint: "resume with the architecture the run started with, or run without --resume to start again")
        }
        guard mine.count == theirs.count else {
            throw CNNError.invalidInput("the checkpoint in \(folder.path) holds \(theirs.count) weight arrays but the model has \(mine.count)",
                                        hint: "resume with the architecture the run started with, or run without --resume to start again")
        }
    }

    /// The optimizer's slots from the tensors of `optimizer.safetensors`, by construction: each
    /// of the optimizer's slots for each of the model's parameters (`slot.layer.weight`, e.g.
    /// `m.dense.kernel`), with exactly that parameter's element count and finite values. Unknown
    /// names are refused. No tensors at all is a checkpoint saved before the first step.
    static func checkedSlots(_ tensors: [String: Tensor], for model: Sequential, optimizer: Optimizer,
                             iterations: Int, path: String) throws -> [String: [[Float]]] {
        if tensors.isEmpty {
            guard iterations == 0 else {
                throw CNNError.badWeights(path: path, reason: "the optimizer's slots are missing, but it has taken \(iterations) steps")
            }
            return [:]
        }
        let weights = SavedModel.namedParameters(model)  // trainable only: buffers have no slots
        var expected: [String: Int] = [:]
        for slot in optimizer.slotNames {
            for (name, tensor) in weights { expected["\(slot).\(name)"] = tensor.count }
        }
        if let unknown = tensors.keys.filter({ expected[$0] == nil }).sorted().first {
            throw CNNError.badWeights(path: path, reason: "tensor '\(unknown)' is not a slot of this optimizer (slots \(optimizer.slotNames.joined(separator: ", ")) for each weight, e.g. '\(optimizer.slotNames.first ?? "m").\(weights.first?.name ?? "conv2d.kernel")')")
        }
        var slots: [String: [[Float]]] = [:]
        for slot in optimizer.slotNames {
            slots[slot] = try weights.map { name, weight in
                let key = "\(slot).\(name)"
                guard let t = tensors[key] else {
                    throw CNNError.badWeights(path: path, reason: "optimizer slot '\(key)' is missing")
                }
                guard t.shape == [weight.count] else {
                    throw CNNError.badWeights(path: path, reason: "optimizer slot '\(key)' has shape \(CNNError.format(t.shape)) but weight '\(name)' has \(weight.count) values, so it needs (\(weight.count))")
                }
                try SavedModel.checkFinite(t, name: key, path: path)
                return t.data
            }
        }
        return slots
    }
}

extension EpochRecord {
    /// True when every number of the record is finite (a hand-edited history could hold NaN).
    var isFinite: Bool {
        [loss, accuracy, valLoss ?? 0, valAccuracy ?? 0, seconds].allSatisfy(\.isFinite)
    }
}
