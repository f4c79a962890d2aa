import CNNCore
import Foundation
@testable import Lessons
import XCTest

/// The words of a lesson follow the numbers a run uses (issue 16): titles and text from the sizes,
/// worked sections redone on custom numbers, each step once, `lang`, links between lessons.
final class LessonTextTests: XCTestCase {
    let library = LessonLibrary(folder: tutorialsFolder, foundHow: "test")
    let input5x5 = "1 2 0 1 3; 0 1 2 3 1; 3 0 1 2 2; 2 3 0 1 0; 1 1 2 0 1"

    /// A shipped lesson run with command-line options, as `cnnviz tutorial NAME --lang L …` does.
    func run(_ name: String, _ language: Language, _ pairs: [String: String] = [:]) throws -> Walkthrough {
        var options = Settings()
        for (k, v) in pairs { options.set(k, v, source: "--\(k)") }
        return try TutorialRunner.walkthrough(library.lesson(named: name, language: language), options: options, language: language)
    }

    func testDefaultTitlesReadAsBefore() throws {
        XCTAssertEqual(try run("convolution", .en).title, "Convolution: a 4×4 input becomes 3×3")
        XCTAssertEqual(try run("convolution", .es).title, "Convolución: una entrada de 4×4 se convierte en 3×3")
        XCTAssertEqual(try run("backprop", .es).title, "Retropropagación: un paso de entrenamiento de un kernel de 2×2")
        for language in Language.allCases {
            for name in TutorialRegistry.names {
                let w = try run(name, language)
                for text in [w.title, w.intro, w.body] {
                    XCTAssertNil(text.range(of: #"\{[a-z-]+\}"#, options: .regularExpression), "\(name) \(language): a placeholder left in \(text)")
                }
                XCTAssertFalse(w.customNumbers, "\(name): the lesson's own numbers")
            }
        }
    }

    func testTitlesFollowCustomSizesInBothLanguages() throws {
        let en = try run("convolution", .en, ["input": input5x5])
        XCTAssertEqual(en.title, "Convolution: a 5×5 input becomes 4×4")
        XCTAssertTrue(en.intro.contains("a 2×2 kernel fits in 4×4 positions of a 5×5 input, so the output is 4×4"), en.intro)
        let es = try run("convolution", .es, ["input": input5x5, "kernel": "1 0 1; 0 1 0; 1 0 1"])
        XCTAssertEqual(es.title, "Convolución: una entrada de 5×5 se convierte en 3×3")
        XCTAssertTrue(es.intro.contains("un kernel de 3×3 cabe en 3×3 posiciones de una entrada de 5×5"), es.intro)
        let terminal = TerminalRenderer(color: false).header(es)
        XCTAssertTrue(terminal.hasPrefix("Convolución: una entrada de 5×5 se convierte en 3×3"), terminal)
        XCTAssertFalse(terminal.contains("4×4"), terminal)
        XCTAssertTrue(terminal.contains("entrada (--input): 1 2 0 1 3;"), "Spanish setting names:\n\(terminal)")

        let pooling = try run("pooling", .es, ["input": "1 3 2 1 0 5; 4 6 5 0 2 1; 7 1 9 2 3 3; 3 8 4 6 1 0; 2 2 1 7 4 4; 0 5 3 1 2 6"])
        XCTAssertTrue(pooling.intro.contains("Una entrada de 6×6 pasa a 3×3"), pooling.intro)
        let poolingEn = try run("pooling", .en, ["pool-size": "4"])
        XCTAssertTrue(poolingEn.intro.contains("(4×4 here; 2×2 is Keras' default)") && poolingEn.intro.contains("A 4×4 input becomes 1×1"), poolingEn.intro)
        XCTAssertEqual(try run("backprop", .en, ["kernel": "1 0 1; 0 1 0; 1 0 1", "target": "0 0; 0 0"]).title, "Backprop: one training step of a 3×3 kernel")
    }

    func testByHandUsesTheNumbersGiven() throws {
        for language in Language.allCases {
            let w = try run("convolution", language, ["input": input5x5])
            XCTAssertTrue(w.customNumbers)
            let page = TutorialPage.page(w)
            let lesson = String(page[page.range(of: "id=\"lesson\"")!.lowerBound...])
            XCTAssertTrue(lesson.contains(language.pick("<h3>By hand</h3>", "<h3>A mano</h3>")), lesson)
            XCTAssertTrue(lesson.contains("1 2 0 1 3\n0 1 2 3 1"), "the input given, row by row")
            XCTAssertTrue(lesson.contains("output[0][0]") || lesson.contains("salida[0][0]"), "the first cell worked out")
            XCTAssertFalse(lesson.contains("<td>1</td><td>2</td><td>3</td><td>0</td>"), "not the default 4×4 input")
            XCTAssertFalse(lesson.contains("1 3 5\n3 1 3\n5 3 1"), "not the default output")
            XCTAssertFalse(page.contains("header above") || page.contains("cabecera de arriba"))
            XCTAssertFalse(page.contains("&lt;!-- numbers"), "the marker is not shown")
            // With the lesson's own numbers the hand-written section stays.
            let plain = TutorialPage.page(try run("convolution", language))
            XCTAssertTrue(plain.contains("<td>1</td><td>2</td><td>3</td><td>0</td>"))
        }
        // Sections worked on the header's numbers are left out when the numbers change.
        let backprop = TutorialPage.page(try run("backprop", .en, ["kernel": "1 0; 0 1"]))
        XCTAssertFalse(backprop.contains("= 44.5"), "the default loss")
        XCTAssertFalse(backprop.contains("One SGD step (learning rate 0.01)"))
    }

    func testEachStepOncePlayButtonAndLanguage() throws {
        for language in Language.allCases {
            let w = try run("pooling", language)
            let page = TutorialPage.page(w)
            XCTAssertTrue(page.contains("<html lang=\"\(language.rawValue)\">"))
            XCTAssertEqual(page.components(separatedBy: "<section class=\"step\"").count - 1, w.steps.count)
            XCTAssertFalse(page.contains("<img"), "each step once: as HTML, not again as its PNG frame")
            XCTAssertTrue(page.contains("href=\"step-01.png\""), "the frames are still offered as files")
            XCTAssertTrue(page.contains("id=\"play\"") && page.contains("setInterval"), "a play button")
            XCTAssertTrue(page.contains("href=\"../index.html\""), "back to the tutorials")
            XCTAssertFalse(page.contains("://"), "offline")
            let index = TutorialPage.index([], language: language)
            XCTAssertTrue(index.contains("<html lang=\"\(language.rawValue)\">"))
        }
        let spanish = TutorialPage.page(try run("convolution", .es))
        for english in [">Step", "<th>setting", "all tutorials", ">Files<", "every number", "lesson:"] {
            XCTAssertFalse(spanish.contains(english), "English left in a Spanish page: \(english)")
        }
    }

    /// The index's own words follow the tutorials it lists, not the run that rewrote it.
    func testIndexLanguageFollowsTheTutorials() {
        let es = TutorialPage.IndexEntry(name: "pooling", title: "Pooling: 4×4 a 2×2", steps: "5", agrees: "✓", language: .es)
        let en = TutorialPage.IndexEntry(name: "convolution", title: "Convolution: 4×4 to 3×3", steps: "9", agrees: "✓", language: .en)
        let unknown = TutorialPage.IndexEntry(name: "relu", title: "relu", steps: "", agrees: "")
        XCTAssertEqual(TutorialPage.indexLanguages([es], fallback: .en), [.es])
        XCTAssertEqual(TutorialPage.indexLanguages([es, en, unknown], fallback: .en), [.es, .en], "mixed: both, Spanish first")
        XCTAssertEqual(TutorialPage.indexLanguages([unknown], fallback: .es), [.es], "nothing says: the run's language")
        XCTAssertEqual(TutorialPage.indexLanguages([], fallback: .en), [.en])
        let spanish = TutorialPage.index([es], language: .en)
        XCTAssertTrue(spanish.contains("<html lang=\"es\">") && spanish.contains("5 pasos"))
        let mixed = TutorialPage.index([es, en], language: .en)
        XCTAssertTrue(mixed.contains("<html lang=\"es\">"))
        XCTAssertTrue(mixed.contains("id=\"pooling\" lang=\"es\">") && mixed.contains("id=\"convolution\" lang=\"en\">"))
        XCTAssertTrue(mixed.contains("9 steps") && mixed.contains("5 pasos"))
    }

    func testPoolingGradientDefaultShowsEachRoute() throws {
        let w = try run("pooling", .en)
        XCTAssertEqual(w.settings.first { $0.key == "gradient" }?.value, "1 2; 3 4")
        let grad = try XCTUnwrap(w.results.first { $0.name == "input_gradient" }?.matrix)
        assertRows(grad, [[0, 0, 0, 0], [0, 1, 2, 0], [0, 0, 4, 0], [0, 3, 0, 0]])
        XCTAssertTrue(w.steps.last?.lines.contains("dL/doutput[1][1] = 4 → input[2][2]") == true, "\(w.steps.last?.lines ?? [])")
        let given = try run("pooling", .es, ["gradient": "5 0; 0 -1"])
        assertRows(try XCTUnwrap(given.results.first?.matrix), [[0, 0, 0, 0], [0, 5, 0, 0], [0, 0, -1, 0], [0, 0, 0, 0]])
    }

    func testLinksBetweenLessons() throws {
        XCTAssertEqual(TutorialPage.lessonLink("02-pooling.md", from: "convolution", written: ["pooling"]), "../pooling/index.html")
        XCTAssertEqual(TutorialPage.lessonLink("03-relleno-paso.md", from: "pooling", written: []), "../index.html#padding-stride")
        XCTAssertNil(TutorialPage.lessonLink("README.md", from: "pooling", written: []))
        let page = TutorialPage.page(try run("convolution", .es), written: ["pooling"])
        XCTAssertTrue(page.contains("<a href=\"../pooling/index.html\">el tutorial de pooling</a>"), "Next: is a link")
        XCTAssertTrue(page.contains("<a href=\"../index.html#padding-stride\">el tutorial de relleno y paso</a>"), "see X is a link")
        // Every shipped lesson ends with a "Next" link but the last.
        for language in Language.allCases {
            for name in TutorialRegistry.names.dropLast() {
                let body = try run(name, language).body
                XCTAssertNotNil(body.range(of: #"(Next|Siguiente): \[[^\]]+\]\(0\d-[a-z-]+\.md\)"#, options: .regularExpression), "\(name) \(language)")
            }
        }
    }
}
