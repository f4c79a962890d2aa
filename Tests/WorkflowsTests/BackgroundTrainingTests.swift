import CNNCore
import FastPlan
import Foundation
import ImageFiles
import XCTest
@testable import Workflows

/// Issue 18: the training loop never waits. The next batch is built while a step runs, and each
/// epoch's pictures and checkpoint are drawn and written on another thread from copies of the
/// weights. None of it may change a number or a byte.
final class BackgroundTrainingTests: XCTestCase {
    func options(_ output: URL) -> TrainOptions {
        var o = TrainOptions(trainFolder: DemoData.training, output: output)
        o.imageSize = 16
        o.batchSize = 8
        o.stepsPerEpoch = 3
        o.epochs = 3
        o.seed = 5
        o.liveProgress = false
        o.report = false
        return o
    }

    /// The trainer (batches built ahead, checkpoints written beside it) ends with exactly the
    /// weights of the plainest loop: take a batch, train on it, end the epoch.
    func testTrainingWithBatchesBuiltAheadGivesThePlainLoopsWeights() throws {
        let o = options(scratchFolder().appendingPathComponent("run"))
        XCTAssertEqual(try TrainingSession.run(o, log: { _ in }).outcome, .finished)
        let trained = try SavedModel.load(from: o.output.appendingPathComponent("model")).model

        let spec = Coursework.spec(imageSize: 16)
        let data = try TrainingSession.loadImages(o.trainFolder, spec: spec, skipBadImages: false, minimumClasses: 2, log: { _ in })
        let model = try spec.build(seed: o.seed)
        let plan = try ExecutionPlan(model)
        let optimizer = o.optimizer.make()
        var batches = BatchIterator(dataset: data, batchSize: o.batchSize, shuffle: true, seed: o.seed,
                                    augmentation: Augmentation(shearRange: o.shearRange, zoomRange: o.zoomRange, horizontalFlip: o.horizontalFlip),
                                    rescale: spec.preprocessing.rescale, mode: o.order)
        for _ in 0..<o.epochs {
            for _ in 0..<o.stepsPerEpoch {
                let (x, y) = batches.nextBatch()
                try plan.trainStep(x, targets: y, loss: spec.loss, optimizer: optimizer)
            }
            batches.endEpoch()
        }
        XCTAssertEqual(trained.parameters.map(\.value), model.parameters.map(\.value))
    }

