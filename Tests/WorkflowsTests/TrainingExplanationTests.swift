import Foundation
import Visualize
import XCTest
@testable import Workflows

/// `cnnviz train` writes `explain` pages for misclassified validation images, linked from the report.
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
        XCTAssertFalse(log.text.contains("Could not explain"), log.text)
        let links = HTMLPage.references(in: html).filter { $0.hasPrefix("explain/") }
        XCTAssertEqual(links.count, TrainingSession.explainedMisclassified, "one link per explained image (a page has over 8 misclassified)")
        for link in links {
            let page = options.output.appendingPathComponent(HTMLPage.path(link))
            XCTAssertTrue(FileManager.default.fileExists(atPath: page.path), link)
            XCTAssertTrue(FileManager.default.fileExists(atPath: page.deletingLastPathComponent().appendingPathComponent("saliency.npy").path), link)
        }
    }
}
