import CNNCore
import Foundation
import ImageFiles
import Visualize
import XCTest
@testable import Workflows

/// `cnnviz tour`: on a folder of photos in the coursework's layout it trains on them, without one
/// on the demo stripes; its index has a picture for every part and no dead link.
final class TourTests: XCTestCase {
    func testTourOnAPhotoFolderAndOnTheDemoStripes() throws {
        let root = scratchFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        XCTAssertTrue(Tour.isCourseworkLayout(DemoData.folder))
        XCTAssertFalse(Tour.isCourseworkLayout(DemoData.training), "training_set alone is not the layout")

        for photos in [DemoData.folder, nil] {
            let out = root.appendingPathComponent(photos == nil ? "stripes" : "photos")
            let log = LogLines()
            let result = try Tour.run(output: out, epochs: 1, photos: photos, log: log.sink)
            XCTAssertEqual(result.photos, photos)
            // Its own demo data only when no photo folder is given.
            XCTAssertEqual(FileManager.default.fileExists(atPath: out.appendingPathComponent("demo-data").path), photos == nil, log.text)
            let html = try String(contentsOf: result.index, encoding: .utf8)
            XCTAssertFalse(html.contains("://"), "no network references")
            let references = HTMLPage.references(in: html)
            let pictures = references.filter { $0.hasSuffix(".png") }
            XCTAssertGreaterThanOrEqual(pictures.count, 6, "a picture for every part: \(pictures)")
            for ref in references where !ref.hasPrefix("#") {
                XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(ref).path), "dead link \(ref)")
            }
            XCTAssertTrue(html.contains(photos == nil ? "drew its own" : "Photos in the coursework"))
        }
        // A second run over its own folder replaces it.
        XCTAssertNoThrow(try Tour.run(output: root.appendingPathComponent("stripes"), epochs: 1, log: { _ in }))
        // A folder that is not in the layout is refused with the reason.
        XCTAssertThrowsError(try Tour.run(output: root.appendingPathComponent("bad"), epochs: 1, photos: DemoData.training, log: { _ in })) { error in
            XCTAssertTrue("\(error)".contains("not in the coursework's layout"), "\(error)")
        }
    }
}
