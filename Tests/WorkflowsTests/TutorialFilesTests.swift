import CNNCore
import Foundation
import ImageFiles
@testable import Lessons
import Visualize
@testable import Workflows
import XCTest

/// `TutorialFiles` writes what Lessons draws: the frames, the pages and the index.
final class TutorialFilesTests: XCTestCase {
    func runTutorial(_ name: String, _ pairs: [String: String]) throws -> Walkthrough {
        var s = Settings()
        for (k, v) in pairs { s.set(k, v, source: "--\(k)") }
        let lesson = Lesson(name: name, tutorial: name, language: .en, title: name, intro: "", body: "",
                            settings: Settings(), source: "test")
        return try TutorialRunner.walkthrough(lesson, options: s, language: .en)
    }

    func testOutputFolderPagesAndFrames() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let conv = try runTutorial("convolution", ["input": "1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1", "kernel": "2 0; 1 -1"])
        let folder = try TutorialFiles.write(conv, to: root)
        _ = try TutorialFiles.write(try runTutorial("pooling", ["input": "0 1 2 3; 4 5 6 7; 8 9 10 11; 12 13 14 15"]), to: root)
        XCTAssertEqual(folder.lastPathComponent, "convolution")
        let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("type=\"range\""), "a step slider")
        XCTAssertTrue(html.contains("<td class=\"win\">1</td>"), "numbers as tables, the window marked")
        XCTAssertFalse(html.contains("://"), "no network references")
        for ref in HTMLPage.references(in: html) {
            let target = folder.appendingPathComponent(ref)
            XCTAssertTrue(FileManager.default.fileExists(atPath: target.path), "missing \(ref)")
        }
        for i in 0..<conv.steps.count {
            let png = try ImageFile.read(folder.appendingPathComponent(TutorialPage.frameName(i)))
            XCTAssertGreaterThan(png.width, 300)
        }
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: folder.appendingPathComponent("walkthrough.json")))
        XCTAssertEqual(json.objectValue?["output"], .array([[1, 3, 5], [3, 1, 3], [5, 3, 1]].map { .array($0.map { .number($0) }) }))
        let index = try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("href=\"convolution/index.html\"") && index.contains("href=\"pooling/index.html\""))
        XCTAssertTrue((try FileManager.default.contentsOfDirectory(atPath: root.path)).allSatisfy { !$0.contains(".tmp-") })
    }

}
