import Foundation
import Visualize
import XCTest
@testable import Workflows

/// `cnnviz train` inspects and explains the first misclassified validation images
/// (`inspect/<image>/` with its `explain/`), linked from the report: the thumbnail opens the
/// explorer, "why?" the explanation, and each image appears once.
final class TrainingExplanationTests: XCTestCase {
    func testReportLinksExplainPagesOfMisclassifiedImages() throws {
        var options = TrainOptions(trainFolder: DemoData.training, output: scratchFolder().appendingPathComponent("run"))
        options.validationFolder = DemoData.test
        options.epochs = 1
        options.stepsPerEpoch = 1
        options.batchSize = 4
        options.imageSize = 16
        options.liveProgress = false
        let log = LogLines()
        XCTAssertEqual(try TrainingSession.run(options, log: log.sink).outcome, .finished)
        let html = try String(contentsOf: options.output.appendingPathComponent("index.html"), encoding: .utf8)
        try XCTSkipIf(html.contains("No validation image was misclassified."), "one step learned the whole demo set")
        let references = HTMLPage.references(in: html)
        let links = references.filter { $0.hasPrefix("inspect/") && $0.hasSuffix("/explain/index.html") }
        let explorers = references.filter { $0.hasPrefix("inspect/") && !$0.contains("/explain/") }
        XCTAssertEqual(links.count, TrainingReport.inspectedMistakes, "one link per explained image (a page has over 8 misclassified)")
        XCTAssertEqual(explorers.count, TrainingReport.inspectedMistakes, "one explorer link per inspected image")
        let thumbnails = html.components(separatedBy: "<img src=\"misclassified/").dropFirst().map { $0.prefix(while: { $0 != "\"" }) }
        XCTAssertFalse(thumbnails.isEmpty)
        XCTAssertEqual(thumbnails.count, Set(thumbnails).count, "each misclassified image is shown once")
        // No link inside a link (browsers split nested anchors): every "<a " is closed before the next.
        let anchors = html.components(separatedBy: "<a ").dropFirst()
        XCTAssertTrue(anchors.allSatisfy { $0.contains("</a>") }, "no link inside a link")
        for link in links {
            let page = options.output.appendingPathComponent(HTMLPage.path(link))
            XCTAssertTrue(FileManager.default.fileExists(atPath: page.path), link)
            XCTAssertTrue(FileManager.default.fileExists(atPath: page.deletingLastPathComponent().appendingPathComponent("saliency.npy").path), link)
        }
    }

    /// Two mistakes with the same file name in different class folders get two folders.
    func testInspectionFoldersNeverShareAName() {
        let images = ["cats/1.jpg", "dogs/1.jpg", "dogs/1.png", "cats/2.jpg"].map { URL(fileURLWithPath: "/data/" + $0) }
        XCTAssertEqual(TrainingReport.inspectionFolders(images, classes: ["cats", "dogs", "dogs", "cats"]),
                       ["1", "1-dogs", "1-3", "2"])
    }
}
