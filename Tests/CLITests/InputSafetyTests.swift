import Foundation
import XCTest

/// Issue 11, "no input crashes or hangs cnnviz": each bad input gets one `error:` line naming the
/// file or value at fault, an exit status from 1 to 127 (never a signal or a trap), no hang, and
/// leaves every file the user had byte-identical.
final class InputSafetyTests: XCTestCase {
    /// A folder to work in, removed afterwards.
    var folder: URL!

    override func setUp() { folder = CLI.scratch(name) }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// A named pipe at `name` in the folder: opening it for reading blocks until a writer comes.
    @discardableResult
    func fifo(_ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(url.path, 0o644), 0, "mkfifo \(url.path)")
        return url
    }

    /// Runs cnnviz and checks the refusal: a status from 1 to 127, exactly one `error:` line that
    /// contains every word, no "please report", and the folder's files as they were.
    @discardableResult
    func expectRefusal(_ arguments: [String], mentions words: [String],
                       file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let before = CLI.snapshot(folder)
        let r = try CLI.run(arguments, in: folder, timeout: 30, file: file, line: line)
        XCTAssertTrue((1...127).contains(r.status), "status \(r.status) for \(arguments): \(r.stderr)", file: file, line: line)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") || $0.hasPrefix("Error:") }
        XCTAssertEqual(errors.count, 1, "one error line for \(arguments): \(r.stderr)", file: file, line: line)
        for word in words {
            XCTAssertTrue(r.stderr.contains(word), "'\(word)' missing for \(arguments): \(r.stderr)", file: file, line: line)
        }
        XCTAssertFalse(r.stderr.lowercased().contains("please report"), r.stderr, file: file, line: line)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr, file: file, line: line)
        let after = CLI.snapshot(folder)
        for (path, bytes) in before {
            XCTAssertEqual(after[path], bytes, "\(path) changed after \(arguments)", file: file, line: line)
        }
        return r
    }

    /// Runs a shell command line in the scratch folder (`CLI.shell`).
    func shell(_ command: String, timeout: Double = 30, file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        try CLI.shell(command, in: folder, timeout: timeout, file: file, line: line)
    }

    /// The binary's path quoted for the shell.
    var binary: String { "'" + CLI.binary.path + "'" }

    // MARK: - 1. Only regular files are opened

    func testFIFOImageIsRefusedByInspectAugmentAndTutorialEdges() throws {
        try fifo("x.jpg")
        try expectRefusal(["inspect", "x.jpg", "--output", "out"], mentions: ["x.jpg", "named pipe (FIFO)"])
        try expectRefusal(["augment", "x.jpg", "--output", "sheet.png"], mentions: ["x.jpg", "named pipe (FIFO)"])
        let r = try expectRefusal(["tutorial", "edges", "--image", "x.jpg", "--output", "out"], mentions: ["x.jpg", "named pipe (FIFO)"])
        XCTAssertFalse(r.stderr.contains("--skip-bad-images"), "edges has no such flag: \(r.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("sheet.png").path))
    }

    func testFIFOLessonFileIsRefused() throws {
        try fifo("lesson.md")
        try expectRefusal(["tutorial", "--file", "lesson.md", "--output", "out"], mentions: ["lesson.md", "named pipe (FIFO)"])
    }

    /// A FIFO among the images of a class folder: refused before decoding (naming it, and the flag
    /// that skips it) without `--skip-bad-images`, skipped with a warning with it; then `predict`
    /// and `evaluate` with the trained model refuse a FIFO too.
    func testFIFOInClassFolderForTrainEvaluatePredict() throws {
        var r = try CLI.run(["dataset", "synth", "--output", "demo", "--train-per-class", "3", "--test-per-class", "1"],
                            in: folder, timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr)
        try fifo("demo/training_set/vertical/x.jpg")
        let train = ["train", "--train", "demo/training_set", "--epochs", "1", "--steps-per-epoch", "1", "--batch-size", "2",
                     "--image-size", "8", "--no-report", "--output", "run"]
        r = try expectRefusal(train, mentions: ["x.jpg", "named pipe (FIFO)", "--skip-bad-images"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run").path), "no work before the check")

        r = try CLI.run(train + ["--skip-bad-images"], in: folder, timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("warning: skipping") && (r.stdout + r.stderr).contains("x.jpg"), r.stdout + r.stderr)

        try expectRefusal(["predict", "--model", "run/model", "demo/training_set/vertical/x.jpg"], mentions: ["x.jpg", "named pipe (FIFO)"])
        try expectRefusal(["evaluate", "--model", "run/model", "--data", "demo/training_set"],
                          mentions: ["x.jpg", "named pipe (FIFO)", "--skip-bad-images"])
        try expectRefusal(["inspect", "demo/training_set/vertical/x.jpg", "--model", "run/model", "--output", "out"],
                          mentions: ["x.jpg", "named pipe (FIFO)"])
    }

    // MARK: - 2. Tutorial numbers and matrices

    /// 1000 rows (60 columns: a whole 1000×1000 matrix is 2 MB, more than Linux lets one argument
    /// be) through --input, and a full 1000×1000 matrix through a lesson file.
    func testHugeMatricesAreRefusedWithTheLimit() throws {
        let rows = Array(repeating: Array(repeating: "1", count: 60).joined(separator: " "), count: 1000).joined(separator: "; ")
        try expectRefusal(["tutorial", "convolution", "--input", rows, "--output", "out"],
                          mentions: ["--input", "1000 rows", "32", "TutorialLimits.maxMatrixSide"])
        let wide = Array(repeating: "1", count: 1000).joined(separator: " ")
        try expectRefusal(["tutorial", "relu", "--input", wide, "--output", "out"], mentions: ["--input", "1000 values", "32"])

        let big = Array(repeating: Array(repeating: "1", count: 1000).joined(separator: " "), count: 1000).joined(separator: "; ")
        try Data("---\ntutorial: convolution\ninput: \(big)\nkernel: 1 0; 0 1\n---\n# Big\n".utf8)
            .write(to: folder.appendingPathComponent("big.md"))
        try expectRefusal(["tutorial", "--file", "big.md", "--output", "out"],
                          mentions: ["big.md", "header key 'input'", "1000 rows", "TutorialLimits.maxMatrixSide"])
    }

    func testHugeStrideAndSizesAreRefused() throws {
        for tutorial in ["convolution", "padding-stride", "pooling", "backprop"] {
            try expectRefusal(["tutorial", tutorial, "--stride", "9223372036854775807", "--padding", "same", "--output", "out"],
                              mentions: ["--stride", "at most 64", "TutorialLimits.maxStride"])
        }
        try expectRefusal(["tutorial", "pooling", "--pool-size", "9223372036854775807", "--output", "out"],
                          mentions: ["--pool-size", "at most 64"])
        try expectRefusal(["tutorial", "edges", "--size", "100000", "--output", "out"],
                          mentions: ["--size", "at most 256", "TutorialLimits.maxPictureSide"])
        try Data("---\ntutorial: convolution\ninput: 1 2; 3 4\nkernel: 1 0; 0 1\nstride: 9223372036854775807\npadding: same\n---\n# S\n".utf8)
            .write(to: folder.appendingPathComponent("stride.md"))
        try expectRefusal(["tutorial", "--file", "stride.md", "--output", "out"], mentions: ["stride.md", "header key 'stride'", "at most 64"])
    }

    func testNumbersThatOverflowOrAreNotFiniteAreRefused() throws {
        try expectRefusal(["tutorial", "convolution", "--input", "3e38 3e38; 3e38 3e38", "--kernel", "1 1; 1 1", "--output", "out"],
                          mentions: ["--input", "'3e38'", "too large", "32-bit floats"])
        try expectRefusal(["tutorial", "backprop", "--learning-rate", "1e39", "--output", "out"],
                          mentions: ["--learning-rate", "'1e39'", "too large"])
        try expectRefusal(["tutorial", "convolution", "--bias", "nan", "--output", "out"], mentions: ["--bias", "'nan'", "not a finite number"])
        try expectRefusal(["tutorial", "relu", "--input", "1 inf; 2 3", "--output", "out"], mentions: ["--input", "'inf'", "not a finite number"])
        // The largest values allowed still give a finite, agreeing result.
        let big = Array(repeating: "1e6 -1e6 1e6 1e6", count: 4).joined(separator: "; ")
        let r = try CLI.run(["tutorial", "backprop", "--input", big, "--kernel", "1e6 1e6; 1e6 -1e6",
                             "--learning-rate", "1e6", "--json", "--output", "out"], in: folder, timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("please report"))
    }

    // MARK: - 3. augment

    func testAugmentRefusesNonFiniteAndHugeRanges() throws {
        try Data("not used".utf8).write(to: folder.appendingPathComponent("cat.jpg"))
        let cases: [([String], [String])] = [
            (["--shear", "inf"], ["--shear", "not a finite number", "90"]),
            (["--shear", "nan"], ["--shear", "not a finite number"]),
            (["--shear", "1e300"], ["--shear", "outside 0 to 90"]),
            (["--rotation", "inf"], ["--rotation", "not a finite number", "360"]),
            (["--width-shift", "inf"], ["--width-shift", "not a finite number"]),
            (["--height-shift", "1e300"], ["--height-shift", "outside"]),
            (["--zoom", "1"], ["--zoom"]),
        ]
        for (options, words) in cases {
            try expectRefusal(["augment", "cat.jpg", "--output", "sheet.png"] + options, mentions: words)
        }
    }

    // MARK: - 4. Messages and output streams

    func testBenchDecodeNamesEachFileItCouldNotDecode() throws {
        var r = try CLI.run(["dataset", "synth", "--output", "demo", "--train-per-class", "1", "--test-per-class", "1"], in: folder, timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr)
        let images = folder.appendingPathComponent("demo/test_set")
        try Data("hello, not an image".utf8).write(to: images.appendingPathComponent("horizontal/notes.jpg"))
        r = try CLI.run(["bench", "decode", images.path, "--passes", "1", "--size", "8", "--json"], in: folder, timeout: 30)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("notes.jpg") && r.stderr.contains("not a PNG or JPEG"), r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let failures = json?["failures"] as? [[String: String]] ?? []
        XCTAssertEqual(failures.count, 1, r.stdout)
        XCTAssertTrue(failures.first?["file"]?.hasSuffix("notes.jpg") == true, r.stdout)
        XCTAssertTrue(failures.first?["reason"]?.contains("not a PNG or JPEG") == true, r.stdout)
        XCTAssertFalse(r.stderr.contains("--skip-bad-images"), "bench decode has no such flag: \(r.stderr)")

        try fifo("demo/test_set/vertical/x.jpg")
        try expectRefusal(["bench", "decode", images.path, "--passes", "1", "--size", "8"], mentions: ["x.jpg", "named pipe (FIFO)"])
    }

    func testNoSkipAdviceWhereTheFlagDoesNotExist() throws {
        try Data().write(to: folder.appendingPathComponent("empty.png"))
        try Data("text".utf8).write(to: folder.appendingPathComponent("text.jpg"))
        for arguments in [["inspect", "empty.png", "--output", "out"], ["augment", "text.jpg", "--output", "s.png"],
                          ["tutorial", "edges", "--image", "text.jpg", "--output", "out"]] {
            let r = try expectRefusal(arguments, mentions: ["error:"])
            XCTAssertFalse(r.stderr.contains("--skip-bad-images"), "\(arguments): \(r.stderr)")
        }
    }

    func testWriteErrorOnStandardOutputFails() throws {
        let r = try shell("\(binary) tutorial convolution --json --output out > /dev/full")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("error: could not write the output: No space left on device"), r.stderr)
        let closed = try shell("\(binary) tutorial list >&-")
        XCTAssertEqual(closed.status, 1, closed.stderr)
        XCTAssertTrue(closed.stderr.contains("error: could not write the output"), closed.stderr)
    }

    /// `| head` ends cnnviz quietly (status 0 or 141, as for `yes | head`), never with a trap;
    /// a closed stderr does not turn an error into a crash.
    func testClosedPipesEndQuietly() throws {
        for command in ["tutorial backprop --json --output out", "tutorial list", "tutorial convolution --no-color --output out"] {
            let r = try shell("{ \(binary) \(command) 2>err.txt; echo $? > status.txt; } | head -1")
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout.split(separator: "\n").count, 1, r.stdout)
            let status = try String(contentsOf: folder.appendingPathComponent("status.txt"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertTrue(["0", "141"].contains(status), "\(command): status \(status)")
            let err = String(decoding: CLI.snapshot(folder)["err.txt"] ?? Data(), as: UTF8.self)  // often empty
            XCTAssertFalse(err.contains("Fatal error") || err.contains("error:"), "\(command): \(err)")
        }
        let r = try shell("\(binary) tutorial no-such-lesson --output out 2>&-; echo \"status $?\"")
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "status 1", r.stdout + r.stderr)
    }
}
