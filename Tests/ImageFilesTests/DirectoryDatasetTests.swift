import XCTest
@testable import ImageFiles

/// `flow_from_directory`'s meaning on small folders the test writes, and every folder problem.
final class DirectoryDatasetTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = try TestImages.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// Writes `count` images of one colour (the class's colour) into root/name.
    func makeClass(_ name: String, count: Int, value: UInt8, ext: String = "png") throws {
        let folder = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for i in 0..<count {
            try ImageFile.write(RGBImage(width: 10 + i, height: 8, fill: (value, value, value)),
                                to: folder.appendingPathComponent("\(folder.lastPathComponent).\(i).\(ext)"))
        }
    }

    func testClassesAreSortedSubfoldersWithIndices() throws {
        try makeClass("dogs", count: 3, value: 200)
        try makeClass("cats", count: 2, value: 10, ext: "jpg")
        try makeClass("Birds", count: 1, value: 90, ext: "JPEG")  // any case; "B" sorts before "c"
        let folder = root.appendingPathComponent("cats")
        try Data().write(to: folder.appendingPathComponent(".DS_Store"))
        try Data().write(to: folder.appendingPathComponent("._cats.0.jpg"))  // hidden: ignored
        try Data("x".utf8).write(to: folder.appendingPathComponent("readme.txt"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".ipynb_checkpoints"), withIntermediateDirectories: true)

        let data = try DirectoryDataset(directory: root, targetSize: (4, 5))
        XCTAssertEqual(data.classNames, ["Birds", "cats", "dogs"])
        XCTAssertEqual(data.classIndices.map { $0.0 }, ["Birds", "cats", "dogs"])
        XCTAssertEqual(data.classIndices.map { $0.1 }, [0, 1, 2])
        XCTAssertEqual(data.classIndicesDescription, "{'Birds': 0, 'cats': 1, 'dogs': 2}")
        XCTAssertEqual(data.count, 6)
        XCTAssertEqual(data.labels, [0, 1, 1, 2, 2, 2])
        XCTAssertEqual(data.files.map { $0.lastPathComponent }, ["Birds.0.JPEG", "cats.0.jpg", "cats.1.jpg", "dogs.0.png", "dogs.1.png", "dogs.2.png"])
        XCTAssertEqual(data.foundMessage, "Found 6 images belonging to 3 classes.")
        let dog = data.image(4)
        XCTAssertEqual([dog.width, dog.height], [5, 4])
        XCTAssertEqual(dog, RGBImage(width: 5, height: 4, fill: (200, 200, 200)))
        // JPEG of a flat colour comes back within a step or two.
        XCTAssertLessThanOrEqual(abs(Int(data.image(1).pixels[0]) - 10), 2)
    }

    func testNestedFilesAreFoundRecursively() throws {
        try makeClass("a", count: 1, value: 1)
        try makeClass("a/sub", count: 2, value: 2)
        try makeClass("b", count: 1, value: 3)
        let data = try DirectoryDataset(directory: root, targetSize: (2, 2))
        XCTAssertEqual(data.classNames, ["a", "b"])
        XCTAssertEqual(data.labels, [0, 0, 0, 1])
    }

    func expectError(_ kind: ImageError.Kind, mentions: [String], minimumClasses: Int = 2,
                     file: StaticString = #filePath, line: UInt = #line, at directory: URL? = nil) {
        XCTAssertThrowsError(try DirectoryDataset(directory: directory ?? root, targetSize: (8, 8), minimumClasses: minimumClasses),
                             file: file, line: line) { error in
            guard let error = error as? ImageError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.kind, kind, error.description, file: file, line: line)
            for word in mentions { XCTAssertTrue(error.description.contains(word), "'\(word)' in \(error)", file: file, line: line) }
        }
    }

    func testMissingPath() {
        let missing = root.appendingPathComponent("no-such-folder")
        expectError(.missingFolder, mentions: [missing.path, "no such folder"], at: missing)
    }

    func testNoClassFolders() throws {
        try ImageFile.write(RGBImage(width: 2, height: 2), to: root.appendingPathComponent("loose.png"))
        expectError(.noClasses, mentions: [root.path, "no class subfolders"])
    }

    func testOneClassWhenTwoAreRequired() throws {
        try makeClass("cats", count: 2, value: 5)
        expectError(.tooFewClasses, mentions: ["1 class folder", "cats", "at least 2"])
        // Allowed when the caller accepts one class.
        XCTAssertEqual(try DirectoryDataset(directory: root, targetSize: (8, 8), minimumClasses: 1).count, 2)
    }

    func testEmptyClassFolder() throws {
        try makeClass("cats", count: 2, value: 5)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("dogs"), withIntermediateDirectories: true)
        expectError(.emptyClass, mentions: [root.appendingPathComponent("dogs").path, "no .png, .jpg or .jpeg"])
    }

    func testBadImageStopsWithItsNameOrIsSkipped() throws {
        try makeClass("cats", count: 3, value: 5)
        try makeClass("dogs", count: 2, value: 250)
        let bad = root.appendingPathComponent("dogs/broken.jpg")
        try Data("not an image".utf8).write(to: bad)
        let empty = root.appendingPathComponent("cats/zero.png")
        try Data().write(to: empty)
        XCTAssertThrowsError(try DirectoryDataset(directory: root, targetSize: (8, 8))) { error in
            // The first bad file in listing order.
            XCTAssertTrue("\(error)".contains(empty.path), "\(error)")
            XCTAssertTrue("\(error)".contains("--skip-bad-images"), "\(error)")
        }
        var warnings = [String]()
        let data = try DirectoryDataset(directory: root, targetSize: (8, 8), skipBadImages: true) { warnings.append($0) }
        XCTAssertEqual(data.count, 5)
        XCTAssertEqual(data.skipped.map { $0.0.lastPathComponent }, ["zero.png", "broken.jpg"])
        XCTAssertEqual(warnings.count, 2)
        XCTAssertTrue(warnings[0].hasPrefix("warning: skipping \(empty.path)"), warnings[0])
        XCTAssertEqual(data.skippedMessage, "Skipped 2 bad images.")
        XCTAssertEqual(data.labels, [0, 0, 0, 1, 1])
    }

    func testSkippingEveryImageOfAClassIsAnError() throws {
        try makeClass("cats", count: 1, value: 5)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("dogs"), withIntermediateDirectories: true)
        try Data().write(to: root.appendingPathComponent("dogs/empty.jpg"))
        XCTAssertThrowsError(try DirectoryDataset(directory: root, targetSize: (8, 8), skipBadImages: true)) { error in
            XCTAssertEqual((error as? ImageError)?.kind, .emptyClass, "\(error)")
        }
    }

    func testUnsupportedKerasFormatsAreReported() throws {
        try makeClass("cats", count: 1, value: 5)
        try Data("BM".utf8).write(to: root.appendingPathComponent("cats/old.bmp"))
        var notes = [String]()
        let data = try DirectoryDataset(directory: root, targetSize: (8, 8)) { notes.append($0) }
        XCTAssertEqual(data.count, 1)
        XCTAssertEqual(notes.count, 1)
        XCTAssertTrue(notes[0].contains(".bmp"), notes[0])
    }
}
