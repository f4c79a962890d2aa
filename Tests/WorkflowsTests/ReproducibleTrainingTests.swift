import CNNCore
import Foundation
import ImageFiles
import XCTest
@testable import Workflows

/// Training a teacher can redo in Keras (issue 17): `--epochs 0` writes the initial model,
/// `--initial-model` starts from given weights, SGD with momentum and Keras' defaults, no
/// shuffling, and a record of each epoch's batches with the transform drawn for each image.
final class ReproducibleTrainingTests: XCTestCase {
    func options(_ output: URL) -> TrainOptions {
        var o = TrainOptions(trainFolder: DemoData.training, output: output)
        o.imageSize = 16
        o.batchSize = 8
        o.stepsPerEpoch = 2
        o.liveProgress = false
        o.report = false
        return o
    }

    func weights(_ folder: URL) throws -> [[Float]] {
        try SavedModel.load(from: folder).model.parameters.map(\.value.data)
    }

    /// --epochs 0: the model folder holds the weights the seed draws, untouched; given back
    /// as --initial-model (again with --epochs 0), the same weights come out.
    func testZeroEpochsWritesTheInitialModelAndInitialModelStartsFromIt() throws {
        let root = scratchFolder()
        var o = options(root.appendingPathComponent("init"))
        o.epochs = 0
        o.seed = 7
        XCTAssertEqual(try TrainingSession.run(o, log: { _ in }).outcome, .finished)
        let drawn = try Coursework.spec(imageSize: 16).build(seed: 7).parameters.map(\.value.data)
        XCTAssertEqual(try weights(o.output.appendingPathComponent("model")), drawn)

        var again = options(root.appendingPathComponent("again"))
        again.epochs = 0
        again.seed = 99  // ignored for the weights: they come from the file
        again.initialModel = o.output.appendingPathComponent("model")
        let log = LogLines()
        XCTAssertEqual(try TrainingSession.run(again, log: log.sink).outcome, .finished)
        XCTAssertEqual(try weights(again.output.appendingPathComponent("model")), drawn)
        XCTAssertTrue(log.text.contains("Starting from the weights of"), log.text)
        XCTAssertTrue(log.text.contains("no training: --epochs 0"), log.text)
    }

