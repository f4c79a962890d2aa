import CNNCore
import Foundation
@testable import Lessons
import XCTest

/// Runs a tutorial on the given settings (no lesson file), the way the command does.
func runTutorial(_ name: String, _ pairs: [String: String] = [:], language: Language = .en,
         file: StaticString = #filePath, line: UInt = #line) throws -> Walkthrough {
    var s = Settings()
    for (k, v) in pairs { s.set(k, v, source: "--\(k)") }
    let lesson = Lesson(name: name, tutorial: name, language: language, title: name, intro: "", body: "",
                        settings: Settings(), source: "test")
    return try TutorialRunner.walkthrough(lesson, options: s, language: language)
}

/// The repository's Tutorials folder (this file is Tests/LessonsTests/TestSupport.swift).
let tutorialsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Tutorials")

/// Asserts a matrix equals rows given by hand.
func assertRows(_ m: Matrix, _ rows: [[Float]], accuracy: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(m.rows, rows.count, "rows", file: file, line: line)
    XCTAssertEqual(m.cols, rows.first?.count ?? 0, "columns", file: file, line: line)
    guard m.rows == rows.count, m.cols == rows.first?.count ?? 0 else { return }
    for (a, b) in zip(m.values, rows.flatMap { $0 }) {
        XCTAssertEqual(a, b, accuracy: accuracy, "\(m.rowArrays) vs \(rows)", file: file, line: line)
    }
}

/// Asserts `body` throws a LessonError whose message contains every fragment.
func assertLessonError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an error containing \(fragments)", file: file, line: line)
    } catch let error as LessonError {
        for f in fragments {
            XCTAssertTrue(error.description.contains(f), "'\(error.description)' should contain '\(f)'", file: file, line: line)
        }
    } catch {
        XCTFail("expected a LessonError, got \(error)", file: file, line: line)
    }
}

/// Every check of a walkthrough agrees, and there is at least one.
func assertAgrees(_ w: Walkthrough, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertFalse(w.checks.isEmpty, "a tutorial must compare itself with the engine", file: file, line: line)
    for c in w.checks {
        XCTAssertTrue(c.agrees, "\(w.tutorial): \(c.what): step by step \(c.stepByStep.rowArrays) vs \(c.layer) \(c.engine.rowArrays)",
                      file: file, line: line)
    }
}
