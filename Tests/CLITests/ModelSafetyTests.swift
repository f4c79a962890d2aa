import Foundation
import XCTest

/// Issue 11, models, checkpoints and sizes: each input that used to trap, abort or print
/// nonsense now gives one `error:` line naming the value, file or tensor at fault, an exit
/// status between 1 and 127 (not a signal), and leaves the user's files byte-identical.
final class ModelSafetyTests: XCTestCase {
    /// A small data set, an architecture (input 8×8×3, Conv2D 2 filters, Flatten, Dense 1
    /// sigmoid) and a finished one-epoch run with it: made once, copied by each test that edits.
    static let fixture: URL? = {
        let root = CLI.scratch("modelsafetyfixture")
        let data = root.appendingPathComponent("data")
        let architecture = root.appendingPathComponent("arch.json")
        guard (try? CLI.run(["dataset", "synth", "--output", data.path, "--train-per-class", "4", "--test-per-class", "2"], timeout: 60))?.status == 0,
              (try? Data(ModelSafetyTests.architecture(kernel: "3").utf8).write(to: architecture)) != nil,
              (try? CLI.run(["train", "--train", data.appendingPathComponent("training_set").path, "--architecture", architecture.path,
                             "--epochs", "1", "--steps-per-epoch", "1", "--batch-size", "2", "--no-report",
                             "--output", root.appendingPathComponent("run").path], timeout: 60))?.status == 0 else { return nil }
        return root
    }()

    static func architecture(kernel: String, padding: String = "valid") -> String {
        #"{"input_shape": [8, 8, 3], "layers": [{"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": \#(kernel), "padding": "\#(padding)", "activation": "relu"}}, {"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}"#
    }

    /// A fresh copy of the fixture for one test.
    func workspace(_ name: String = #function) throws -> URL {
        let fixture = try XCTUnwrap(Self.fixture, "the fixture (dataset synth, train) could not be made")
        let copy = CLI.scratch(name).appendingPathComponent("w")
        try FileManager.default.copyItem(at: fixture, to: copy)
        return copy
    }

    var image: String { "data/test_set/vertical/vertical.1.png" }

    /// Runs cnnviz in `folder` and checks the failure: a status in 1…127, one `error:` line
    /// holding every word, nothing on stdout that looks like a probability of NaN, and every
    /// file in `folder` byte-identical afterwards.
    @discardableResult
    func assertRefused(_ arguments: [String], in folder: URL, mentions words: [String],
                       file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let before = CLI.snapshot(folder)
        let r = try CLI.run(arguments, in: folder, timeout: 60, file: file, line: line)
        XCTAssertTrue((1...127).contains(r.status), "exit status \(r.status) for \(arguments)", file: file, line: line)
        // `evaluate --json` logs its progress ("Found 4 images …") to stderr: the error is the one last line.
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        XCTAssertEqual(errors.count, 1, "one error line: \(r.stderr)", file: file, line: line)
        let message = String(errors.last ?? "")
        XCTAssertTrue(r.stderr.hasSuffix(message + "\n"), "the error comes last: \(r.stderr)", file: file, line: line)
        for w in words { XCTAssertTrue(message.contains(w), "'\(w)' not in: \(r.stderr)", file: file, line: line) }
        XCTAssertFalse(r.stdout.contains("nan") || r.stdout.contains("null"), "stdout: \(r.stdout)", file: file, line: line)
        XCTAssertTrue(CLI.snapshot(folder) == before, "files in \(folder.path) changed", file: file, line: line)
        return r
    }

    var train: [String] { ["train", "--train", "data/training_set", "--output", "new-run", "--no-report"] }

    // MARK: 1 and 2: numbers that overflow, allocations that cannot succeed

    func testHugeBatchSizeIsRefused() throws {
        let w = try workspace()
        try assertRefused(train + ["--batch-size", "9223372036854775807"], in: w,
                          mentions: ["--batch-size 9223372036854775807 is too large", "at most 4096 images a batch"])
        try assertRefused(train + ["--epochs", "9223372036854775807"], in: w, mentions: ["--epochs", "at most 100000 epochs"])
        try assertRefused(train + ["--steps-per-epoch", "9223372036854775807"], in: w, mentions: ["--steps-per-epoch", "at most 1000000"])
    }

