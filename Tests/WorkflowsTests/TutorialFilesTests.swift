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

/// Every tutorial page and the index, in both languages: `lang`, thumbnails, and no dead link.
final class TutorialLinksTests: XCTestCase {
    static let tutorials = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tutorials")

    /// Fails for each href/src of each page under `root` that a browser would not find: a file
    /// that does not exist, or a `#fragment` with no such id in its page.
    func assertNoDeadLinks(under root: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let fm = FileManager.default
        let pages = (fm.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".html") }
        XCTAssertFalse(pages.isEmpty, file: file, line: line)
        for page in pages {
            let url = root.appendingPathComponent(page)
            let html = try String(contentsOf: url, encoding: .utf8)
            for ref in HTMLPage.references(in: html) {
                if ref.hasPrefix("#") {
                    XCTAssertTrue(html.contains("id=\"\(ref.dropFirst())\""), "\(page): no id for \(ref)", file: file, line: line)
                    continue
                }
                let target = url.deletingLastPathComponent().appendingPathComponent(ref).standardizedFileURL
                XCTAssertTrue(fm.fileExists(atPath: target.path), "\(page): dead link \(ref)", file: file, line: line)
            }
            // A link into another page ("../index.html#pooling"): the id must exist there.
            let intoPage = try Regex<(Substring, Substring, Substring)>(##"href="([^"#]+\.html)#([^"]+)""##)
            for match in html.matches(of: intoPage) {
                let target = url.deletingLastPathComponent().appendingPathComponent(String(match.output.1)).standardizedFileURL
                let other = (try? String(contentsOf: target, encoding: .utf8)) ?? ""
                XCTAssertTrue(other.contains("id=\"\(match.output.2)\""), "\(page): \(match.output.1) has no id \(match.output.2)", file: file, line: line)
            }
        }
    }

    func testAllTutorialsInBothLanguagesHaveNoDeadLinks() throws {
        let library = LessonLibrary(folder: Self.tutorials, foundHow: "test")
        for language in Language.allCases {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("tutorial-links-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let written = try TutorialFiles.writeAll(language: language, library: library, outputRoot: root)
            XCTAssertEqual(written.map(\.0.tutorial), TutorialRegistry.names)
            try assertNoDeadLinks(under: root)
            let index = try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
            XCTAssertTrue(index.contains("<html lang=\"\(language.rawValue)\">"))
            for name in TutorialRegistry.names {
                XCTAssertTrue(index.contains("href=\"\(name)/index.html\""), "\(name) on the index")
                XCTAssertTrue(index.contains("src=\"\(name)/thumbnail.png\""), "\(name) has a thumbnail")
                let page = try String(contentsOf: root.appendingPathComponent(name).appendingPathComponent("index.html"), encoding: .utf8)
                XCTAssertTrue(page.contains("<html lang=\"\(language.rawValue)\">"), name)
                XCTAssertTrue(page.contains("href=\"../index.html\""), "\(name) links back to the index")
            }
            // "Next: …" goes straight to the next page once all are written.
            let conv = try String(contentsOf: root.appendingPathComponent("convolution/index.html"), encoding: .utf8)
            XCTAssertTrue(conv.contains("href=\"../pooling/index.html\""))
        }
    }

    /// One tutorial alone: its links to lessons not written yet go to their row of the index.
    func testOneTutorialAloneHasNoDeadLinks() throws {
        let library = LessonLibrary(folder: Self.tutorials, foundHow: "test")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tutorial-alone-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var options = Settings()
        options.set("input", "1 2 0 1 3; 0 1 2 3 1; 3 0 1 2 2; 2 3 0 1 0; 1 1 2 0 1", source: "--input")
        let walk = try TutorialRunner.walkthrough(library.lesson(named: "convolution", language: .es), options: options, language: .es)
        try TutorialFiles.write(walk, to: root)
        try assertNoDeadLinks(under: root)
        let page = try String(contentsOf: root.appendingPathComponent("convolution/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("href=\"../index.html#pooling\""), "not written yet: its row of the index")
        XCTAssertTrue(page.contains("<title>Convolución: una entrada de 5×5 se convierte en 4×4</title>"))
        let index = try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("cnnviz tutorial pooling --lang es"), "the index says how to write the others")
    }

    /// Writes the named tutorials, each in its language, one run after the other (as separate
    /// `cnnviz tutorial NAME [--lang es]` commands would), and returns the index.
    func writeRuns(_ runs: [(String, Language)], to root: URL) throws -> String {
        let library = LessonLibrary(folder: Self.tutorials, foundHow: "test")
        for (name, language) in runs {
            try TutorialFiles.write(try TutorialRunner.walkthrough(library.lesson(named: name, language: language), language: language), to: root)
        }
        return try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
    }

