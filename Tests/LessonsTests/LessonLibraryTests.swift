import Foundation
@testable import Lessons
import XCTest

final class LessonLibraryTests: XCTestCase {
    var library: LessonLibrary { LessonLibrary(folder: tutorialsFolder, foundHow: "test") }

    /// Every tutorial has a lesson file in English and in Spanish, and each runs, agreeing with the engine.
    func testEveryTutorialHasBothLessonsAndAgreesWithTheEngine() throws {
        XCTAssertTrue(library.problems.isEmpty, "\(library.problems)")
        for language in Language.allCases {
            for name in TutorialRegistry.names {
                let lesson = try library.lesson(named: name, language: language)
                XCTAssertTrue(lesson.source.hasSuffix(".md") && lesson.source.contains("Tutorials/\(language.rawValue)/"),
                              "\(name) (\(language)) should come from Tutorials/\(language.rawValue), got \(lesson.source)")
                XCTAssertEqual(lesson.language, language)
                let walk = try TutorialRunner.walkthrough(lesson, language: language)
                XCTAssertFalse(walk.intro.isEmpty, "\(lesson.source) needs a first paragraph")
                assertAgrees(walk)
            }
        }
        XCTAssertEqual(library.lessons(.en).map(\.name), TutorialRegistry.names, "course order")
    }

    /// The Spanish lesson uses the same numbers as the English one, and both match the built-in copies.
    func testBuiltinCopiesMatchTheLessonFiles() throws {
        let builtin = LessonLibrary(folder: nil, foundHow: "test")
        for language in Language.allCases {
            for name in TutorialRegistry.names {
                let file = try library.lesson(named: name, language: language)
                let copy = try builtin.lesson(named: name, language: language)
                XCTAssertEqual(copy.source, "built-in")
                XCTAssertEqual(copy.settings.values.mapValues(\.text), file.settings.values.mapValues(\.text), "\(name) \(language)")
                XCTAssertEqual(copy.title, file.title, "\(name) \(language)")
                XCTAssertEqual(copy.intro, file.intro, "\(name) \(language)")
                let english = try library.lesson(named: name, language: .en)
                XCTAssertEqual(file.settings.values.mapValues(\.text), english.settings.values.mapValues(\.text), "\(name): es and en numbers differ")
            }
        }
    }

    func testLocateOrder() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let byEnv = LessonLibrary.locate(environment: ["CNNVIZ_TUTORIALS": tutorialsFolder.path], currentDirectory: empty, executable: nil)
        XCTAssertEqual(byEnv.folder?.standardizedFileURL.path, tutorialsFolder.standardizedFileURL.path)
        let root = tutorialsFolder.deletingLastPathComponent()
        let byCwd = LessonLibrary.locate(environment: [:], currentDirectory: root, executable: nil)
        XCTAssertEqual(byCwd.foundHow, "./Tutorials")
        let fakeExe = root.appendingPathComponent(".build-x/debug/cnnviz")
        let byExe = LessonLibrary.locate(environment: [:], currentDirectory: empty, executable: fakeExe)
        XCTAssertEqual(byExe.folder?.path, tutorialsFolder.path)
        let none = LessonLibrary.locate(environment: ["CNNVIZ_TUTORIALS": "/nonexistent"], currentDirectory: empty, executable: nil)
        XCTAssertNil(none.folder)
        XCTAssertTrue(none.foundHow.contains("built into the program"), none.foundHow)
        // The built-in copies still run.
        assertRows(try TutorialRunner.walkthrough(none.lesson(named: "pooling", language: .en)).output, [[6, 5], [8, 9]])
    }

    func testUnknownTutorialName() {
        assertLessonError(["tutorial name", "no tutorial called 'convolutoin'", "convolution, pooling", "cnnviz tutorial list"]) {
            _ = try self.library.lesson(named: "convolutoin", language: .en)
        }
    }

    func testATeachersExtraLessonIsListedAndRuns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-extra-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("en"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "---\ntutorial: convolution\nname: sobel\ninput: 0 0 1 1; 0 0 1 1; 0 0 1 1\nkernel: -1 1; -1 1\n---\n# Sobel-ish\nEdges.\n"
            .write(to: dir.appendingPathComponent("en/09-sobel.md"), atomically: true, encoding: .utf8)
        try "no header".write(to: dir.appendingPathComponent("en/10-broken.md"), atomically: true, encoding: .utf8)
        let lib = LessonLibrary(folder: dir, foundHow: "test")
        XCTAssertEqual(lib.problems.count, 1)
        XCTAssertTrue(lib.problems[0].description.contains("10-broken.md"))
        XCTAssertEqual(lib.lessons(.en).last?.name, "sobel")
        let walk = try TutorialRunner.walkthrough(lib.lesson(named: "sobel", language: .en))
        assertRows(walk.output, [[0, 2, 0], [0, 2, 0]])
    }
}
