import XCTest
@testable import ImageFiles

/// The coursework's real folders: ../shared/datasets/cats-and-dogs beside the repository.
final class CatsAndDogsTests: XCTestCase {
    /// Repository root is three levels above this file (Tests/ImageFilesTests/X.swift).
    static let datasets = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/datasets/cats-and-dogs").standardizedFileURL

    func folder(_ name: String) throws -> URL {
        let url = Self.datasets.appendingPathComponent(name)
        try XCTSkipUnless(FileManager.default.fileExists(atPath: url.path), "dataset not present at \(url.path)")
        return url
    }

    func testListingCountsAndClassIndices() throws {
        let training = try DatasetListing(directory: folder("training_set"), minimumClasses: 2)
        XCTAssertEqual(training.classNames, ["cats", "dogs"])
        XCTAssertEqual(training.files.count, 2000)
        XCTAssertEqual(training.perClass, [1000, 1000])
        let test = try DatasetListing(directory: folder("test_set"), minimumClasses: 2)
        XCTAssertEqual(test.classNames, ["cats", "dogs"])
        XCTAssertEqual(test.files.count, 200)
    }

    /// Decodes the whole 200-image test set (every file must be readable) into 64×64.
    func testTestSetDecodes() throws {
        let data = try DirectoryDataset(directory: folder("test_set"), targetSize: (64, 64), minimumClasses: 2)
        XCTAssertEqual(data.foundMessage, "Found 200 images belonging to 2 classes.")
        XCTAssertEqual(data.classIndicesDescription, "{'cats': 0, 'dogs': 1}")
        XCTAssertEqual(data.classIndices.map { $0.0 }, ["cats", "dogs"])
        XCTAssertEqual(data.classIndices.map { $0.1 }, [0, 1])
        XCTAssertEqual(data.labels.filter { $0 == 0 }.count, 100)
        XCTAssertTrue(data.skipped.isEmpty)
        let first = data.image(0)
        XCTAssertEqual([first.width, first.height], [64, 64])
        XCTAssertGreaterThan(Set(first.pixels).count, 20, "a photo, not a blank")
    }
}
