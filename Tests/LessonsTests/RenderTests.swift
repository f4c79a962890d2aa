import CNNCore
import Foundation
import ImageFiles
@testable import Lessons
import Visualize
import XCTest

final class RenderTests: XCTestCase {
    func testJSONHasOutputRowsStepsAndChecks() throws {
        let w = try runTutorial("pooling", ["input": "0 1 2 3; 4 5 6 7; 8 9 10 11; 12 13 14 15"])
        let o = try XCTUnwrap(JSONRenderer.value(w).objectValue)
        XCTAssertEqual(o["output"], .array([.array([.number(5), .number(7)]), .array([.number(13), .number(15)])]))
        XCTAssertEqual(o["steps"]?.arrayValue?.count, w.steps.count)
        XCTAssertEqual(o["agrees"], .bool(true))
        XCTAssertEqual(o["settings"]?.objectValue?["mode"], .string("max"))
        // The text parses back to the same value, and a matrix reads one row per line.
        let text = JSONRenderer.text(w)
        XCTAssertEqual(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), JSONRenderer.value(w))
        XCTAssertTrue(text.contains("\"output\": [\n    [5, 7],\n    [13, 15]\n  ]"), text)
        let odd = JSONValue.object(["s": .string("a \"q\" \\ \n\u{1}é"), "x": .number(Double(Float(0.1)))])
        let back = try JSONDecoder().decode(JSONValue.self, from: Data(JSONRenderer.write(odd, indent: "").utf8)).objectValue
        XCTAssertEqual(back?["s"], odd.objectValue?["s"])
        XCTAssertEqual(back?["x"]?.doubleValue.map(Float.init), 0.1, "a Float32 value is written with a Float's digits: 0.1")
    }

    func testTerminalPlainAndColour() throws {
        let w = try runTutorial("convolution", ["input": "1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1", "kernel": "2 0; 1 -1"])
        let plain = TerminalRenderer(color: false).step(w.steps[1], index: 1, count: w.steps.count, language: .en)
        XCTAssertFalse(plain.contains("\u{1B}"))
        XCTAssertTrue(plain.contains("[1][2]"), "the window in brackets:\n\(plain)")
        XCTAssertTrue(plain.contains("<1>"), "the computed cell marked:\n\(plain)")
        XCTAssertTrue(plain.contains("·"), "cells not computed yet:\n\(plain)")
        let colour = TerminalRenderer(color: true).step(w.steps[1], index: 1, count: w.steps.count, language: .en)
        XCTAssertTrue(colour.contains("\u{1B}["))
        XCTAssertTrue(TerminalRenderer(color: false).footer(w, folder: nil).contains("matches CNNCore's layer"))
    }

    func testSpanishStepText() throws {
        let w = try runTutorial("pooling", ["input": "0 1 2 3; 4 5 6 7; 8 9 10 11; 12 13 14 15"], language: .es)
        XCTAssertTrue(w.steps[0].lines.contains { $0.contains("nos quedamos con el valor más grande") })
        XCTAssertTrue(w.steps[1].title.hasPrefix("salida["))
        let conv = try runTutorial("convolution", ["input": "1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1", "kernel": "2 0; 1 -1"], language: .es)
        XCTAssertTrue(conv.steps.last?.lines.first?.contains("Pasamos de una representación de 4×4 a una de 3×3") == true)
    }

    func testFontSafeText() {
        // Spanish keeps its accents and the tutorials' symbols stay: the font draws them.
        XCTAssertEqual(PictureRenderer.fontSafe("Filas: ⌊(4 − 2)/1⌋ + 1 · pequeño ✓ ¿atrás?"), "Filas: ⌊(4 − 2)/1⌋ + 1 · pequeño ✓ ¿atrás?")
        XCTAssertEqual(PictureRenderer.fontSafe("½ — “x”"), "1/2 - \"x\"")
    }

    /// Every character a frame draws exists in the bitmap font (unknown ones would come out as "?").
    func testFramesOnlyUseCharactersTheFontHas() throws {
        let library = LessonLibrary(folder: tutorialsFolder, foundHow: "test")
        let unknown = BitmapFont.rows("?")
        var missing = Set<Character>()
        for language in Language.allCases {
            for name in TutorialRegistry.names {
                let w = try TutorialRunner.walkthrough(library.lesson(named: name, language: language), language: language)
                for (i, step) in w.steps.enumerated() {
                    let texts = [language.pick("Step", "Paso") + " \(i + 1)/\(w.steps.count): " + step.title] + step.lines + step.panels.map(\.label)
                    for ch in texts.map(PictureRenderer.fontSafe).joined() where ch != "?" && BitmapFont.rows(ch) == unknown {
                        missing.insert(ch)
                    }
                }
            }
        }
        XCTAssertTrue(missing.isEmpty, "characters the font cannot draw: \(missing.sorted())")
    }

    /// Descenders in a frame: a panel label's "p" and "g" stay clear of the cells' frames, and the
    /// last line's tails are painted with the whole bottom margin still below them.
    func testFrameLeavesRoomForDescenders() {
        let panel = Panel("pesos gq", Matrix(rows: 2, cols: 2, values: [1, 2, 3, 4]), role: .kernel, marked: [Cell(0, 0)])
        let step = Step("máximo", lines: ["paso y pesos", "gq jy"], panels: [panel])
        let image = PictureRenderer.frame(step, index: 0, count: 1, language: .es)
        let canvas = Canvas(image: image)
        let m = PictureRenderer.margin
        let inked = { (y: Int, xs: Range<Int>) in xs.contains { canvas.pixel($0, y) != .white } }
        let all = 0..<image.width
        XCTAssertEqual((0..<image.height).last { inked($0, all) }, image.height - m - 1, "the last line's tails end one margin above the bottom")
        let labelTop = m + PictureRenderer.titleBlock
        let panelColumns = m..<(m + BitmapFont.width(of: "pesos gq", scale: 2))
        XCTAssertTrue(inked(labelTop + 2 * BitmapFont.glyphHeight - 1, panelColumns), "the label's tails are drawn")
        for y in (labelTop + 2 * BitmapFont.glyphHeight)..<(labelTop + PictureRenderer.labelHeight - 3) {
            XCTAssertFalse(inked(y, panelColumns), "row \(y): blank between the label and the marked cell's frame")
        }
    }

    func testMarkdown() {
        let html = MarkdownHTML.render("# T\n\nSome `a < b` and **bold**.\n\n```\nx = 1\n```\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[next](02-pooling.md)")
        XCTAssertTrue(html.contains("<h2>T</h2>"))
        XCTAssertTrue(html.contains("<code>a &lt; b</code>"))
        XCTAssertTrue(html.contains("<strong>bold</strong>"))
        XCTAssertTrue(html.contains("<pre><code>x = 1</code></pre>"))
        XCTAssertTrue(html.contains("<ul><li>one</li><li>two</li></ul>"))
        XCTAssertTrue(html.contains("<td>1</td><td>2</td>"))
        XCTAssertTrue(html.contains("next") && !html.contains("02-pooling.md"), "relative .md links become text")
    }
}
