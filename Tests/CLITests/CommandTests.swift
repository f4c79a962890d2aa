import Foundation
import XCTest
import Visualize

/// End-to-end: the real binary, its output and its exit codes.
final class CommandTests: XCTestCase {
    func testSummaryShowsCourseworkTotals() throws {
        let r = try CLI.run(["summary"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Total params: 3,937,409"), r.stdout)
        XCTAssertTrue(r.stdout.contains("dense_1 (Dense)"))
        XCTAssertTrue(r.stdout.contains("3,936,384"))
    }

    func testBadModelFolderAndArchitectureFail() throws {
        let folder = CLI.scratch()
        var r = try CLI.run(["summary", "--model", folder.appendingPathComponent("missing").path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("error: ") && r.stderr.contains("missing"), r.stderr)
        let bad = folder.appendingPathComponent("arch.json")
        try Data("{\"input_shape\": [8, 8, 3], \"layers\": [{\"class_name\": \"Conv3D\"}]}".utf8).write(to: bad)
        r = try CLI.run(["summary", "--architecture", bad.path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("unknown class_name \"Conv3D\""), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one clear line: \(r.stderr)")
    }

    func testTutorialJSONAndBadMatrix() throws {
        let out = CLI.scratch().appendingPathComponent("tutorials")  // a new folder: cnnviz writes only in folders it made
        var r = try CLI.run(["tutorial", "convolution", "--json", "--output", out.path,
                             "--input", "1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1", "--kernel", "1 2; 3 4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        // 1·1 + 2·2 + 0·3 + 1·4 = 9 for the first cell.
        let output = json?["output"] as? [[Double]]
        XCTAssertEqual(output?.count, 3)
        XCTAssertEqual(output?.first?.first, 9)
        r = try CLI.run(["tutorial", "convolution", "--output", out.path, "--input", "1 2; 3"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--input"), r.stderr)
        r = try CLI.run(["tutorial", "no-such-lesson", "--output", out.path])
        XCTAssertNotEqual(r.status, 0)
    }

    /// `bench train --profile --json`: the throughput and a time per phase of the step, whose
    /// phases cover the layers' passes (a debug build: the figures mean nothing, the shape does).
    func testBenchTrainProfileJSON() throws {
        let r = try CLI.run(["bench", "train", "--steps", "1", "--repeats", "1", "--profile", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertGreaterThan(json?["train_images_per_second"] as? Double ?? 0, 0, r.stdout)
        let profile = json?["profile_ms_per_step"] as? [String: Double] ?? [:]
        XCTAssertTrue(profile.keys.contains { $0.hasPrefix("forward conv2d") }, "\(profile.keys)")
        XCTAssertTrue(profile.keys.contains("backward dense + optimizer (kernel)"), "\(profile.keys)")
        let step = json?["step_ms"] as? Double ?? 0
        XCTAssertGreaterThan(step, 0)
        XCTAssertLessThanOrEqual(profile.values.reduce(0, +), step * 1.01)
    }

    /// The whole path on a tiny demo set: synth → train → evaluate → predict, with their JSON forms.
    func testTrainEvaluatePredictOnDemoData() throws {
        let root = CLI.scratch()
        let data = root.appendingPathComponent("demo")
        var r = try CLI.run(["dataset", "synth", "--output", data.path, "--train-per-class", "12", "--test-per-class", "4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let run = root.appendingPathComponent("run")
        r = try CLI.run(["train", "--train", data.appendingPathComponent("training_set").path,
                         "--validation", data.appendingPathComponent("test_set").path,
                         "--epochs", "2", "--steps-per-epoch", "2", "--batch-size", "4", "--image-size", "16",
                         "--output", run.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Found 24 images belonging to 2 classes."), r.stdout)
        XCTAssertTrue(r.stdout.contains("2/2 [==============================]"), r.stdout)
        for file in ["model/model.json", "model/weights.safetensors", "history.csv", "index.html", "loss.png",
                     "report/initial-weights.safetensors", "report/kernels/change-epoch-02.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), file)
        }
        // The report: where the learning happened, sliders named by epoch with play, no dead link.
        let report = try String(contentsOf: run.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("Where the learning happened") && report.contains("<td>dense.kernel</td>"), report)
        XCTAssertTrue(report.contains("data-labels='[\"before training\",\"epoch 1\",\"epoch 2\"]'"), report)
        XCTAssertTrue(report.contains("class=\"play\""))
        for ref in HTMLPage.references(in: report) where !ref.hasPrefix("#") {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(ref).path), "dead link \(ref)")
        }

        r = try CLI.run(["evaluate", "--model", run.appendingPathComponent("model").path,
                         "--data", data.appendingPathComponent("test_set").path, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let evaluation = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(evaluation?["images"] as? Int, 8)
        XCTAssertNotNil(evaluation?["loss"] as? Double)
        XCTAssertNotNil(evaluation?["accuracy"] as? Double)
        XCTAssertEqual((evaluation?["confusion_matrix"] as? [[Int]])?.flatMap { $0 }.reduce(0, +), 8)

        let image = data.appendingPathComponent("test_set/vertical/vertical.1.png").path
        r = try CLI.run(["predict", "--model", run.appendingPathComponent("model").path, image, image, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        XCTAssertEqual(first?["image"] as? String, image)
        XCTAssertNotNil(first?["probability"] as? Double)
        XCTAssertTrue(["horizontal", "vertical"].contains(first?["class"] as? String ?? ""))

        // Bad input: an unreadable image and a batch size of 0.
        let text = root.appendingPathComponent("notes.jpg")
        try Data("not an image".utf8).write(to: text)
        r = try CLI.run(["predict", "--model", run.appendingPathComponent("model").path, text.path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("notes.jpg"), r.stderr)
        r = try CLI.run(["train", "--train", data.appendingPathComponent("training_set").path, "--batch-size", "0"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--batch-size"), r.stderr)
    }
}
