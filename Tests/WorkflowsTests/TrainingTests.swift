import CNNCore
import FastPlan
import Foundation
import ImageFiles
import XCTest
@testable import Workflows

final class TrainingTests: XCTestCase {
    /// The coursework model on real photos: repeated steps on one batch of 32 must drive the loss down,
    /// which exercises decoding, preprocessing, forward, the loss from the logit, backward and Adam.
    func testCourseworkModelLossFallsOnRealPhotos() throws {
        let spec = Coursework.spec()
        let data = try DirectoryDataset(directory: sharedCatsAndDogs.appendingPathComponent("test_set"), targetSize: (64, 64), minimumClasses: 2)
        XCTAssertEqual(data.classNames, ["cats", "dogs"])
        let picks = (0..<32).map { $0 * data.count / 32 }  // both classes
        let (x, y) = Batching.tensors(picks.map { data.image($0) }, labels: picks.map { data.labels[$0] }, rescale: spec.preprocessing.rescale)
        // Through the fast plan, as `cnnviz train` runs (the reference model's naive kernels
        // would take minutes here in a debug build).
        let plan = try ExecutionPlan(try spec.build(seed: 1))
        let adam = Adam()
        let first = try plan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam).loss
        XCTAssertEqual(first, 0.69, accuracy: 0.2, "an untrained sigmoid output starts near log 2")
        var last = first
        for _ in 0..<15 { last = try plan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam).loss }
        XCTAssertLessThan(last, first * 0.5, "loss \(first) → \(last)")
    }

    /// The demo set is learnable: the coursework model with its augmentation passes 90% validation
    /// accuracy in the tour's 10 epochs × 20 steps × 32.
    func testDemoSetTrainsAbove90Percent() throws {
        var options = TrainOptions(trainFolder: DemoData.training, output: scratchFolder().appendingPathComponent("run"))
        options.validationFolder = DemoData.test
        options.epochs = 10
        options.report = false
        options.liveProgress = false
        let log = LogLines()
        let result = try TrainingSession.run(options, log: log.sink)
        XCTAssertEqual(result.outcome, .finished)
        let best = result.history.compactMap(\.valAccuracy).max() ?? 0
        XCTAssertGreaterThan(result.history.last?.valAccuracy ?? 0, 0.9, "history: \(result.history.map(\.csvLine))")
        XCTAssertGreaterThanOrEqual(best, 0.9)
        XCTAssertTrue(log.text.contains("Found 600 images belonging to 2 classes."), log.text)
        XCTAssertTrue(log.text.contains("Found 200 images belonging to 2 classes."))
        XCTAssertTrue(log.text.contains("Total params: 3,937,409"))
        XCTAssertTrue(log.text.contains("20/20 [==============================]"), log.text)
        XCTAssertTrue(log.text.contains("val_accuracy: "))
        // The saved model predicts like the trained one.
        let saved = try SavedModel.load(from: options.output.appendingPathComponent("model"))
        XCTAssertEqual(saved.spec.classNames, ["horizontal", "vertical"])
        let history = try String(contentsOf: options.output.appendingPathComponent("history.csv"), encoding: .utf8)
        XCTAssertEqual(history.split(separator: "\n").count, 11)
        XCTAssertTrue(history.hasPrefix(EpochRecord.csvHeader))
    }

    /// Stopping after 7 steps and resuming gives bit-for-bit the weights of an uninterrupted run.
    func testResumeGivesTheSameWeightsAsAnUninterruptedRun() throws {
        func options(_ output: URL) -> TrainOptions {
            var o = TrainOptions(trainFolder: DemoData.training, output: output)
            o.validationFolder = DemoData.test
            o.epochs = 2
            o.stepsPerEpoch = 5
            o.batchSize = 8
            o.imageSize = 16
            o.seed = 11
            o.report = false
            return o
        }
        let root = scratchFolder()
        let straight = try TrainingSession.run(options(root.appendingPathComponent("straight")), log: { _ in })
        XCTAssertEqual(straight.outcome, .finished)

        var first = options(root.appendingPathComponent("resumed"))
        first.stopAfterSteps = 7
        let stopped = try TrainingSession.run(first, log: { _ in })
        XCTAssertEqual(stopped.outcome, .interrupted(epoch: 1, step: 2))
        var second = options(root.appendingPathComponent("resumed"))
        second.resume = true
        let resumed = try TrainingSession.run(second, log: { _ in })
        XCTAssertEqual(resumed.outcome, .finished)

        let a = try SavedModel.load(from: root.appendingPathComponent("straight/model"))
        let b = try SavedModel.load(from: root.appendingPathComponent("resumed/model"))
        XCTAssertEqual(a.model.parameters.map(\.value), b.model.parameters.map(\.value))
        XCTAssertEqual(straight.history.map(\.loss), resumed.history.map(\.loss))
    }

    func testProgressLineLooksLikeKeras() {
        XCTAssertEqual(ProgressBar.bar(done: 20, total: 20), "[==============================]")
        XCTAssertEqual(ProgressBar.bar(done: 10, total: 20), "[==============>...............]")
        XCTAssertEqual(ProgressBar.metrics([("loss", 0.69315), ("accuracy", 0.5016)]), "loss: 0.6932 - accuracy: 0.5016")
        var out = ""
        let bar = ProgressBar(total: 20, interactive: false, output: { out += $0 })
        bar.finish(metrics: [("loss", 0.6932), ("accuracy", 0.5)], steps: 20)
        XCTAssertTrue(out.hasPrefix("20/20 [==============================] - "), out)
        XCTAssertTrue(out.contains("ms/step - loss: 0.6932 - accuracy: 0.5000"), out)
    }
}
