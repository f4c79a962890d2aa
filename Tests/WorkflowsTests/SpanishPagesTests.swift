import CNNCore
import Foundation
import Visualize
import XCTest
@testable import Workflows

/// `--lang es` end to end: a Spanish tour writes every page (its index, the tutorials, the
/// training report, the explorer and pictures page of each inspection, the explanations) with
/// `lang="es"`, no English chrome in what a student reads, and no dead link.
final class SpanishPagesTests: XCTestCase {
    /// Words of the English pages' chrome. None may be left in a Spanish page's visible text
    /// (Keras' names such as `val_loss` or `training_set`, file names and the class names
    /// "horizontal"/"vertical" of the demo stripes are not among them).
    static let englishWords = ["the", "The", "and", "of", "with", "from", "Click", "click", "Settings", "epoch", "epochs",
                               "Why", "why", "Files", "layer", "probability", "predicted", "report", "before", "after",
                               "Answer", "Training", "training", "validation", "Validation", "explorer", "numbers",
                               "unit", "units", "value", "values", "Loss", "Accuracy", "play", "pause", "step", "steps",
                               "map", "maps", "row", "column", "Image", "Model", "weights", "Next", "photo"]

    /// The English words of `englishWords` in `html`'s visible text (no scripts, styles or tags).
    static func englishLeft(in html: String) -> [String] {
        var text = html
        for pattern in ["<script[\\s\\S]*?</script>", "<style[\\s\\S]*?</style>", "<[^>]*>"] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        // Paths and file names ("/tmp/cnnviz-training-…", "model/weights.safetensors", "loss.png")
        // and command-line options ("--validation") are names, not English.
        for names in ["\\S*/\\S*", "[\\w.-]+\\.(png|csv|json|safetensors|npy|html)\\b", "--[\\w-]+"] {
            text = text.replacingOccurrences(of: names, with: " ", options: .regularExpression)
        }
        return englishWords.filter { text.range(of: "\\b\($0)\\b", options: .regularExpression) != nil }
    }

    func testASpanishTourIsSpanishEndToEnd() throws {
        let scratch = scratchFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let root = scratch.appendingPathComponent("tour")
        let result = try Tour.run(output: root, epochs: 1, photos: nil, language: .es, log: { _ in })
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        let pages = files.filter { $0.pathExtension == "html" }
        let names = Set(pages.map { $0.path.replacingOccurrences(of: root.path + "/", with: "") })
        for expected in ["index.html", "runs/tour/index.html", "inspect/tour-horizontal.1/index.html",
                         "inspect/tour-horizontal.1/pictures.html", "inspect/tour-horizontal.1/explain/index.html", "tutorials/index.html"] {
            XCTAssertTrue(names.contains(expected), "the Spanish tour wrote \(expected)")
        }
        for page in pages {
            let html = try String(contentsOf: page, encoding: .utf8)
            let name = page.path.replacingOccurrences(of: root.path + "/", with: "")
            XCTAssertTrue(html.contains("<html lang=\"es\">"), "\(name) says it is Spanish")
            for ref in HTMLPage.references(in: html) where !ref.hasPrefix("#") {
                XCTAssertTrue(FileManager.default.fileExists(atPath: page.deletingLastPathComponent().appendingPathComponent(ref).path),
                              "\(name): dead link \(ref)")
            }
            // The tutorials' own words are the lessons' (LessonTextTests checks them).
            guard !name.hasPrefix("tutorials/") else { continue }
            XCTAssertEqual(Self.englishLeft(in: html), [], "English left in \(name)")
        }
        let index = try String(contentsOf: result.index, encoding: .utf8)
        XCTAssertTrue(index.contains("un recorrido por una red convolucional"))
        let report = try String(contentsOf: root.appendingPathComponent("runs/tour/index.html"), encoding: .utf8)
        for spanish in ["Configuración", "Curvas de aprendizaje", "tasa de aprendizaje", "época 1", "▶ reproducir", "¿por qué?"] {
            XCTAssertTrue(report.contains(spanish), "the report says \(spanish)")
        }
    }

    /// The report's PNG labels (drawn with the pixel font) follow the language; English stays as it was.
    func testChartLabelsFollowTheLanguage() {
        var report = TrainingReport(title: "t", history: [EpochRecord(epoch: 1, loss: 0.7, accuracy: 0.5, valLoss: 0.6, valAccuracy: 0.6, seconds: 1)],
                                    epochsWithPictures: [], probes: [], evaluation: nil, validation: nil, settings: [])
        XCTAssertEqual(report.charts().loss.title, "Loss per epoch")
        XCTAssertEqual(report.charts().accuracy.xLabel, "epoch")
        report.language = .es
        let (loss, accuracy) = report.charts()
        XCTAssertEqual([loss.title, loss.xLabel, loss.yLabel], ["Pérdida por época", "época", "entropía cruzada binaria"])
        XCTAssertEqual(accuracy.title, "Exactitud por época")
        XCTAssertEqual(accuracy.series.map(\.name), ["exactitud de entrenamiento", "exactitud de validación"])
    }

    /// Class names inside Spanish sentences read as «labels»; English sentences keep them bare.
    func testClassNamesInSentences() {
        XCTAssertEqual(Language.es.label("dogs"), "«dogs»")
        XCTAssertEqual(Language.en.label("dogs"), "dogs")
        XCTAssertEqual(Self.englishLeft(in: "<p>casi todos los «perros»</p>"), [])
        XCTAssertEqual(Self.englishLeft(in: "<p>Click the map</p>"), ["the", "Click", "map"], "the check can fail")
    }
}
