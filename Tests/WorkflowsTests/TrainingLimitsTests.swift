import CNNCore
import Foundation
import XCTest
@testable import Workflows

/// `TrainingSession.validate` refuses numbers beyond `Limits` before any image is read or
/// folder written, naming the option and the limit; so does the benchmark.
final class TrainingLimitsTests: XCTestCase {
    func assertRefused(_ edit: (inout TrainOptions) -> Void, mentions words: [String], line: UInt = #line) {
        let out = scratchFolder().appendingPathComponent("out")
        var options = TrainOptions(trainFolder: DemoData.training, output: out)
        edit(&options)
        XCTAssertThrowsError(try TrainingSession.run(options, log: { _ in }), line: line) { error in
            for w in words { XCTAssertTrue("\(error)".contains(w), "'\(w)' not in: \(error)", line: line) }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing is written", line: line)
    }

    func testOptionsBeyondTheLimitsAreRefused() {
        assertRefused({ $0.batchSize = Int.max }, mentions: ["--batch-size 9223372036854775807 is too large", "at most 4096 images a batch"])
        assertRefused({ $0.epochs = Int.max }, mentions: ["--epochs", "at most 100000 epochs"])
        assertRefused({ $0.stepsPerEpoch = Int.max }, mentions: ["--steps-per-epoch", "at most 1000000 steps an epoch"])
        assertRefused({ $0.imageSize = 100_000 }, mentions: ["--image-size 100000 is too large", "at most 4096 pixels a side"])
        assertRefused({ $0.imageSize = 64; $0.batchSize = 4096 }, mentions: ["a batch of 4096", "at most 268435456 values"])
    }

    func testBenchmarkSettingsBeyondTheLimitsAreRefused() {
        var s = ModelBenchmark.Settings()
        s.batch = Int.max
        XCTAssertThrowsError(try ModelBenchmark.infer(s)) { XCTAssertTrue("\($0)".contains("at most 4096 images a batch"), "\($0)") }
        s = ModelBenchmark.Settings()
        s.imageSize = 100_000
        XCTAssertThrowsError(try ModelBenchmark.train(s)) { XCTAssertTrue("\($0)".contains("at most 4096 pixels a side"), "\($0)") }
    }
}
