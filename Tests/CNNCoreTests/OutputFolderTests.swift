@testable import CNNCore
import Foundation
import XCTest

/// The ownership rules and the kill-safe replacement, called as a library.
final class OutputFolderTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cnnviz-owned-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func write(_ text: String, _ path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func text(_ path: String) -> String? {
        FileManager.default.contents(atPath: root.appendingPathComponent(path).path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Folders written at once from several threads into a parent none of them found (the
    /// training report's inspections, two at a time, into `inspect/`): every write succeeds,
    /// and the parent's marker lists them all, so a later run may replace them.
    func testFoldersWrittenAtOnceIntoANewParentAllSucceedAndAreListed() throws {
        for round in 0..<20 {
            let parent = root.appendingPathComponent("run-\(round)/inspect")
            let names = (0..<4).map { "image-\($0)" }
            var failures = [String](repeating: "", count: names.count)
            let lock = NSLock()
            DispatchQueue.concurrentPerform(iterations: names.count) { k in
                do {
                    try AtomicWrite.folder(at: parent.appendingPathComponent(names[k])) { temp in
                        try Data("page \(k)".utf8).write(to: temp.appendingPathComponent("index.html"))
                    }
                } catch {
                    lock.withLock { failures[k] = "\(error)" }
                }
            }
            XCTAssertEqual(failures, [String](repeating: "", count: names.count), "round \(round)")
            XCTAssertEqual(OutputMarker.read(in: parent)?.entries, Set(names), "round \(round): the parent lists every folder")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: parent.path).filter { OutputFolder.isLeftover($0) }
            XCTAssertEqual(leftovers, [], "round \(round)")
        }
    }

    func testAFolderIsReplacedWholeOnlyWhenEverythingInItIsOurs() throws {
        let target = root.appendingPathComponent("made")
        try AtomicWrite.folder(at: target) { temp in
            try Data("one".utf8).write(to: temp.appendingPathComponent("a.txt"))
            try FileManager.default.createDirectory(at: temp.appendingPathComponent("sub"), withIntermediateDirectories: false)
            try Data("two".utf8).write(to: temp.appendingPathComponent("sub/b.txt"))
        }
        XCTAssertEqual(OutputMarker.read(in: target)?.entries, ["a.txt", "sub"])
        XCTAssertEqual(OutputMarker.read(in: target.appendingPathComponent("sub"))?.entries, ["b.txt"])
        XCTAssertNil(OutputFolder.foreignEntry(in: target))
        try AtomicWrite.folder(at: target) { temp in try Data("new".utf8).write(to: temp.appendingPathComponent("a.txt")) }
        XCTAssertEqual(text("made/a.txt"), "new")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.appendingPathComponent("sub").path))

        try write("mine", "made/mine.txt")
        XCTAssertThrowsError(try AtomicWrite.folder(at: target) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("it holds mine.txt, which cnnviz did not write"), "\(error)")
        }
        XCTAssertEqual(text("made/mine.txt"), "mine")
        XCTAssertEqual(text("made/a.txt"), "new")
    }

    func testTheUsersFolderFileAndLinkAreRefused() throws {
        try write("notes", "user/notes.txt")
        try write("data", "user.txt")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link").path, withDestinationPath: "user")
        for name in ["user", "user.txt", "link"] {
            XCTAssertThrowsError(try AtomicWrite.folder(at: root.appendingPathComponent(name)) { _ in }, name) { error in
                XCTAssertTrue(error is OutputRefused, "\(error)")
            }
            XCTAssertThrowsError(try OutputFolder.claim(root.appendingPathComponent(name)), name)
        }
        XCTAssertThrowsError(try AtomicWrite.file(Data("x".utf8), to: root.appendingPathComponent("user.txt")))
        XCTAssertEqual(text("user/notes.txt"), "notes")
        XCTAssertEqual(text("user.txt"), "data")
    }

    func testAFileIsReplacedOnlyIfItsFolderListsIt() throws {
        let run = root.appendingPathComponent("run")
        try OutputFolder.claim(run)
        try AtomicWrite.file(Data("1".utf8), to: run.appendingPathComponent("history.csv"))
        try AtomicWrite.file(Data("2".utf8), to: run.appendingPathComponent("history.csv"))
        XCTAssertEqual(text("run/history.csv"), "2")
        try write("mine", "run/index.html")
        XCTAssertThrowsError(try AtomicWrite.file(Data("x".utf8), to: run.appendingPathComponent("index.html")))
        XCTAssertEqual(text("run/index.html"), "mine")
    }

    func testRemovingOurFolderNeverFollowsALink() throws {
        try write("precious", "user/precious.txt")
        let ours = root.appendingPathComponent("ours")
        try OutputFolder.create(ours)
        try FileManager.default.createSymbolicLink(atPath: ours.appendingPathComponent("to-user").path,
                                                   withDestinationPath: root.appendingPathComponent("user").path)
        try OutputFolder.removeOwned(ours)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ours.path))
        XCTAssertEqual(text("user/precious.txt"), "precious")
    }

    func testAKilledSwapIsRecoveredAndLeftoversOfDeadRunsAreCleaned() throws {
        let target = root.appendingPathComponent("checkpoint")
        try AtomicWrite.folder(at: target) { try Data("epoch 3".utf8).write(to: $0.appendingPathComponent("state")) }
        // A run (pid 999999 is not alive) was killed between the two renames: the old copy is
        // aside, complete, and its new copy was still being filled.
        let old = root.appendingPathComponent(".checkpoint.old-999999-1")
        let temp = root.appendingPathComponent(".checkpoint.tmp-999999-1")
        XCTAssertEqual(rename(target.path, old.path), 0)
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: false)
        try OutputMarker(complete: false).write(in: temp)
        XCTAssertTrue(AtomicWrite.recover(target))
        XCTAssertEqual(text("checkpoint/state"), "epoch 3")
        XCTAssertFalse(FileManager.default.fileExists(atPath: old.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: temp.path))
        // A temporary folder without our marker is not ours: left alone unless empty.
        let strange = root.appendingPathComponent(".checkpoint.tmp-999999-2")
        try write("x", ".checkpoint.tmp-999999-2/file")
        AtomicWrite.recover(target)
        XCTAssertTrue(FileManager.default.fileExists(atPath: strange.path))
    }

    func testTheCurrentFolderItsAncestorsRootAndHomeAreNeverOutputs() throws {
        let cwd = FileManager.default.currentDirectoryPath
        for path in ["", ".", "./", cwd, "/", NSHomeDirectory()] {
            XCTAssertThrowsError(try OutputFolder.checkNotProtected(URL(fileURLWithPath: path)), path)
        }
        XCTAssertThrowsError(try OutputFolder.checkNotProtected(URL(fileURLWithPath: cwd).deletingLastPathComponent()))
        XCTAssertNoThrow(try OutputFolder.checkNotProtected(root.appendingPathComponent("new")))
    }

    func testLeftoverNames() {
        XCTAssertTrue(OutputFolder.isLeftover(".checkpoint.tmp-123-456"))
        XCTAssertTrue(OutputFolder.isLeftover(".history.csv.tmp-123-456"))
        XCTAssertTrue(OutputFolder.isLeftover(".cnnviz-output.tmp-77"))
        XCTAssertFalse(OutputFolder.isLeftover("notes.tmp-1"))
        XCTAssertFalse(OutputFolder.isLeftover(".notes.tmp-draft"))
    }
}
