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

    /// The terminal and the page follow the numbers given (issue 16): a 5×5 input is called 5×5,
    /// in Spanish too; pooling's --gradient sets the incoming gradient; `tutorial all` writes the eight.
    func testTutorialWordsFollowTheNumbersAndGradientOption() throws {
        let out = CLI.scratch().appendingPathComponent("tutorials")
        var r = try CLI.run(["tutorial", "convolution", "--lang", "es", "--no-color", "--output", out.path,
                             "--input", "1 2 0 1 3; 0 1 2 3 1; 3 0 1 2 2; 2 3 0 1 0; 1 1 2 0 1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("Convolución: una entrada de 5×5 se convierte en 4×4"), r.stdout)
        XCTAssertFalse(r.stdout.contains("de 4×4 se convierte en 3×3"))
        let page = try String(contentsOf: out.appendingPathComponent("convolution/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("<html lang=\"es\">") && page.contains("<h1>Convolución: una entrada de 5×5 se convierte en 4×4</h1>"))
        r = try CLI.run(["tutorial", "pooling", "--json", "--output", out.path, "--gradient", "1 0; 0 -2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let grad = (json?["results"] as? [String: Any])?["input_gradient"] as? [[Double]]
        XCTAssertEqual(grad, [[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, -2, 0], [0, 0, 0, 0]])
        r = try CLI.run(["tutorial", "pooling", "--output", out.path, "--gradient", "1 2 3"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--gradient"), r.stderr)
        r = try CLI.run(["tutorial", "all", "--lang", "es", "--output", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertEqual(index.components(separatedBy: "thumbnail.png").count - 1, 8, "eight tutorials with a thumbnail")
        r = try CLI.run(["tutorial", "all", "--input", "1 2; 3 4", "--output", out.path])
        XCTAssertEqual(r.status, 64, "all takes no numbers: \(r.stderr)")
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

    /// A tiny demo set (12 + 4 images a class) and a 2-epoch run on it, with `extra` options:
    /// the data folder, the run folder and what `train` printed.
    func trainOnDemoData(_ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> (data: URL, run: URL, result: CLIResult) {
        let root = CLI.scratch()
        let data = root.appendingPathComponent("demo")
        let r = try CLI.run(["dataset", "synth", "--output", data.path, "--train-per-class", "12", "--test-per-class", "4"])
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        let run = root.appendingPathComponent("run")
        let trained = try CLI.run(["train", "--train", data.appendingPathComponent("training_set").path,
                                   "--validation", data.appendingPathComponent("test_set").path,
                                   "--epochs", "2", "--steps-per-epoch", "2", "--batch-size", "4", "--image-size", "16",
                                   "--output", run.path] + extra)
        XCTAssertEqual(trained.status, 0, trained.stderr, file: file, line: line)
        return (data, run, trained)
    }

    /// `train --lang es`: the report, its settings and its sliders in Spanish, the inspections of its
    /// mistakes too, and no dead link.
    func testTrainReportInSpanish() throws {
        let (_, run, _) = try trainOnDemoData(["--lang", "es"])
        let report = try String(contentsOf: run.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("<html lang=\"es\">"))
        for spanish in ["Informe de entrenamiento: run", "<td>épocas × pasos × lote</td>", "tasa de aprendizaje 0.001",
                        "data-labels='[\"antes de entrenar\",\"época 1\",\"época 2\"]'", "Dónde ocurrió el aprendizaje", "Validación: matriz de confusión"] {
            XCTAssertTrue(report.contains(spanish), "the Spanish report says \(spanish)")
        }
        for english in ["Settings", "Learning curves", "epoch 1", "before training", "Misclassified"] {
            XCTAssertFalse(report.contains(english), "English left in the Spanish report: \(english)")
        }
        for ref in HTMLPage.references(in: report) where !ref.hasPrefix("#") {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(ref).path), "dead link \(ref)")
        }
        for mistake in HTMLPage.references(in: report) where ref(mistake, isIn: "inspect/") {
            let page = try String(contentsOf: run.appendingPathComponent(mistake), encoding: .utf8)
            XCTAssertTrue(page.contains("<html lang=\"es\">"), "\(mistake) is Spanish, as its report")
        }
    }

    private func ref(_ ref: String, isIn folder: String) -> Bool { ref.hasPrefix(folder) && ref.hasSuffix(".html") }

    /// The whole path on a tiny demo set: synth → train → evaluate → predict, with their JSON forms.
    func testTrainEvaluatePredictOnDemoData() throws {
        var (data, run, r) = try trainOnDemoData()
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
        let text = data.deletingLastPathComponent().appendingPathComponent("notes.jpg")
        try Data("not an image".utf8).write(to: text)
        r = try CLI.run(["predict", "--model", run.appendingPathComponent("model").path, text.path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("notes.jpg"), r.stderr)
        r = try CLI.run(["train", "--train", data.appendingPathComponent("training_set").path, "--batch-size", "0"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--batch-size"), r.stderr)
    }
}
