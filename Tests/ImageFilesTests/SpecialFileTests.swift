import CNNCore
import Foundation
@testable import ImageFiles
import XCTest

/// Issue 11 in ImageFiles: a FIFO named like an image is refused (never waited on), the advice to
/// pass --skip-bad-images comes only from the loader that honours it, bench decode names its
/// failures, and augmentation ranges that are not finite are refused or harmless.
final class SpecialFileTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = try TestImages.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// A named pipe at `path` under the root.
    @discardableResult
    func fifo(_ path: String) throws -> URL {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(url.path, 0o644), 0)
        return url
    }

    func image(_ path: String, value: UInt8 = 100) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ImageFile.write(RGBImage(width: 4, height: 4, pixels: Array(repeating: value, count: 48)), to: url)
    }

    /// Runs `body` on another thread and fails if it has not returned within `seconds` (the old
    /// code blocked in open(2) on a FIFO for ever; a hang must fail the test, not stall it).
    func withinSeconds<T: Sendable>(_ seconds: Double = 5, _ body: @escaping @Sendable () -> T,
                                    file: StaticString = #filePath, line: UInt = #line) -> T? {
        let box = ResultBox<T>(), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { box.value = body(); done.signal() }
        guard done.wait(timeout: .now() + seconds) == .success else {
            XCTFail("still blocked after \(seconds) s", file: file, line: line)
            return nil
        }
        return box.value
    }

    func testFIFOImageIsRefusedAtOnce() throws {
        let url = try fifo("x.jpg")
        let message = withinSeconds { () -> String in
            do { _ = try ImageFile.read(url); return "read" } catch { return "\(error)" }
        }
        XCTAssertTrue(message?.contains("x.jpg: this is a named pipe (FIFO)") == true, message ?? "")
        XCTAssertTrue(message?.contains("Give the path of a .png or .jpg file") == true, message ?? "")
        XCTAssertFalse(message?.contains("--skip-bad-images") == true, message ?? "")
    }

    func testSymlinkToAnImageIsFine() throws {
        try image("real.png")
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("link.png"),
                                                   withDestinationURL: root.appendingPathComponent("real.png"))
        XCTAssertEqual(try ImageFile.read(root.appendingPathComponent("link.png")).width, 4)
    }

    func testFIFOInAClassFolderIsRefusedOrSkipped() throws {
        try image("cats/a.png")
        try image("dogs/b.png")
        try fifo("dogs/x.jpg")
        let refusal = withinSeconds { () -> String in
            do { _ = try DirectoryDataset(directory: self.root, targetSize: (4, 4)); return "loaded" } catch { return "\(error)" }
        }
        for word in ["dogs/x.jpg", "named pipe (FIFO)", "--skip-bad-images"] {
            XCTAssertTrue(refusal?.contains(word) == true, "'\(word)' in \(refusal ?? "")")
        }
        let skipped = withinSeconds { () -> (Int, [String]) in
            final class Lines: @unchecked Sendable { var all = [String]() }
            let lines = Lines()
            let data = try? DirectoryDataset(directory: self.root, targetSize: (4, 4), skipBadImages: true) { lines.all.append($0) }
            return (data?.count ?? -1, lines.all)
        }
        XCTAssertEqual(skipped?.0, 2)
        XCTAssertEqual(skipped?.1.count, 1)
        XCTAssertTrue(skipped?.1.first?.contains("x.jpg: this is a named pipe (FIFO)") == true, "\(skipped?.1 ?? [])")
    }

    func testSkipAdviceOnlyFromTheDatasetLoader() throws {
        let empty = root.appendingPathComponent("cats/empty.png")
        try image("cats/a.png")
        try Data().write(to: empty)
        XCTAssertThrowsError(try ImageFile.read(empty)) { XCTAssertFalse("\($0)".contains("--skip-bad-images"), "\($0)") }
        XCTAssertThrowsError(try ImageLoader.load(empty, width: 4, height: 4)) { XCTAssertFalse("\($0)".contains("--skip-bad-images"), "\($0)") }
        XCTAssertThrowsError(try DirectoryDataset(directory: root, targetSize: (4, 4))) {
            XCTAssertTrue("\($0)".contains("Replace or delete the file, or pass --skip-bad-images"), "\($0)")
        }
    }

    func testDecodeBenchmarkNamesEachFailure() throws {
        try image("a/good.png")
        try Data("not an image".utf8).write(to: root.appendingPathComponent("a/bad.jpg"))
        let files = try DecodeBenchmark.files(under: root)
        let result = DecodeBenchmark.run(files: files, width: 4, height: 4, mode: .exact, passes: 1)
        XCTAssertEqual(result.images, 1)
        XCTAssertEqual(result.failures.map { URL(fileURLWithPath: $0.file).lastPathComponent }, ["bad.jpg"])
        XCTAssertTrue(result.failures.first?.reason.contains("not a PNG or JPEG") == true, "\(result.failures)")
        try fifo("a/pipe.png")
        XCTAssertThrowsError(try DecodeBenchmark.files(under: root)) { XCTAssertTrue("\($0)".contains("pipe.png: this is a named pipe"), "\($0)") }
    }

    func testAugmentationRangesThatAreNotFiniteAreReported() {
        XCTAssertEqual(Augmentation.coursework.problems, [])
        XCTAssertTrue(Augmentation(shearRange: .infinity).problems.first?.contains("shear range inf is not a finite number") == true)
        XCTAssertTrue(Augmentation(rotationRange: .nan).problems.first?.contains("rotation range") == true)
        XCTAssertTrue(Augmentation(shearRange: 1e300).problems.first?.contains("outside 0 to 90") == true)
        XCTAssertTrue(Augmentation(widthShiftRange: -1).problems.first?.contains("width shift range") == true)
        XCTAssertEqual(Augmentation(zoomRange: 1).problems.count, 1)
        XCTAssertEqual(Augmentation(zoomRange: 0.99).problems, [])
    }

    /// A library caller that skips `problems` gets a picture, not a trap in Int(Double).
    func testAugmentationNeverTrapsOnNonFiniteParameters() {
        let image = TestImages.smooth(width: 8, height: 8)
        for p in [Augmentation.Parameters(theta: .nan), Augmentation.Parameters(shear: .infinity),
                  Augmentation.Parameters(tx: .infinity, ty: -.infinity), Augmentation.Parameters(zx: .nan, zy: 1e308),
                  Augmentation.Parameters(theta: 1e300, shear: -.infinity)] {
            let out = Augmentation.applied(p, to: image)
            XCTAssertEqual(out.pixels.count, image.pixels.count)
        }
        var rng = SeededRNG(seed: 1)
        let wild = Augmentation(rotationRange: .infinity, widthShiftRange: .nan, heightShiftRange: 1e308, shearRange: .infinity, zoomRange: .nan)
        let p = wild.randomParameters(height: 8, width: 8, rng: &rng)
        XCTAssertEqual(Augmentation.applied(p, to: image).pixels.count, image.pixels.count)
    }

    /// Foundation's file errors as words: the reason, never "NSCocoaErrorDomain error 512".
    func testFileErrorTextGivesTheReason() throws {
        let file = root.appendingPathComponent("plain.txt")
        try Data("x".utf8).write(to: file)
        do {
            try FileManager.default.createDirectory(at: file.appendingPathComponent("sub"), withIntermediateDirectories: true)
            XCTFail("created a folder inside a file")
        } catch {
            let text = FileErrorText.describe(error)
            XCTAssertTrue(["Not a directory", "File exists"].contains(text), text)
        }
        do {
            try Data("y".utf8).write(to: URL(fileURLWithPath: "/proc/no-such-dir/file"))
            XCTFail("wrote into /proc")
        } catch {
            let text = FileErrorText.describe(error)
            XCTAssertFalse(text.contains("NSCocoaErrorDomain") || text.contains("could not be completed"), text)
        }
        XCTAssertEqual(FileErrorText.describe(CNNError.invalidInput("bad", hint: "fix it")), "bad. Fix it.")
    }
}

/// Holds what a background thread returned (the semaphore orders the write before the read).
final class ResultBox<T>: @unchecked Sendable { var value: T? }
