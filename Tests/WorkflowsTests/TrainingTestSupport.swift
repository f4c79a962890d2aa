import CNNCore
import Foundation
import ImageFiles
import XCTest
@testable import Workflows

/// The coursework's photos, beside the repository: ../shared/datasets/cats-and-dogs.
let sharedCatsAndDogs = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/datasets/cats-and-dogs")

func scratchFolder(_ name: String = #function) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("cnnviz-training-\(name.filter { $0.isLetter })-\(UInt32.random(in: 0...UInt32.max))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A small demo data set written once per test process (drawing it is quick but not free).
enum DemoData {
    static let folder: URL = {
        let url = scratchFolder("demo").appendingPathComponent("demo")
        try? DemoDataset(seed: 1).write(to: url)  // what `cnnviz tour` trains on
        return url
    }()
    static var training: URL { folder.appendingPathComponent("training_set") }
    static var test: URL { folder.appendingPathComponent("test_set") }
}

/// Collects log lines instead of printing them.
final class LogLines {
    var lines: [String] = []
    var sink: (String) -> Void { { [unowned self] in self.lines.append($0) } }
    var text: String { lines.joined(separator: "\n") }
}