    /// Pictures drawn in the background from a copy equal those drawn in the foreground, even
    /// though the model changes right after each copy is taken (as the next epoch trains it).
    func testBackgroundPicturesEqualForegroundOnes() throws {
        let spec = Coursework.spec(imageSize: 16)
        let data = try TrainingSession.loadImages(DemoData.test, spec: spec, skipBadImages: false, minimumClasses: 1, log: { _ in })
        let probes = TrainingSession.probeImages(data)
        let root = scratchFolder()
        try OutputFolder.claim(root.appendingPathComponent("a"))
        try OutputFolder.claim(root.appendingPathComponent("b"))
        func nudge(_ model: Sequential, by amount: Float) {
            for p in model.layers[0].parameters { p.value.data = p.value.data.enumerated().map { $1 + amount * Float($0 % 7 - 3) } }
        }

        let foreground = EpochPictures(folder: root.appendingPathComponent("a/report"), probes: probes, rescale: spec.preprocessing.rescale)
        let a = try spec.build(seed: 2)
        try foreground.write(epoch: 0, model: a)
        nudge(a, by: 0.05)
        try foreground.write(epoch: 1, model: a)

        let background = BackgroundWork(inline: false)
        let pictures = EpochPictures(folder: root.appendingPathComponent("b/report"), probes: probes, rescale: spec.preprocessing.rescale)
        let b = try spec.build(seed: 2)
        try pictures.start(b, on: background)
        nudge(b, by: 0.05)
        try pictures.drawInBackground(epoch: 1, model: b, on: background)
        nudge(b, by: 0.5)  // after the copy: not in the pictures of epoch 1
        try background.wait()
        XCTAssertEqual(background.phases.map(\.name), ["report pictures per epoch"])

        let files = try filesBelow(root.appendingPathComponent("a/report"))
        XCTAssertEqual(files, try filesBelow(root.appendingPathComponent("b/report")))
        XCTAssertTrue(files.contains(EpochPictures.changeFile(epoch: 1)), "\(files)")
        XCTAssertEqual(files.filter { $0.hasSuffix(".png") }.count, 2 + 2 * probes.count + 1)
        for file in files {
            XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("a/report/" + file)),
                           try Data(contentsOf: root.appendingPathComponent("b/report/" + file)), file)
        }
    }

    /// A checkpoint's snapshot writes the bytes `SavedModel.save` writes for the model with the
    /// state and the slots, holds the weights of when it was taken (not those of later steps),
    /// and loads back into a model and optimizer.
    func testCheckpointSnapshotIsTheModelWhenTakenAndLoadsBack() throws {
        let spec = Coursework.spec(imageSize: 16)
        let data = try TrainingSession.loadImages(DemoData.training, spec: spec, skipBadImages: false, minimumClasses: 2, log: { _ in })
        let model = try spec.build(seed: 4)
        let plan = try ExecutionPlan(model)
        let optimizer = Adam()
        var batches = BatchIterator(dataset: data, batchSize: 8, shuffle: true, seed: 4, augmentation: nil, rescale: spec.preprocessing.rescale)
        let (x, y) = batches.nextBatch()
        try plan.trainStep(x, targets: y, loss: spec.loss, optimizer: optimizer)
        let checkpoint = Checkpoint(epoch: 1, step: 0, runningLoss: 0, runningCorrect: 0, runningSamples: 0,
                                    history: [EpochRecord(epoch: 1, loss: 0.7, accuracy: 0.5, valLoss: nil, valAccuracy: nil, seconds: 1)],
                                    fingerprint: ["seed": .int(4)])
        let snapshot = checkpoint.snapshot(model: model, spec: spec, optimizer: optimizer)
        let weightsThen = model.parameters.map(\.value)
        let momentsThen = optimizer.state

        let root = scratchFolder().appendingPathComponent("out")
        try OutputFolder.claim(root)
        try SavedModel(spec: spec, model: model).save(to: root.appendingPathComponent("saved"),
                                                      extraFiles: [Checkpoint.stateFile: snapshot.state],
                                                      extraTensors: [Checkpoint.optimizerFile: snapshot.slots])
        let (x2, y2) = batches.nextBatch()
        try plan.trainStep(x2, targets: y2, loss: spec.loss, optimizer: optimizer)  // training goes on
        XCTAssertNotEqual(model.parameters.map(\.value), weightsThen)
        try snapshot.write(to: root.appendingPathComponent("checkpoint"))

        for file in [SavedModel.architectureFile, SavedModel.weightsFile, Checkpoint.stateFile, Checkpoint.optimizerFile] {
            XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("checkpoint/" + file)),
                           try Data(contentsOf: root.appendingPathComponent("saved/" + file)), file)
        }
        let restored = try spec.build(seed: 9)
        let restoredOptimizer = Adam()
        let loaded = try Checkpoint.load(from: root.appendingPathComponent("checkpoint"), into: restored, optimizer: restoredOptimizer,
                                         epochs: 2, stepsPerEpoch: 3)
        XCTAssertEqual(loaded.epoch, 1)
        XCTAssertEqual(restored.parameters.map(\.value), weightsThen)
        XCTAssertEqual(restoredOptimizer.state.iterations, momentsThen.iterations)
        XCTAssertEqual(restoredOptimizer.state.slots["m"], momentsThen.slots["m"])
        XCTAssertEqual(restoredOptimizer.state.slots["v"], momentsThen.slots["v"])
    }

    struct Full: Error {}

    /// A job's error comes out of the next `wait`, once; later jobs are skipped until then; the
    /// jobs run in the order given, on another thread unless inline.
    func testBackgroundWorkKeepsOrderAndReportsTheFirstError() throws {
        for inline in [false, true] {
            let work = BackgroundWork(inline: inline)
            var done: [Int] = []
            work.submit("a") { done.append(1) }
            work.submit("b") { throw Full() }
            work.submit("a") { done.append(3) }
            XCTAssertThrowsError(try work.wait(), "inline \(inline)") { XCTAssertTrue($0 is Full) }
            XCTAssertEqual(done, [1], "inline \(inline): the job after the failure was skipped")
            XCTAssertNoThrow(try work.wait(), "inline \(inline): the error is reported once")
            work.submit("a") { done.append(4) }
            try work.wait()
            XCTAssertEqual(done, [1, 4])
            XCTAssertEqual(work.phases.map(\.name), ["a", "b"])
        }
    }

    /// Every regular file below `folder`, relative to it, sorted (markers left out).
    func filesBelow(_ folder: URL) throws -> [String] {
        let paths = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        return paths.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder)
                && !isFolder.boolValue && !path.hasSuffix(OutputMarker.fileName)
        }.sorted()
    }
}
