import CNNCore
import Foundation
import Lessons
@testable import Workflows
import XCTest

/// `ExerciseFiles` writes a sheet's four files into a folder of its own, through `AtomicWrite`.
final class ExerciseFilesTests: XCTestCase {
    func testFourFilesInTheirFolderAndTheJSONHasNoAnswers() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("exercises-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let sheet = try ExerciseSheet(topic: .channels, seed: 3, count: 2, language: .es)
        let folder = try ExerciseFiles.write(sheet, to: root)
        XCTAssertEqual(folder.lastPathComponent, "channels-seed-3")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(names, ["answers-template.txt", "answers.html", "exercise.json", "sheet.html"])
        let json = try String(contentsOf: folder.appendingPathComponent("exercise.json"), encoding: .utf8)
        XCTAssertEqual(json, sheet.jsonText(answers: false))
        XCTAssertTrue(json.contains("\"output\": [\n        [null]\n      ]"), json)
        XCTAssertNotNil(OutputMarker.read(in: folder), "the folder is marked as cnnviz's")
        // Written again (a new count): replaced whole, nothing left of the first.
        let again = try ExerciseFiles.write(try ExerciseSheet(topic: .channels, seed: 3, count: 1, language: .es), to: root)
        XCTAssertEqual(try StudentAnswers.read(again.appendingPathComponent("answers-template.txt")).count, 1)
    }
}
