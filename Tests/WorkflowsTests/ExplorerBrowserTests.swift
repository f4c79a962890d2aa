import CNNCore
import Foundation
import ImageFiles
import Visualize
import XCTest
@testable import Workflows

/// The explorer page in a real browser (headless Chromium): its self-check recomputes every
/// conv cell, pooled cell, Dense unit and the output from the embedded input and weights and
/// compares them with the engine's; a deep link opens one cell and shows its value.
///
/// `.ci/run` installs Chromium; where no browser can be had, these tests are skipped and say so.
final class ExplorerBrowserTests: XCTestCase {
    var temp: URL!

    override func setUpWithError() throws {
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("cnnviz-explorer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: temp) }

    /// A photo from the coursework's test set, or a drawn one where ../shared is missing.
    func photo() throws -> URL {
        let cats = sharedCatsAndDogs.appendingPathComponent("test_set/cats")
        if let first = try? FileManager.default.contentsOfDirectory(atPath: cats.path).sorted().first(where: { $0.hasSuffix(".jpg") }) {
            return cats.appendingPathComponent(first)
        }
        var image = RGBImage(width: 80, height: 70, fill: (30, 60, 20))
        for y in 0..<70 { for x in 0..<80 where (x / 8 + y / 8) % 2 == 0 { image[x, y] = (220, 200, 160) } }
        let url = temp.appendingPathComponent("drawn.png")
        try ImageFile.write(image, to: url)
        return url
    }

    func testSelfCheckPassesForTheUntrainedCourseworkModel() throws {
        let out = temp.appendingPathComponent("untrained")
        try Inspection.run(image: try photo(), model: .coursework(seed: 0), output: out)
        try assertSelfCheck(out, atLeast: 123_008 + 30_752 + 128 + 1)
        try assertSize(out, atMost: 4_000_000)
    }

    /// The coursework model trained by Keras (../shared/models/keras/coursework.keras).
    func testSelfCheckPassesForTheTrainedCourseworkModel() throws {
        let keras = sharedCatsAndDogs.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("models/keras/coursework.keras")
        guard FileManager.default.fileExists(atPath: keras.path) else { throw XCTSkip("\(keras.path) is missing") }
        let out = temp.appendingPathComponent("trained")
        try Inspection.run(image: try photo(), model: .file(keras, ModelOverrides(classNames: ["cats", "dogs"])), output: out)
        try assertSelfCheck(out, atLeast: 123_008 + 30_752 + 128 + 1)
        try assertSize(out, atMost: 4_000_000)
    }

    /// The architecture issue's model: Conv2D → BatchNormalization → ReLU → MaxPooling2D →
    /// Conv2D → GlobalAveragePooling2D → Dense, with moving statistics that are not the initial ones.
    func testSelfCheckPassesForAModelWithBatchNormalizationAndGlobalPooling() throws {
        var spec = ModelSpec(name: "normalized", inputShape: [32, 32, 3], layers: [
            ("Conv2D", ["filters": .int(8), "kernel_size": .ints([3, 3]), "padding": .string("same")]),
            ("BatchNormalization", [:]),
            ("Activation", ["activation": .string("relu")]),
            ("MaxPooling2D", ["pool_size": .ints([2, 2])]),
            ("Conv2D", ["filters": .int(16), "kernel_size": .ints([3, 3]), "activation": .string("relu")]),
            ("GlobalAveragePooling2D", [:]),
            ("Dense", ["units": .int(1), "activation": .string("sigmoid")]),
        ])
        spec.classNames = ["cats", "dogs"]
        let model = try spec.build(seed: 4)
        var rng = SeededRNG(seed: 5)
        for buffer in model.buffers { buffer.value.data = buffer.value.data.map { _ in rng.uniform(0.2, 1.5) } }
        let folder = temp.appendingPathComponent("model")
        try SavedModel(spec: spec, model: model).save(to: folder)
        let out = temp.appendingPathComponent("normalized")
        try Inspection.run(image: try photo(), model: .folder(folder), output: out)
        // conv 32·32·8, normalisation as many, ReLU as many, pooling 16·16·8, conv 14·14·16, 16 means, 1 unit, 1 output.
        try assertSelfCheck(out, atLeast: 3 * 8192 + 2048 + 3136 + 16 + 1 + 1)
    }

    /// `index.html#conv2d/5/10/20` opens filter 5, row 10, column 20, and prints its value with
    /// four decimals; `#max_pooling2d/5/3/4` and `#dense/17` likewise.
    func testDeepLinksShowTheCellsValue() throws {
        let out = temp.appendingPathComponent("links")
        try Inspection.run(image: try photo(), model: .coursework(seed: 0), output: out)
        let trace = try SavedTrace(folder: out)
        let conv = try XCTUnwrap(try trace.load(layer: "conv2d", role: .output))
        let pooled = try XCTUnwrap(try trace.load(layer: "max_pooling2d", role: .output))
        let dense = try XCTUnwrap(try trace.load(layer: "dense", role: .output))
        let cases: [(String, Float)] = [
            ("conv2d/5/10/20", conv.data[(10 * 62 + 20) * 32 + 5]),
            ("max_pooling2d/5/3/4", pooled.data[(3 * 31 + 4) * 32 + 5]),
            ("dense/17", dense.data[17]),
        ]
        for (link, value) in cases {
            let dom = try browser(out, query: "", fragment: link)
            let cell = try XCTUnwrap(cellValue(in: dom), "no cell value for #\(link)")
            XCTAssertTrue(cell.contains(String(format: "%.4f", value)), "#\(link): \(cell) should show \(String(format: "%.4f", value))")
        }

        // The image's own cell shows the loss gradient the trace holds for it (dLoss/dx).
        let gradient = try XCTUnwrap(try trace.load(layer: "conv2d", role: .inputGradient))
        let g = gradient.data[(20 * 64 + 30) * 3 + 0]
        let dom = try browser(out, query: "", fragment: "input/0/20/30")
        let shown = try XCTUnwrap(dom.range(of: "∂loss/∂x here = <b>").map { dom[$0.upperBound...].prefix { $0 != "<" } }, "no gradient line")
        let number = try XCTUnwrap(Float(shown), String(shown))
        XCTAssertEqual(number, g, accuracy: abs(g) * 0.01 + 1e-9, "#input/0/20/30 shows dLoss/dx")
        XCTAssertNotEqual(g, 0)
    }

    /// `inspect --lang es`: the page says lang="es", the self-check still passes, and the views the
    /// script draws (overview, a conv cell, a Dense unit, the output) speak Spanish.
    func testTheExplorerInSpanish() throws {
        let out = temp.appendingPathComponent("es")
        try Inspection.run(image: try photo(), model: .coursework(seed: 0), output: out, language: .es)
        try assertSelfCheck(out, atLeast: 123_008 + 30_752 + 128 + 1)
        let dense = try XCTUnwrap(try SavedTrace(folder: out).load(layer: "dense", role: .output))
        let views: [(fragment: String?, spanish: [String])] = [
            (nil, ["Entrada", "Salida", "una sola escala de color"]),
            ("conv2d/5/10/20", ["mapa 5, fila 10, columna 20", "Filtro 5 sobre la ventana", "suma de los 27 productos", "+ sesgo", "todas las capas"]),
            ("dense/17", ["unidad 17: z = b + Σ x·w sobre 30752 entradas", String(format: "%.4f", dense.data[17]), "Mayores contribuciones que suben z", "sesgo b ="]),
            ("output", ["Salida: logit → sigmoide → umbral → clase", "p es la probabilidad de «", "es una prueba equivocada"]),
        ]
        for (fragment, spanish) in views {
            let dom = try browser(out, query: "", fragment: fragment)
            XCTAssertTrue(dom.contains("<html lang=\"es\">"), "#\(fragment ?? "")")
            for words in spanish { XCTAssertTrue(dom.contains(words), "#\(fragment ?? ""): no “\(words)”") }
            XCTAssertEqual(SpanishPagesTests.englishLeft(in: dom), [], "English left in #\(fragment ?? "")")
        }
    }

    // MARK: - Helpers

    /// The page's title after its self-check: "selfcheck ok CELLS MAXDIFF".
    func assertSelfCheck(_ folder: URL, atLeast cells: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let dom = try browser(folder, query: "?selfcheck", fragment: nil)
        let title = dom.range(of: "<title>").flatMap { start in
            dom.range(of: "</title>", range: start.upperBound..<dom.endIndex).map { String(dom[start.upperBound..<$0.lowerBound]) }
        } ?? ""
        let words = title.split(separator: " ")
        XCTAssertTrue(title.hasPrefix("selfcheck ok "), title, file: file, line: line)
        XCTAssertGreaterThanOrEqual(words.count > 2 ? Int(words[2]) ?? 0 : 0, cells, title, file: file, line: line)
    }

    /// The explorer's files without the trace (.npy, manifest) and the pictures page.
    func assertSize(_ folder: URL, atMost bytes: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let names = ["index.html", "explorer.js", "explorer.css", "explorer-data.js"]
        let total = try names.reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent($1).path)[.size] as? Int ?? 0) }
        XCTAssertLessThanOrEqual(total, bytes, "the page and its data weigh \(total) bytes", file: file, line: line)
    }

    /// The text of the element with id "cell-value".
    func cellValue(in dom: String) -> String? {
        guard let start = dom.range(of: "id=\"cell-value\"") else { return nil }
        guard let end = dom.range(of: "</p>", range: start.upperBound..<dom.endIndex) else { return nil }
        return String(dom[start.upperBound..<end.lowerBound])
    }

    /// The DOM of index.html after its scripts ran, from headless Chromium.
    func browser(_ folder: URL, query: String, fragment: String?) throws -> String {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("no Chromium on this machine (.ci/run installs it with apt-get install chromium)")
        }
        let url = "file://" + folder.appendingPathComponent("index.html").path + query + (fragment.map { "#" + $0 } ?? "")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--user-data-dir=" + temp.appendingPathComponent("chromium-profile").path, "--dump-dom", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "chromium exit status")
        return String(decoding: data, as: UTF8.self)
    }
}
