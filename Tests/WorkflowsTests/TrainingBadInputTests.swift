import CNNCore
import Foundation
import ImageFiles
import XCTest
@testable import Workflows

/// Every bad input of `cnnviz train`, `evaluate` and `predict` gets a clear error and loses nothing.
final class TrainingBadInputTests: XCTestCase {
    func assertFails(_ options: TrainOptions, mentions words: [String], line: UInt = #line) {
        XCTAssertThrowsError(try TrainingSession.run(options, log: { _ in }), line: line) { error in
            for w in words { XCTAssertTrue("\(error)".contains(w), "'\(w)' not in: \(error)", line: line) }
        }
    }

    func testTrainingFolderWithOneClass() throws {
        let root = scratchFolder()
        let only = root.appendingPathComponent("train/cats")
        try FileManager.default.createDirectory(at: only, withIntermediateDirectories: true)
        try ImageFile.write(RGBImage(width: 8, height: 8), to: only.appendingPathComponent("a.png"))
        assertFails(TrainOptions(trainFolder: root.appendingPathComponent("train"), output: root.appendingPathComponent("out")),
                    mentions: ["train"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path), "nothing is written for bad input")
    }

    func testValidationClassesMustMatch() throws {
        let root = scratchFolder()
        for cls in ["cats", "birds"] {
            let folder = root.appendingPathComponent("val/\(cls)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try ImageFile.write(RGBImage(width: 8, height: 8), to: folder.appendingPathComponent("a.png"))
        }
        var options = TrainOptions(trainFolder: DemoData.training, output: root.appendingPathComponent("out"))
        options.validationFolder = root.appendingPathComponent("val")
        assertFails(options, mentions: ["birds, cats", "horizontal, vertical", "same class subfolders"])
    }

    func testBatchSizeZero() {
        var options = TrainOptions(trainFolder: DemoData.training, output: scratchFolder())
        options.batchSize = 0
        assertFails(options, mentions: ["--batch-size must be at least 1"])
    }

    func testExistingRunIsNotOverwritten() throws {
        let out = scratchFolder().appendingPathComponent("run")
        var options = TrainOptions(trainFolder: DemoData.training, output: out)
        options.epochs = 1; options.stepsPerEpoch = 1; options.imageSize = 16; options.batchSize = 4; options.report = false
        _ = try TrainingSession.run(options, log: { _ in })
        let before = try Data(contentsOf: out.appendingPathComponent("model/weights.safetensors"))
        assertFails(options, mentions: ["already holds a training run", "--resume"])
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("model/weights.safetensors")), before)
    }

    /// A NaN loss stops training with a message that says so (and names no checkpoint that is not there).
    func testNaNLossStopsTraining() throws {
        var options = TrainOptions(trainFolder: DemoData.training, output: scratchFolder())
        options.imageSize = 16; options.batchSize = 4; options.report = false
        let spec = Coursework.spec(imageSize: 16)
        let data = try TrainingSession.loadImages(DemoData.training, spec: spec, skipBadImages: false, minimumClasses: 2, log: { _ in })
        let trainer = try Trainer(options: options, spec: spec, training: data, validation: nil, augmentation: nil, log: { _ in })
        trainer.model.parameters[0].value.data[0] = .nan
        XCTAssertThrowsError(try trainer.run()) { error in
            XCTAssertTrue("\(error)".contains("the loss became nan"), "\(error)")
            // At the first step no checkpoint was written yet, so none is named.
            XCTAssertFalse("\(error)".contains("checkpoint"), "\(error)")
        }
    }

    func testPredictRefusesAnotherArchitectureAndUnreadableImages() throws {
        let root = scratchFolder()
        // A model with three softmax outputs is not a binary classifier.
        let spec = ModelSpec(model: try Sequential(inputShape: [8, 8, 3], layers: [Flatten(), Dense(units: 3, activation: .softmax)]))
        try SavedModel(spec: spec, model: try spec.build()).save(to: root.appendingPathComponent("other"))
        XCTAssertThrowsError(try Predictor(modelFolder: root.appendingPathComponent("other"))) { error in
            XCTAssertTrue("\(error)".contains("not one sigmoid unit"), "\(error)")
        }
        // A model.json whose weights belong to another architecture.
        let coursework = Coursework.spec(imageSize: 16)
        try SavedModel(spec: coursework, model: try coursework.build()).save(to: root.appendingPathComponent("small"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("other/model.json"))
        try FileManager.default.copyItem(at: root.appendingPathComponent("small/model.json"), to: root.appendingPathComponent("other/model.json"))
        XCTAssertThrowsError(try Predictor(modelFolder: root.appendingPathComponent("other"))) { error in
            XCTAssertTrue("\(error)".contains("is missing") || "\(error)".contains("has shape"), "\(error)")
        }
        let predictor = try Predictor(modelFolder: root.appendingPathComponent("small"))
        let text = root.appendingPathComponent("notes.jpg")
        try Data("hello".utf8).write(to: text)
        XCTAssertThrowsError(try predictor.predict(text)) { error in
            XCTAssertTrue("\(error)".contains("notes.jpg"), "\(error)")
        }
    }
}
