import CNNCore
import Foundation
import ImageFiles
import Visualize

/// What `cnnviz train` does; the defaults are the coursework's model and regimen.
public struct TrainOptions {
    public var trainFolder: URL
    /// Validated on after every epoch, over the whole folder. Nil: no validation.
    public var validationFolder: URL?
    public var epochs = 32
    public var stepsPerEpoch = 20
    public var batchSize = 32
    public var imageSize = 64
    /// ImageDataGenerator(shear_range=0.2, zoom_range=0.2, horizontal_flip=True) when true.
    public var augment = true
    public var shearRange: Double = 0.2
    public var zoomRange: Double = 0.2
    public var horizontalFlip = true
    public var seed: UInt64 = 1
    /// Adam with Keras' defaults, as the coursework compiles it; or SGD (`--optimizer sgd`).
    public var optimizer = OptimizerChoice()
    /// Shuffle the training images before each pass, as `flow_from_directory` does by default.
    public var shuffle = true
    /// Start from these weights (a model folder, .keras or .h5) instead of drawing them from
    /// `seed`; the model's architecture comes with them.
    public var initialModel: URL?
    public var output: URL
    /// An architecture file (model.json form); nil: the coursework model.
    public var architecture: URL?
    public var skipBadImages = false
    public var order: IteratorMode = .keras3
    /// Continue from `output/checkpoint` instead of starting again.
    public var resume = false
    /// Seconds between checkpoints: one is written at the end of an epoch when at least this long
    /// has passed since the run started or the last one was written, and always after the last
    /// epoch (and on Ctrl-C). 0 writes one after every epoch. Each is the model and Adam's two
    /// moments, 47 MB for the coursework: after each of its 0.4 s epochs that was 1.5 GB a run.
    public var checkpointSeconds: Double = 10
    /// Write the HTML report with pictures of every epoch.
    public var report = true
    /// The index page the report belongs to (the tour's), href relative to `output`.
    public var indexLink: (href: String, title: String)?
    /// Redraw the progress bar in place when stdout is a terminal (off: one line per epoch via the log).
    public var liveProgress = true
    /// Measure where the wall time goes (load, batches, steps, validation, pictures, checkpoints)
    /// and print it at the end (`cnnviz train --profile`).
    public var profile = false
    /// The language of the report, its pictures' titles and the inspections of its mistakes.
    public var language: Language = .en
    /// Stop after this many steps in total (tests use it to interrupt a run at a known point).
    public var stopAfterSteps: Int?

    public init(trainFolder: URL, output: URL) {
        self.trainFolder = trainFolder
        self.output = output
    }

    /// The numbers within `Limits`, each error naming the option and its limit.
    public func checkNumbers() throws {
        try Limits.check(batchSize, "--batch-size", atMost: Limits.maxBatchSize, unit: "images a batch", hint: "use the coursework's 32")
        // 0 epochs is allowed: the run writes the initial model (the weights --seed draws) and stops.
        if epochs != 0 {
            try Limits.check(epochs, "--epochs", atMost: Limits.maxEpochs, unit: "epochs", hint: "use the coursework's 32, or 0 to write the initial model")
        }
        try Limits.check(stepsPerEpoch, "--steps-per-epoch", atMost: Limits.maxStepsPerEpoch, unit: "steps an epoch", hint: "use the coursework's 20")
        try Limits.check(imageSize, "--image-size", atMost: Limits.maxImageSide, unit: "pixels a side", hint: "use the coursework's 64")
        guard imageSize >= 4 else {
            throw CNNError.invalidInput("--image-size must be at least 4, got \(imageSize)", hint: "use the coursework's 64")
        }
        try optimizer.check()
        guard checkpointSeconds.isFinite, checkpointSeconds >= 0, checkpointSeconds <= Limits.maxCheckpointSeconds else {
            throw CNNError.invalidInput("--checkpoint-every must be between 0 and \(Int(Limits.maxCheckpointSeconds)) seconds, got \(NumberText.plain(checkpointSeconds))",
                                        hint: "use 0 for a checkpoint after every epoch, or leave it out (10 s)")
        }
        if initialModel != nil, architecture != nil {
            throw CNNError.invalidInput("--initial-model brings its own architecture, so --architecture cannot be given too",
                                        hint: "leave out --architecture")
        }
    }

    /// Settings a resumed run must share with the run it continues.
    var fingerprint: [String: JSONValue] {
        ["train": .string(trainFolder.standardizedFileURL.path),
         "validation": validationFolder.map { .string($0.standardizedFileURL.path) } ?? .null,
         "epochs": .int(epochs), "steps_per_epoch": .int(stepsPerEpoch), "batch_size": .int(batchSize),
         "image_size": .int(imageSize), "augment": .bool(augment), "seed": .int(Int(seed % (1 << 52))),
         "order": .string(order.rawValue), "optimizer": optimizer.fingerprint, "shuffle": .bool(shuffle),
         "initial_model": initialModel.map { .string($0.standardizedFileURL.path) } ?? .null,
         "architecture": architecture.map { .string($0.standardizedFileURL.path) } ?? .null]
    }
}

/// One row of `history.csv`: what Keras' `History` holds, plus the epoch's time.
public struct EpochRecord: Equatable {
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var valLoss: Double?
    public var valAccuracy: Double?
    public var seconds: Double

    public static let csvHeader = "epoch,loss,accuracy,val_loss,val_accuracy,seconds"

    public var csvLine: String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.6f", $0) } ?? "" }
        return "\(epoch),\(f(loss)),\(f(accuracy)),\(f(valLoss)),\(f(valAccuracy)),\(String(format: "%.3f", seconds))"
    }

    public init(epoch: Int, loss: Double, accuracy: Double, valLoss: Double?, valAccuracy: Double?, seconds: Double) {
        self.epoch = epoch; self.loss = loss; self.accuracy = accuracy
        self.valLoss = valLoss; self.valAccuracy = valAccuracy; self.seconds = seconds
    }

    init?(csvLine: String) {
        let f = csvLine.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 6, let e = Int(f[0]), let l = Double(f[1]), let a = Double(f[2]), let s = Double(f[5]) else { return nil }
        self.init(epoch: e, loss: l, accuracy: a, valLoss: Double(f[3]), valAccuracy: Double(f[4]), seconds: s)
    }

    /// Full-precision form for checkpoints (the CSV rounds to six decimals).
    var json: JSONValue {
        .object(["epoch": .int(epoch), "loss": .number(loss), "accuracy": .number(accuracy),
                 "val_loss": valLoss.map(JSONValue.number) ?? .null, "val_accuracy": valAccuracy.map(JSONValue.number) ?? .null,
                 "seconds": .number(seconds)])
    }

    init?(json: JSONValue) {
        guard let o = json.objectValue, let e = o["epoch"]?.intValue, let l = o["loss"]?.doubleValue,
              let a = o["accuracy"]?.doubleValue else { return nil }
        self.init(epoch: e, loss: l, accuracy: a, valLoss: o["val_loss"]?.doubleValue, valAccuracy: o["val_accuracy"]?.doubleValue,
                  seconds: o["seconds"]?.doubleValue ?? 0)
    }

    static func csv(_ rows: [EpochRecord]) -> String {
        ([csvHeader] + rows.map(\.csvLine)).joined(separator: "\n") + "\n"
    }
}