    func testHugeImageSizeIsRefused() throws {
        let w = try workspace()
        try assertRefused(train + ["--image-size", "100000"], in: w, mentions: ["--image-size 100000 is too large", "at most 4096 pixels a side"])
        // Within the side limit, the coursework's dense kernel would pass the tensor limit: refused before any image is read.
        try assertRefused(train + ["--image-size", "2048"], in: w, mentions: ["layer 'dense'", "at most 268435456 values"])
    }

    func testKernelSizeThatOverflowsIsRefused() throws {
        let w = try workspace()
        for padding in ["valid", "same"] {
            try Data(Self.architecture(kernel: "3037000500", padding: padding).utf8).write(to: w.appendingPathComponent("big-kernel.json"))
            try assertRefused(["summary", "--architecture", "big-kernel.json"], in: w,
                              mentions: ["big-kernel.json", "\"kernel_size\" 3037000500 is too large", "at most 4096 a side"])
            try assertRefused(train + ["--architecture", "big-kernel.json"], in: w, mentions: ["big-kernel.json", "kernel_size"])
        }
    }

    /// Changes the top-level fields of a model.json (or trainer_state.json) as a person editing it would.
    func editJSON(_ url: URL, _ edit: (inout [String: Any]) -> Void) throws {
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }

    func testHugeTargetSizeAndInputShapeAreRefused() throws {
        let w = try workspace()
        let json = w.appendingPathComponent("run/model/model.json")
        try editJSON(json) { $0["preprocessing"] = ["rescale": 1.0 / 255, "target_size": [100000, 100000], "interpolation": "nearest"] }
        try assertRefused(["predict", "--model", "run/model", image], in: w,
                          mentions: ["model.json", "preprocessing.target_size [100000, 100000] is too large", "at most 4096 pixels a side"])
        try editJSON(json) { $0["input_shape"] = [100000, 100000, 3] }
        try assertRefused(["inspect", image, "--model", "run/model", "--output", "inspected"], in: w,
                          mentions: ["model.json", "\"input_shape\" [100000, 100000, 3] is too large"])
    }

    // MARK: 3: non-finite values

    func testNaNWeightsAreRefusedByName() throws {
        let w = try workspace()
        let weights = w.appendingPathComponent("run/model/weights.safetensors")
        var tensors = try SafetensorsFile.read(weights)
        XCTAssertEqual(tensors["dense.kernel"]?.values.count, 72)
        tensors["dense.kernel"]?.values[42] = .nan
        try SafetensorsFile.write(tensors, to: weights)
        try assertRefused(["predict", "--model", "run/model", image], in: w,
                          mentions: ["weights.safetensors", "tensor 'dense.kernel' holds NaN at index 42"])
        try assertRefused(["evaluate", "--model", "run/model", "--data", "data/test_set"], in: w, mentions: ["holds NaN"])
    }

    /// Finite weights of 3e38 overflow float in the first layer: no probability of NaN, no trap.
    func testOverflowingWeightsFailCleanly() throws {
        let w = try workspace()
        let weights = w.appendingPathComponent("run/model/weights.safetensors")
        var tensors = try SafetensorsFile.read(weights)
        for (name, t) in tensors { tensors[name] = (t.shape, t.values.map { _ in 3e38 }) }
        try SafetensorsFile.write(tensors, to: weights)
        let words = ["the model's output for", "vertical.1.png", "is not a number", "layer 'conv2d' gives"]
        try assertRefused(["predict", "--model", "run/model", image], in: w, mentions: words)
        try assertRefused(["predict", "--model", "run/model", image, "--json"], in: w, mentions: words)
        try assertRefused(["inspect", image, "--model", "run/model", "--output", "inspected"], in: w, mentions: words)
        try assertRefused(["evaluate", "--model", "run/model", "--data", "data/test_set", "--json"], in: w, mentions: ["is not a number"])
    }

    // MARK: 4: class names that do not fit the output