    /// Two epochs of SGD with Nesterov momentum, no augmentation, no shuffling: the trainer (the
    /// fast plan) ends at the weights of the reference engine's own loop over the same batches,
    /// the images in flow_from_directory's order (class, then name).
    func testSGDWithMomentumFollowsTheReferenceLoop() throws {
        var o = options(scratchFolder().appendingPathComponent("sgd"))
        o.epochs = 2
        o.augment = false
        o.shuffle = false
        o.optimizer = OptimizerChoice(kind: .sgd, learningRate: 0.05, momentum: 0.9, nesterov: true)
        XCTAssertEqual(try TrainingSession.run(o, log: { _ in }).outcome, .finished)

        let spec = Coursework.spec(imageSize: 16)
        let model = try spec.build(seed: o.seed)
        let data = try TrainingSession.loadImages(o.trainFolder, spec: spec, skipBadImages: false, minimumClasses: 2, log: { _ in })
        var batches = BatchIterator(dataset: data, batchSize: 8, shuffle: false, seed: o.seed, augmentation: nil,
                                    rescale: spec.preprocessing.rescale)
        let sgd = SGD(learningRate: 0.05, momentum: 0.9, nesterov: true)
        for _ in 0..<2 {
            for _ in 0..<2 {
                let (x, y) = batches.nextBatch()
                try model.trainStep(x, targets: y, loss: spec.loss, optimizer: sgd)
            }
            batches.endEpoch()
        }
        let trained = try weights(o.output.appendingPathComponent("model"))
        let initial = try spec.build(seed: o.seed).parameters.map(\.value.data)
        for (p, (ours, reference)) in zip(trained, model.parameters.map(\.value.data)).enumerated() {
            let moved = zip(ours, initial[p]).map { abs($0 - $1) }.max() ?? 0
            let worst = zip(ours, reference).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-5, "parameter \(p): fast plan and reference differ by \(worst)")
            if p == 0 { XCTAssertGreaterThan(moved, 1e-3, "the conv kernel moved") }
        }
        // No shuffling: epoch 1's batches are the first 16 images in their folder order.
        let record = try String(contentsOf: o.output.appendingPathComponent("batches/epoch-1.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(record.first, "step,position,class,image")
        let listed = record.dropFirst().map { $0.split(separator: ",").last.map(String.init) ?? "" }
        let expected = (0..<16).map { i in
            data.path(i).path.replacingOccurrences(of: data.directory.path + "/", with: "")
        }
        XCTAssertEqual(listed, expected)
    }

    /// With augmentation, the record lists the transform each image got, and applying those
    /// transforms to the images rebuilds the very batch training used.
    func testBatchRecordHoldsTheTransformsApplied() throws {
        var o = options(scratchFolder().appendingPathComponent("aug"))
        o.epochs = 1
        XCTAssertEqual(try TrainingSession.run(o, log: { _ in }).outcome, .finished)
        let lines = try String(contentsOf: o.output.appendingPathComponent("batches/epoch-1.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(lines[0], ["step", "position", "class", "image", "theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal"])
        XCTAssertEqual(lines.count, 1 + 2 * 8)

        let spec = Coursework.spec(imageSize: 16)
        let data = try TrainingSession.loadImages(o.trainFolder, spec: spec, skipBadImages: false, minimumClasses: 2, log: { _ in })
        var batches = BatchIterator(dataset: data, batchSize: 8, shuffle: true, seed: o.seed, augmentation: .coursework,
                                    rescale: spec.preprocessing.rescale)
        let (x, _) = batches.nextBatch()
        let size = 16 * 16 * 3
        var flips = 0
        for row in lines[1...8] {
            let position = try XCTUnwrap(Int(row[1])) - 1
            let image = try XCTUnwrap((0..<data.count).first { data.path($0).path.hasSuffix("/" + row[3]) })
            let n = row[4...9].compactMap(Double.init)
            XCTAssertEqual(n.count, 6)
            let p = Augmentation.Parameters(theta: n[0], tx: n[1], ty: n[2], shear: n[3], zx: n[4], zy: n[5], flipHorizontal: row[10] == "True")
            if p.flipHorizontal { flips += 1 }
            var rebuilt = [Float](repeating: 0, count: size)
            rebuilt.withUnsafeMutableBufferPointer { out in
                data.withPixels(image) { Augmentation.apply(p, pixels: $0, width: 16, height: 16, scale: spec.preprocessing.rescale, into: out) }
            }
            XCTAssertEqual(Array(x.data[(position * size)..<((position + 1) * size)]), rebuilt, "image \(row[3])")
        }
        XCTAssertTrue((1...7).contains(flips), "some images flipped, some not: \(flips)")
    }

    /// Optimizer settings a person can get wrong are refused before any work, naming the option.
    func testBadOptimizerSettingsAreRefused() throws {
        let cases: [(OptimizerChoice, String)] = [
            (OptimizerChoice(kind: .sgd, learningRate: 0), "--learning-rate"),
            (OptimizerChoice(kind: .sgd, learningRate: .nan), "--learning-rate"),
            (OptimizerChoice(kind: .sgd, momentum: 1), "--momentum"),
            (OptimizerChoice(kind: .sgd, momentum: -0.1), "--momentum"),
            (OptimizerChoice(kind: .adam, momentum: 0.9), "--optimizer sgd"),
            (OptimizerChoice(kind: .sgd, nesterov: true), "--nesterov"),
        ]
        for (choice, words) in cases {
            var o = options(scratchFolder().appendingPathComponent("bad"))
            o.optimizer = choice
            XCTAssertThrowsError(try TrainingSession.run(o, log: { _ in })) { error in
                XCTAssertTrue("\(error)".contains(words), "\(choice): \(error)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: o.output.path), "nothing written for \(choice)")
        }
        XCTAssertEqual(OptimizerChoice().description, "Adam (learning rate 0.001)")
        XCTAssertEqual(OptimizerChoice(kind: .sgd, momentum: 0.9, nesterov: true).description, "SGD (learning rate 0.01, momentum 0.9, Nesterov)")
        var both = options(scratchFolder().appendingPathComponent("both"))
        both.initialModel = URL(fileURLWithPath: "/nonexistent/model")
        both.architecture = URL(fileURLWithPath: "/nonexistent/model.json")
        XCTAssertThrowsError(try TrainingSession.run(both, log: { _ in })) { XCTAssertTrue("\($0)".contains("--architecture"), "\($0)") }
    }

    /// `--profile` ends the run with where its wall time went, phase by phase, adding up to the
    /// whole; then what ran in the background beside those phases (not added), and the CPU time.
    func testProfileSaysWhereTheTimeWent() throws {
        var o = options(scratchFolder().appendingPathComponent("profile"))
        o.epochs = 2
        o.profile = true
        o.report = true
        let log = LogLines()
        let result = try TrainingSession.run(o, log: log.sink)
        let lines = log.lines.last?.split(separator: "\n").map(String.init) ?? []
        XCTAssertTrue(lines.first?.hasPrefix("Where the wall time went") == true, log.text)
        let heading = try XCTUnwrap(lines.firstIndex(of: TrainingSession.profileBackgroundHeading), log.text)
        let foreground = Array(lines[1..<heading])
        let background = Array(lines[(heading + 1)...].prefix { $0.hasPrefix("  ") })
        for phase in ["loading the images", "batches", "training steps", "checkpoints (copying", "batch records", "the report", "everything else"] {
            XCTAssertTrue(foreground.contains { $0.contains(phase) }, "\(phase) in \(foreground)")
        }
        for phase in ["report pictures per epoch", "checkpoints (writing)", "batches built ahead"] {
            XCTAssertTrue(background.contains { $0.contains(phase) }, "\(phase) in the background: \(background)")
        }
        func seconds(_ rows: [String]) -> [Double] {
            rows.compactMap { line in
                line.components(separatedBy: "  ").compactMap { Double($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " s", with: "")) }.first
            }
        }
        XCTAssertEqual(seconds(foreground).count, foreground.count)
        XCTAssertEqual(seconds(background).count, background.count)
        XCTAssertEqual(seconds(foreground).reduce(0, +), result.seconds, accuracy: 0.05 + 0.02 * result.seconds, "the foreground phases add up to the run")
        XCTAssertTrue(lines.last?.hasPrefix("CPU time: ") == true, "\(lines.last ?? "")")
    }
}
