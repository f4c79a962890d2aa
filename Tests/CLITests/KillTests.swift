import Foundation
import XCTest

/// A small training run is SIGKILLed at every point where it writes (`CNNVIZ_KILL_AT`, see
/// CNNCore's `KillPoints`), with the one-step swap of folders and with the two-rename fallback.
/// After each kill `--resume` must finish the run with exactly the weights of a run that was
/// never stopped, and a checkpoint that was once complete is never lost.
final class KillTests: XCTestCase {
    static let architecture = """
    {"input_shape": [8, 8, 3], "layers": [
      {"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": [3, 3], "activation": "relu"}},
      {"class_name": "MaxPooling2D", "config": {}}, {"class_name": "Flatten", "config": {}},
      {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}
    """

    func testKilledAtEveryWriteResumesToTheSameModel() throws {
        try killEverywhere(environment: [:])
    }

    func testKilledBetweenTheTwoRenamesOfTheFallbackRecovers() throws {
        try killEverywhere(environment: ["CNNVIZ_NO_RENAME_EXCHANGE": "1"])
    }

    func killEverywhere(environment: [String: String]) throws {
        let folder = CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertEqual(try CLI.run(["dataset", "synth", "--output", "data", "--train-per-class", "4", "--test-per-class", "2"],
                                   in: folder).status, 0)
        try Data(Self.architecture.utf8).write(to: folder.appendingPathComponent("arch.json"))
        // Without the report: its explorer and explain pages for each mistake add hundreds of
        // kill points (every file of every page) to what is about checkpoints and the model;
        // those pages are written through the same AtomicWrite (OutputFolderTests).
        let train = ["train", "--train", "data/training_set", "--validation", "data/test_set", "--architecture", "arch.json",
                     "--epochs", "3", "--steps-per-epoch", "2", "--batch-size", "2", "--no-report", "--checkpoint-every", "0"]

        // The run never stopped, with its kill points listed.
        let reference = try CLI.run(train + ["--output", "reference"], in: folder,
                                    environment: environment.merging(["CNNVIZ_KILL_POINTS": "log"]) { $1 })
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let points = reference.stderr.split(separator: "\n").filter { $0.hasPrefix("kill point ") }.map(String.init)
        XCTAssertGreaterThanOrEqual(points.count, 12, points.joined(separator: "\n"))
        if environment["CNNVIZ_NO_RENAME_EXCHANGE"] != nil {
            XCTAssertTrue(points.contains { $0.hasSuffix("checkpoint: between the two renames") }, points.joined(separator: "\n"))
        } else {
            XCTAssertTrue(points.contains { $0.hasSuffix("checkpoint: swapped with the old folder") }, points.joined(separator: "\n"))
        }
        let expected = try Data(contentsOf: folder.appendingPathComponent("reference/model/weights.safetensors"))
        // The first point after which a complete checkpoint exists.
        let firstCheckpoint = (points.firstIndex { $0.hasSuffix("checkpoint: renamed into place") } ?? points.count) + 1

        for k in 1...points.count {
            let run = "run-\(k)"
            let killed = try CLI.run(train + ["--output", run], in: folder,
                                     environment: environment.merging(["CNNVIZ_KILL_AT": "\(k)"]) { $1 }, allowSignal: true)
            XCTAssertEqual(killed.signal, SIGKILL, "kill point \(k) (\(points[k - 1])) was not reached: \(killed.stderr)")
            let runFolder = folder.appendingPathComponent(run)
            if k >= firstCheckpoint {
                XCTAssertTrue(hasCompleteCheckpoint(runFolder), "no complete checkpoint after a kill at \(points[k - 1])")
            }
            let resumed = try CLI.run(train + ["--output", run, "--resume"], in: folder, environment: environment)
            XCTAssertEqual(resumed.status, 0, "resume after a kill at \(points[k - 1]): \(resumed.stderr)")
            if k >= firstCheckpoint {
                XCTAssertTrue(resumed.stdout.contains("Resuming from epoch"), "after a kill at \(points[k - 1]) the run started again: \(resumed.stdout)")
            }
            let weights = try? Data(contentsOf: runFolder.appendingPathComponent("model/weights.safetensors"))
            XCTAssertEqual(weights, expected, "after a kill at \(points[k - 1]) the resumed run ended with other weights")
            let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: runFolder.path)) ?? [])
                .filter { $0.hasPrefix(".checkpoint.") || $0.hasPrefix(".model.") }
            XCTAssertEqual(leftovers, [], "temporary copies left after resuming from a kill at \(points[k - 1])")
        }
    }

    /// `--checkpoint-every 0` writes a checkpoint after every epoch; a long interval only after
    /// the last one (the run is shorter than it), and the run still ends with the same weights.
    func testCheckpointsAreWrittenAtMostEverySoManySeconds() throws {
        let folder = CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertEqual(try CLI.run(["dataset", "synth", "--output", "data", "--train-per-class", "4", "--test-per-class", "2"],
                                   in: folder).status, 0)
        try Data(Self.architecture.utf8).write(to: folder.appendingPathComponent("arch.json"))
        var weights: [Data] = []
        for (seconds, written) in [("0", 3), ("3600", 1)] {
            let run = try CLI.run(["train", "--train", "data/training_set", "--validation", "data/test_set", "--architecture", "arch.json",
                                   "--epochs", "3", "--steps-per-epoch", "2", "--batch-size", "2", "--no-report",
                                   "--checkpoint-every", seconds, "--output", "run-\(seconds)"],
                                  in: folder, environment: ["CNNVIZ_KILL_POINTS": "log"])
            XCTAssertEqual(run.status, 0, run.stderr)
            let checkpoints = run.stderr.split(separator: "\n").filter { $0.hasSuffix("checkpoint: filled under a temporary name") }
            XCTAssertEqual(checkpoints.count, written, "--checkpoint-every \(seconds): \(run.stderr)")
            let state = try Data(contentsOf: folder.appendingPathComponent("run-\(seconds)/checkpoint/trainer_state.json"))
            XCTAssertEqual((try JSONSerialization.jsonObject(with: state) as? [String: Any])?["epoch"] as? Int, 3)
            weights.append(try Data(contentsOf: folder.appendingPathComponent("run-\(seconds)/model/weights.safetensors")))
        }
        XCTAssertEqual(weights[0], weights[1])
    }

    /// `checkpoint/` with a complete marker, or a complete copy set aside that the next run restores.
    func hasCompleteCheckpoint(_ run: URL) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        return names.filter { $0 == "checkpoint" || $0.hasPrefix(".checkpoint.old-") }.contains { name in
            let marker = run.appendingPathComponent(name).appendingPathComponent(".cnnviz-output")
            guard let data = FileManager.default.contents(atPath: marker.path),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
            return json["complete"] as? Bool == true
                && FileManager.default.fileExists(atPath: run.appendingPathComponent(name).appendingPathComponent("trainer_state.json").path)
        }
    }
}