    /// Issue 16: `tutorial convolution --lang es` then `tutorial pooling` made the whole index
    /// English, the Spanish tutorial included. Each card now keeps its own language, the page is
    /// bilingual (Spanish first), and the order of the runs does not matter.
    func testMixedLanguagesIndexShowsEachTutorialInItsOwnLanguage() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tutorial-mixed-\(UUID().uuidString)")
        let reversed = FileManager.default.temporaryDirectory.appendingPathComponent("tutorial-mixed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: reversed) }
        let index = try writeRuns([("convolution", .es), ("pooling", .en)], to: root)
        XCTAssertTrue(index.contains("<html lang=\"es\">"), "Spanish first: the coursework's language")
        XCTAssertTrue(index.contains("<h1>Tutoriales de CNNViz · <span lang=\"en\">CNNViz tutorials</span></h1>"), "both languages in the page's own words")
        XCTAssertTrue(index.contains("<li class=\"card\" id=\"convolution\" lang=\"es\">"), "the Spanish tutorial says so")
        XCTAssertTrue(index.contains("<li class=\"card\" id=\"pooling\" lang=\"en\">"), "the English tutorial says so")
        /// The card with id `name`, up to its end.
        func card(_ name: String) throws -> String {
            let rest = index[try XCTUnwrap(index.range(of: "id=\"\(name)\"")).lowerBound...]
            return String(rest[..<(try XCTUnwrap(rest.range(of: "</li>"))).lowerBound])
        }
        let convolution = try card("convolution")
        XCTAssertTrue(convolution.contains(">1. <a href=\"convolution/index.html\">Convolución"), convolution)
        XCTAssertTrue(convolution.contains(" pasos · coincide con CNNCore ✓ · en español</p>"), convolution)
        let pooling = try card("pooling")
        XCTAssertTrue(pooling.contains(" steps · matches CNNCore ✓ · in English</p>"), pooling)
        XCTAssertFalse(pooling.contains("pasos"), pooling)
        XCTAssertTrue(index.contains("<code>cnnviz tutorial relu --lang es</code> · <span lang=\"en\">in English: <code>cnnviz tutorial relu</code></span>"),
                      "a tutorial not written yet: the command for each language")
        try assertNoDeadLinks(under: root)
        // The other order gives the same page: the index follows the folder, not the last run.
        XCTAssertEqual(try writeRuns([("pooling", .en), ("convolution", .es)], to: reversed), index)
    }

    /// All the tutorials in Spanish: the index is Spanish, even when the run that rewrites it is
    /// English (e.g. `cnnviz tour` or a command without --lang es that adds no tutorial).
    func testAllSpanishIndexStaysSpanish() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tutorial-es-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try writeRuns([("convolution", .es), ("pooling", .es)], to: root)
        try TutorialFiles.writeIndex(root, language: .en)
        let index = try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("<html lang=\"es\">"))
        XCTAssertTrue(index.contains("<h1>Tutoriales de CNNViz</h1>"))
        XCTAssertTrue(index.contains("<li class=\"card\" id=\"convolution\">"), "same language as the page: no lang of its own")
        for english in ["CNNViz tutorials", " steps", "matches CNNCore", "Not written yet", "lang=\"en\"", "in English"] {
            XCTAssertFalse(index.contains(english), "English left in an all-Spanish index: \(english)")
        }
        XCTAssertTrue(index.contains("<code>cnnviz tutorial relu --lang es</code>"))
        try assertNoDeadLinks(under: root)
    }

    /// The play button steps through the slider in a real browser (headless Chromium, 5 s of
    /// virtual time: about three steps at one every 1.6 s), and shows "Pause" while it plays.
    func testPlayButtonStepsThroughInChromium() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("no Chromium on this machine (.ci/run installs it with apt-get install chromium)")
        }
        let library = LessonLibrary(folder: Self.tutorials, foundHow: "test")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tutorial-play-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let walk = try TutorialRunner.walkthrough(library.lesson(named: "pooling", language: .es), language: .es)
        let folder = try TutorialFiles.write(walk, to: root)
        // The page as written, plus one line that presses Play once it has loaded.
        let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
            .replacingOccurrences(of: "</body>", with: "<script>document.getElementById('play').click();</script></body>")
        let pressed = folder.appendingPathComponent("pressed.html")
        try Data(html.utf8).write(to: pressed)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--user-data-dir=" + root.appendingPathComponent("chromium-profile").path,
                             "--virtual-time-budget=5000", "--dump-dom", "file://" + pressed.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let counter = dom.range(of: "id=\"counter\">").map { dom[$0.upperBound...].prefix { $0 != " " } } ?? ""
        XCTAssertGreaterThan(Int(counter) ?? 0, 1, "Play moved the slider on: \(dom.suffix(2000))")
        XCTAssertTrue(dom.contains(">❚❚ Pausa</button>"), "the button offers to pause while playing")
    }
}
