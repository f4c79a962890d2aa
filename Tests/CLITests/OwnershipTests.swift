import Foundation
import XCTest

/// cnnviz never deletes, empties or overwrites what the user owns: every `--output` that is not
/// cnnviz's is refused with one line naming it, a status of 1, and the user's files byte-identical.
final class OwnershipTests: XCTestCase {
    /// A coursework photo, from ../shared beside the repository.
    /// A photo drawn by `cnnviz dataset synth` outside the scratch folder (no ../shared needed).
    var image = ""
    var pictures: URL!
    var folder: URL!

    override func setUpWithError() throws {
        pictures = CLI.scratch("pictures")
        let synth = try CLI.run(["dataset", "synth", "--output", "data", "--train-per-class", "1", "--test-per-class", "1"], in: pictures)
        XCTAssertEqual(synth.status, 0, synth.stderr)
        image = pictures.appendingPathComponent("data/test_set/vertical/vertical.1.png").path
        folder = CLI.scratch()
        // The user's own things: a folder with notes, a file, a link to the folder.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("coursework/notas"), withIntermediateDirectories: true)
        try Data("mis apuntes\n".utf8).write(to: folder.appendingPathComponent("coursework/notas/apuntes.txt"))
        try Data("index of mine\n".utf8).write(to: folder.appendingPathComponent("coursework/index.html"))
        try Data("epoch,loss\n".utf8).write(to: folder.appendingPathComponent("coursework/history.csv"))
        try Data([0x89, 0x50]).write(to: folder.appendingPathComponent("coursework/loss.png"))
        try Data("a file\n".utf8).write(to: folder.appendingPathComponent("file.txt"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link").path, withDestinationPath: "coursework")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
        try? FileManager.default.removeItem(at: pictures)
    }

    /// Runs cnnviz and checks that it refused: status 1, one `error:` line containing `message`,
    /// and every file under the scratch folder as it was.
    func assertRefused(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = CLI.snapshot(folder)
        let r = try CLI.run(arguments, in: folder, timeout: 120, file: file, line: line)
        XCTAssertEqual(r.status, 1, "\(arguments): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("error: ") && r.stderr.contains(message), "\(arguments): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
        let after = CLI.snapshot(folder)
        XCTAssertEqual(Set(after.keys), Set(before.keys), "\(arguments) added or removed files", file: file, line: line)
        for (path, bytes) in before {
            XCTAssertEqual(after[path], bytes, "\(arguments) changed \(path)", file: file, line: line)
        }
    }

    func testInspectRefusesEverythingItDidNotMake() throws {
        let notOurs = "this folder was not made by cnnviz"
        try assertRefused(["inspect", image, "--output", "coursework"], notOurs)
        try assertRefused(["inspect", image, "--output", "coursework/notas"], notOurs)
        try assertRefused(["inspect", image, "--output", "file.txt"], "it is a regular file that cnnviz did not make")
        try assertRefused(["inspect", image, "--output", "link"], "it is a symbolic link that cnnviz did not make")
        try assertRefused(["inspect", image, "--output", "/dev/null"], "it is a character device that cnnviz did not make")
        for current in ["", ".", "./", folder.path] {
            try assertRefused(["inspect", image, "--output", current], "it is the current folder")
        }
        try assertRefused(["inspect", image, "--output", ".."], "it holds the current folder")
        try assertRefused(["inspect", image, "--output", "/"], "it is the root of the file system")
        XCTAssertTrue(FileManager.default.fileExists(atPath: "/dev/null"))
    }

    func testInspectReplacesItsOwnFolderButNotOneHoldingTheUsersFiles() throws {
        var r = try CLI.run(["inspect", image, "--output", "mine"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try CLI.run(["inspect", image, "--output", "mine"], in: folder)
        XCTAssertEqual(r.status, 0, "its own folder is replaced: \(r.stderr)")
        // A note the user saved inside, or a link they put there, makes the folder theirs too.
        try Data("keep me\n".utf8).write(to: folder.appendingPathComponent("mine/pictures/my-note.txt"))
        try assertRefused(["inspect", image, "--output", "mine"], "it holds pictures/my-note.txt, which cnnviz did not write")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("mine/pictures/my-note.txt"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("mine/tensors/data").path,
                                                   withDestinationPath: "../../coursework")
        try assertRefused(["inspect", image, "--output", "mine"], "it holds tensors/data, which cnnviz did not write")
    }

    func testDefaultOutputKeepsWorkingAndLeavesTheReadmeAlone() throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("output"), withIntermediateDirectories: true)
        try Data("# output\n".utf8).write(to: folder.appendingPathComponent("output/README.md"))
        for _ in 0..<2 {
            let r = try CLI.run(["inspect", image], in: folder)
            XCTAssertEqual(r.status, 0, r.stderr)
            let t = try CLI.run(["tutorial", "pooling"], in: folder)
            XCTAssertEqual(t.status, 0, t.stderr)
            let a = try CLI.run(["augment", image, "--count", "2"], in: folder)
            XCTAssertEqual(a.status, 0, a.stderr)
        }
        XCTAssertEqual(FileManager.default.contents(atPath: folder.appendingPathComponent("output/README.md").path), Data("# output\n".utf8))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("output/inspect/vertical.1-untrained-seed-1/index.html").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("output/tutorials/pooling/index.html").path))
    }

    func testTutorialRefusesARootItDidNotMake() throws {
        // Today's bug: `tutorial NAME --output ROOT` deleted ROOT/NAME and overwrote ROOT/index.html.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("coursework/convolution"), withIntermediateDirectories: true)
        try Data("my convolution notes\n".utf8).write(to: folder.appendingPathComponent("coursework/convolution/notes.md"))
        try assertRefused(["tutorial", "convolution", "--output", "coursework"], "this folder was not made by cnnviz")
        try assertRefused(["tutorial", "convolution", "--output", "."], "it is the current folder")
        try assertRefused(["tutorial", "convolution", "--output", "file.txt"], "it is a regular file that cnnviz did not make")
    }

    func testTrainAndDatasetRefuseTheUsersFolder() throws {
        try assertRefused(["dataset", "synth", "--output", "coursework", "--train-per-class", "2", "--test-per-class", "1"],
                          "this folder was not made by cnnviz")
        try assertRefused(["dataset", "synth", "--output", "link", "--train-per-class", "2", "--test-per-class", "1"],
                          "it is a symbolic link that cnnviz did not make")
        XCTAssertEqual(try CLI.run(["dataset", "synth", "--output", "data", "--train-per-class", "2", "--test-per-class", "1"],
                                   in: folder).status, 0)
        // Its own data set is replaced whole.
        XCTAssertEqual(try CLI.run(["dataset", "synth", "--output", "data", "--train-per-class", "2", "--test-per-class", "1"],
                                   in: folder).status, 0)
        let train = ["train", "--train", "data/training_set", "--epochs", "1", "--steps-per-epoch", "1", "--batch-size", "2",
                     "--image-size", "8"]
        // Today's bug: train --output FOLDER overwrote index.html, history.csv and the PNGs there.
        try assertRefused(train + ["--output", "coursework"], "this folder was not made by cnnviz")
        try assertRefused(train + ["--output", "file.txt"], "it is a regular file that cnnviz did not make")
        try assertRefused(train + ["--output", "."], "it is the current folder")
        try assertRefused(train + ["--output", "coursework", "--resume"], "this folder was not made by cnnviz")
    }

    func testAugmentDoesNotOverwriteTheUsersFile() throws {
        try Data("my picture".utf8).write(to: folder.appendingPathComponent("coursework/sheet.png"))
        try assertRefused(["augment", image, "--output", "coursework/sheet.png"],
                          "a file of that name is already there and cnnviz did not write it")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("pic.png").path, withDestinationPath: "coursework/sheet.png")
        try assertRefused(["augment", image, "--output", "pic.png"], "it is a symbolic link that cnnviz did not make")
    }
}
