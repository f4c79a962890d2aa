import Foundation
import XCTest

/// `cnnviz explain` as a person runs it: --json's fields, and bad input that gets one message,
/// a non-zero exit and no folder.
final class ExplainCommandTests: XCTestCase {
    /// A demo photo (real PNG) in a folder named after its class.
    func demoImage(_ root: URL) throws -> String {
        let data = root.appendingPathComponent("demo")
        let r = try CLI.run(["dataset", "synth", "--output", data.path, "--train-per-class", "1", "--test-per-class", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return data.appendingPathComponent("test_set/vertical/vertical.1.png").path
    }

    func testJSONFields() throws {
        let root = CLI.scratch()
        let image = try demoImage(root)
        let out = root.appendingPathComponent("explained").path
        let r = try CLI.run(["explain", image, "--target", "1", "--output", out, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["probability", "class", "target", "files"])
        XCTAssertNotNil(object["probability"] as? Double)
        XCTAssertTrue(["cats", "dogs"].contains(object["class"] as? String ?? ""), "\(object)")
        XCTAssertEqual(object["target"] as? String, "dogs", "the untrained coursework model: class 1 is dogs")
        let files = try XCTUnwrap(object["files"] as? [String: String])
        XCTAssertEqual(files, ["gradcam": out + "/gradcam.npy", "saliency": out + "/saliency.npy", "occlusion": out + "/occlusion.npy"])
        for path in files.values { XCTAssertTrue(FileManager.default.fileExists(atPath: path), path) }
    }

    /// `--lang es` on explain and on inspect --explain: Spanish pages (lang="es", Spanish words, the
    /// class names as «labels»); without it, the English pages as before; a third language is refused.
    func testLanguageFlag() throws {
        let root = CLI.scratch()
        let image = try demoImage(root)
        let es = root.appendingPathComponent("es").path, en = root.appendingPathComponent("en").path
        for (language, out) in [("es", es), ("en", en)] {
            let r = try CLI.run(["explain", image, "--output", out] + (language == "es" ? ["--lang", "es"] : []))
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let spanish = try String(contentsOfFile: es + "/index.html", encoding: .utf8)
        let english = try String(contentsOfFile: en + "/index.html", encoding: .utf8)
        XCTAssertTrue(spanish.contains("<html lang=\"es\">") && spanish.contains("¿Por qué dijo el modelo «"), "Spanish explain page")
        XCTAssertTrue(spanish.contains("el modelo del curso, sin entrenar"))
        XCTAssertTrue(english.contains("<html lang=\"en\">") && english.contains("Why did the model say"), "English explain page")

        let inspected = root.appendingPathComponent("inspected").path
        let r = try CLI.run(["inspect", image, "--explain", "--lang", "es", "--output", inspected])
        XCTAssertEqual(r.status, 0, r.stderr)
        for page in ["index.html", "pictures.html", "explain/index.html"] {
            let html = try String(contentsOfFile: inspected + "/" + page, encoding: .utf8)
            XCTAssertTrue(html.contains("<html lang=\"es\">"), page)
        }
        let pictures = try String(contentsOfFile: inspected + "/pictures.html", encoding: .utf8)
        XCTAssertTrue(pictures.contains("Qué hace la red con vertical.1.png"), "the pictures page in Spanish")
        XCTAssertTrue(pictures.contains("la probabilidad de «dogs»"), "a class name inside a Spanish sentence is a «label»")

        let bad = try CLI.run(["explain", image, "--lang", "fr", "--output", root.appendingPathComponent("fr").path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--lang"), bad.stderr)
    }

    func testBadInputOneMessageNoFolder() throws {
        let root = CLI.scratch()
        let image = try demoImage(root)
        let out = root.appendingPathComponent("explained").path
        let cases: [([String], String)] = [
            ([root.appendingPathComponent("missing.jpg").path], "missing.jpg"),
            ([image, "--patch", "0"], "--patch"),
            ([image, "--patch", "1000"], "--patch 1000 and --stride 4 do not fit"),
            ([image, "--stride", "-3"], "--stride"),
            ([image, "--target", "horses"], "--target horses is not a class"),
            ([image, "--target", "true"], "\"vertical\" is not one of the model's classes"),
        ]
        for (arguments, message) in cases {
            let r = try CLI.run(["explain"] + arguments + ["--output", out])
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(arguments)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written for \(arguments)")
        }
    }
}