    func testSingleClassNameIsRefused() throws {
        let w = try workspace()
        try editJSON(w.appendingPathComponent("run/model/model.json")) { $0["class_names"] = ["cats"] }
        try assertRefused(["predict", "--model", "run/model", image], in: w,
                          mentions: ["model.json", "\"class_names\" lists 1 (cats)", "exactly two class names"])
        try editJSON(w.appendingPathComponent("run/model/model.json")) { $0["class_names"] = ["cats", "dogs", "birds"] }
        try assertRefused(["evaluate", "--model", "run/model", "--data", "data/test_set"], in: w, mentions: ["lists 3"])
    }

    // MARK: 5: edited checkpoints

    var resume: [String] {
        ["train", "--train", "data/training_set", "--architecture", "arch.json", "--epochs", "1", "--steps-per-epoch", "1",
         "--batch-size", "2", "--no-report", "--output", "run", "--resume"]
    }

    var state: String { "run/checkpoint/trainer_state.json" }

    func testCheckpointEpochMinusOneIsRefused() throws {
        let w = try workspace()
        try editJSON(w.appendingPathComponent(state)) { $0["epoch"] = -1 }
        try assertRefused(resume, in: w, mentions: ["trainer_state.json", "\"epoch\" -1 is not an epoch of this run"])
    }

    func testCheckpointStep999IsRefused() throws {
        let w = try workspace()
        try editJSON(w.appendingPathComponent(state)) { $0["epoch"] = 0; $0["step"] = 999 }
        try assertRefused(resume, in: w, mentions: ["trainer_state.json", "\"step\" 999 is not a step of an epoch of 1 steps"])
        try editJSON(w.appendingPathComponent(state)) { $0["epoch"] = 1; $0["step"] = 0; $0["optimizer_iterations"] = -1 }
        try assertRefused(resume, in: w, mentions: ["\"optimizer_iterations\" -1"])
        try editJSON(w.appendingPathComponent(state)) { $0["optimizer_iterations"] = 1; $0["running_samples"] = -8 }
        try assertRefused(resume, in: w, mentions: ["\"running_samples\" -8 is negative"])
    }

    func testOptimizerSlotOfTheWrongShapeIsRefused() throws {
        let w = try workspace()
        let url = w.appendingPathComponent("run/checkpoint/optimizer.safetensors")
        var tensors = try SafetensorsFile.read(url)
        XCTAssertNotNil(tensors["m.dense.kernel"], "the checkpoint has Adam's slots: \(tensors.keys.sorted())")
        tensors["m.dense.kernel"] = (shape: [5], values: [0, 0, 0, 0, 0])
        try SafetensorsFile.write(tensors, to: url)
        try assertRefused(resume, in: w, mentions: ["optimizer.safetensors", "optimizer slot 'm.dense.kernel' has shape (5)", "needs (72)"])
    }
}

/// Reads and writes float32 safetensors files, so the tests can edit weights as a person could.
enum SafetensorsFile {
    typealias Tensors = [String: (shape: [Int], values: [Float])]

    static func read(_ url: URL) throws -> Tensors {
        let data = try Data(contentsOf: url)
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any])
        var result: Tensors = [:]
        for (name, entry) in header where name != "__metadata__" {
            let fields = try XCTUnwrap(entry as? [String: Any])
            let shape = try XCTUnwrap(fields["shape"] as? [Int]), offsets = try XCTUnwrap(fields["data_offsets"] as? [Int])
            let bytes = data.subdata(in: (8 + length + offsets[0])..<(8 + length + offsets[1]))
            result[name] = (shape, bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) })
        }
        return result
    }

    static func write(_ tensors: Tensors, to url: URL) throws {
        var header: [String: Any] = [:], payload = Data()
        for (name, t) in tensors.sorted(by: { $0.key < $1.key }) {
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [payload.count, payload.count + 4 * t.values.count]]
            t.values.withUnsafeBytes { payload.append(contentsOf: $0) }
        }
        let json = try JSONSerialization.data(withJSONObject: header, options: .sortedKeys)
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        try (data + json + payload).write(to: url)
    }
}
