import Foundation
@testable import Lessons
import XCTest

final class LessonFileTests: XCTestCase {
    let good = """
    ---
    tutorial: convolution
    name: diagonal
    # a comment line
    input: 1 2; 3 4
    kernel: "1 0; 0 -1"
    ---
    # A title

    First paragraph
    on two lines.

    Second paragraph.

    ## Details
    Not in the intro.
    """

    func testParsesHeaderTitleAndIntro() throws {
        let lesson = try LessonFile.parse(good, source: "my.md")
        XCTAssertEqual(lesson.tutorial, "convolution")
        XCTAssertEqual(lesson.name, "diagonal")
        XCTAssertEqual(lesson.title, "A title")
        XCTAssertEqual(lesson.intro, "First paragraph on two lines.\n\nSecond paragraph.")
        XCTAssertEqual(lesson.settings.text("kernel"), "1 0; 0 -1", "quotes are removed")
        XCTAssertEqual(lesson.settings.source("input"), "my.md, header key 'input'")
        XCTAssertFalse(lesson.settings.has("tutorial"))
        let walk = try TutorialRunner.walkthrough(lesson)
        XCTAssertEqual(walk.name, "diagonal")
        assertRows(walk.output, [[-3]])
    }

    func testOptionsOverrideTheHeader() throws {
        let lesson = try LessonFile.parse(good, source: "my.md")
        var options = Settings()
        options.set("bias", "10", source: "--bias")
        assertRows(try TutorialRunner.walkthrough(lesson, options: options).output, [[7]])
    }

    func testBrokenHeaders() {
        assertLessonError(["my.md", "no header block", "first line must be '---'", "Expected form: a header block"]) {
            _ = try LessonFile.parse("# Title\ntutorial: convolution", source: "my.md")
        }
        assertLessonError(["never closed"]) { _ = try LessonFile.parse("---\ntutorial: convolution\n# Title", source: "my.md") }
        assertLessonError(["my.md, line 3", "'input 1 2' is not a 'key: value' line"]) {
            _ = try LessonFile.parse("---\ntutorial: convolution\ninput 1 2\n---\n", source: "my.md")
        }
        assertLessonError(["line 3", "'input' appears twice"]) {
            _ = try LessonFile.parse("---\ninput: 1\ninput: 2\n---\n", source: "my.md")
        }
        assertLessonError(["no 'tutorial' key", "tutorial: convolution"]) { _ = try LessonFile.parse("---\ninput: 1 2\n---\n", source: "my.md") }
        assertLessonError(["'fr' is not a known language"]) { _ = try LessonFile.parse("---\ntutorial: relu\nlang: fr\n---\n", source: "my.md") }
    }

    func testUnknownTutorialAndUnknownKey() throws {
        let unknown = try LessonFile.parse("---\ntutorial: dropout\n---\n# x", source: "my.md")
        assertLessonError(["my.md, header key 'tutorial'", "'dropout' is not a tutorial", "convolution, pooling"]) {
            _ = try TutorialRunner.walkthrough(unknown)
        }
        let typo = try LessonFile.parse("---\ntutorial: convolution\ninput: 1 2; 3 4\nkernal: 1\n---\n# x", source: "my.md")
        assertLessonError(["my.md, header key 'kernal'", "not a setting of the 'convolution' tutorial", "kernel: 1 0; 0 -1"]) {
            _ = try TutorialRunner.walkthrough(typo)
        }
        let badValue = try LessonFile.parse("---\ntutorial: convolution\ninput: 1 2; 3\nkernel: 1\n---\n# x", source: "my.md")
        assertLessonError(["my.md, header key 'input'", "row 2", "Expected form: input: "]) { _ = try TutorialRunner.walkthrough(badValue) }
    }

    func testALessonFileTakesItsFoldersLanguage() throws {
        let es = try LessonFile.read(tutorialsFolder.appendingPathComponent("es/04-canales.md"))
        XCTAssertEqual(es.language, .es)
        XCTAssertEqual(try TutorialRunner.walkthrough(es).language, .es)
    }

    func testReadingAMissingFile() {
        assertLessonError(["/nonexistent/lesson.md", "cannot read"]) { _ = try LessonFile.read(URL(fileURLWithPath: "/nonexistent/lesson.md")) }
    }
}
