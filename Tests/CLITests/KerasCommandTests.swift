import Foundation
import XCTest

/// Issue 13 from the command line: every --model takes a model folder, a .keras or a .h5 file
/// with the same answers; import and export write only what they create; a bad Keras file is
/// one `error:` line (never libhdf5's own printout), exit 1, nothing written.
final class KerasCommandTests: XCTestCase {
    /// Fixtures of the KerasFiles tests: a small model cnnviz trained (32×32, one sigmoid unit).
    static let trained = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("KerasFilesTests/Fixtures/trained-by-cnnviz")

    /// A folder with a few demo photos (dataset synth) and the trained model's folder.
    func workspace(_ name: String = #function) throws -> URL {
        let root = CLI.scratch(name)
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        let synth = try CLI.run(["dataset", "synth", "--output", root.appendingPathComponent("data").path,
                                 "--train-per-class", "1", "--test-per-class", "3"], timeout: 60)
        XCTAssertEqual(synth.status, 0, synth.stderr)
        return root
    }

    func testEveryModelOptionTakesKerasFiles() throws {
        let root = try workspace()
        let model = Self.trained.appendingPathComponent("model").path
        let keras = root.appendingPathComponent("m.keras").path, h5 = root.appendingPathComponent("m.h5").path
        for output in [keras, h5] {
            let export = try CLI.run(["export", "--model", model, "--output", output])
            XCTAssertEqual(export.status, 0, export.stderr)
        }
        let imported = root.appendingPathComponent("imported").path
        let importRun = try CLI.run(["import", h5, "--output", imported, "--classes", "horizontal,vertical"])
        XCTAssertEqual(importRun.status, 0, importRun.stderr)
        XCTAssertTrue(importRun.stdout.contains("classes: horizontal, vertical (from --classes)"), importRun.stdout)

        let image = root.appendingPathComponent("data/test_set/vertical/vertical.1.png").path
        var answers: [String] = []
        for source in [model, keras, h5, imported] {
            let predict = try CLI.run(["predict", "--model", source, "--classes", "horizontal,vertical", "--json", image])
            XCTAssertEqual(predict.status, 0, predict.stderr)
            answers.append(predict.stdout)
            let evaluate = try CLI.run(["evaluate", "--model", source, "--classes", "horizontal,vertical", "--data", root.appendingPathComponent("data/test_set").path])
            XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
            XCTAssertTrue(evaluate.stdout.contains("6 images - loss: "), evaluate.stdout)
            let summary = try CLI.run(["summary", "--model", source])
            XCTAssertEqual(summary.status, 0, summary.stderr)
            XCTAssertTrue(summary.stdout.contains(" Total params: 2,025 (7.91 KB)"), summary.stdout)
        }
        XCTAssertEqual(Set(answers).count, 1, "the four give one answer: \(answers)")
        let summary = try CLI.run(["summary", "--model", keras])
        XCTAssertTrue(summary.stdout.contains("classes: cats, dogs (recorded in the file by cnnviz export)"), summary.stdout)
        XCTAssertTrue(summary.stdout.contains("zero_padding2d (ZeroPadding2D)"), summary.stdout)

        let inspect = try CLI.run(["inspect", image, "--model", keras, "--output", root.appendingPathComponent("inspect").path])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("from the Keras file"), inspect.stdout)
    }

    func testToJSONForSummaryArchitecture() throws {
        let summary = try CLI.run(["summary", "--architecture", Self.trained.appendingPathComponent("architecture.keras.json").path])
        XCTAssertEqual(summary.status, 0, summary.stderr)
        XCTAssertTrue(summary.stdout.hasPrefix("Model: \"fixture\""), summary.stdout)
        XCTAssertTrue(summary.stdout.contains(" Non-trainable params: 16 (64.00 B)"), summary.stdout)
    }

    func testBadFileIsOneLineAndWritesNothing() throws {
        let root = CLI.scratch()
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        let exported = try Data(contentsOf: Self.trained.appendingPathComponent("exported.h5"))
        let cut = root.appendingPathComponent("cut.h5")
        try exported.prefix(exported.count / 3).write(to: cut)
        let output = root.appendingPathComponent("imported")
        for arguments in [["import", cut.path, "--output", output.path], ["summary", "--model", cut.path],
                          ["export", "--model", cut.path, "--output", root.appendingPathComponent("x.keras").path]] {
            let run = try CLI.run(arguments)
            XCTAssertEqual(run.status, 1, "\(arguments)")
            XCTAssertEqual(run.stdout, "")
            let lines = run.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("error: \(cut.path): the HDF5 data is truncated or corrupt (not a readable HDF5 file (libhdf5: truncated file: eof = "), run.stderr)
            XCTAssertFalse(run.stderr.contains("HDF5-DIAG"), run.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["cut.h5"])
    }

    func testExportNeverReplacesYourFile() throws {
        let root = CLI.scratch()
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        let mine = root.appendingPathComponent("modelo.keras")
        try Data("my notes".utf8).write(to: mine)
        let run = try CLI.run(["export", "--model", Self.trained.appendingPathComponent("model").path, "--output", mine.path])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "error: will not write to \(mine.path): a file of that name is already there and cnnviz did not write it. Choose another output path (--output), or move it away yourself.\n")
        XCTAssertEqual(try Data(contentsOf: mine), Data("my notes".utf8))
    }

    func testRescaleMustBeANumber() throws {
        let run = try CLI.run(["summary", "--model", Self.trained.appendingPathComponent("exported.keras").path, "--rescale", "a lot"])
        XCTAssertEqual(run.status, 64)
        XCTAssertTrue(run.stderr.contains("--rescale must be a positive number or a fraction, e.g. 1/255 or 0.5, not \"a lot\"."), run.stderr)
    }
}
