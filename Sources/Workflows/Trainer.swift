import CNNCore
import FastPlan
import Foundation
import ImageFiles

/// Trains a model the way the coursework's `fit` does, printing Keras-like lines, validating
/// after every epoch, checkpointing atomically, and stopping cleanly on Ctrl-C or a NaN loss.
public final class Trainer {
    public enum Outcome: Equatable {
        case finished
        /// Ctrl-C (or `stopAfterSteps`): a checkpoint was saved; `--resume` continues.
        case interrupted(epoch: Int, step: Int)
    }

    /// A training that went wrong in a way the user must hear about (NaN loss, incompatible resume).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let options: TrainOptions
    public let model: Sequential
    /// How `model` trains fast (fused stages, see `ExecutionPlan`); the same numbers as `model.trainStep`.
    public let plan: ExecutionPlan
    public let spec: ModelSpec
    public let optimizer: Optimizer
    public let training: DirectoryDataset
    public let validation: LabeledImages?
    public private(set) var history: [EpochRecord] = []
    /// The validation of the last epoch run, on the final weights once `run` has finished (the
    /// report reuses it rather than evaluating the same images again).
    public private(set) var lastEvaluation: Evaluation?
    /// ImageDataGenerator's random transform, applied to each training image; nil: none.
    let augmentation: Augmentation?
    let log: (String) -> Void
    /// Called at the end of each epoch with the model (the report draws kernels and probes): it
    /// should copy what it needs and hand the work to `idleWork`.
    public var onEpochEnd: ((Int, Sequential) throws -> Void)?
    /// Where the wall time goes, phase by phase ("batches", "steps", "validation" …), when set.
    public var profiler: StepProfiler?
    /// The checkpoints, written beside the training loop; the last is waited for before the next
    /// snapshot is taken (one in memory at a time) and before `run` returns.
    public let background = BackgroundWork()
    /// What `onEpochEnd` hands on (the report's pictures of each epoch): run only on a core the
    /// training leaves idle, so they never slow a step. What is left when the training ends (most
    /// of it: a step keeps both cores busy) is then run on every core, before `run` returns.
    public let idleWork = BackgroundWork(onlyWhenIdle: true, name: "cnnviz report pictures")
    /// At most this many epochs' jobs wait in `idleWork` (each holds a copy of the layers it
    /// draws, a few KB for the coursework); beyond it the trainer runs them before going on.
    static let maxIdleBacklog = 64
    /// The seconds the batches took to build beside the training steps, wall and CPU, once `run`
    /// has returned.
    public private(set) var backgroundBatchSeconds = 0.0
    public private(set) var backgroundBatchCPUSeconds = 0.0

    public var checkpointFolder: URL { options.output.appendingPathComponent("checkpoint") }
    public var modelFolder: URL { options.output.appendingPathComponent("model") }
    /// Whether `run` continues from a checkpoint (--resume, and a checkpoint is there).
    public var resumesFromCheckpoint: Bool {
        options.resume && FileManager.default.fileExists(atPath: checkpointFolder.path)
    }

    public init(options: TrainOptions, spec: ModelSpec, training: DirectoryDataset, validation: LabeledImages?,
                augmentation: Augmentation?, initialModel: Sequential? = nil, log: @escaping (String) -> Void = { print($0) }) throws {
        self.options = options
        self.spec = spec
        self.training = training
        self.validation = validation
        self.augmentation = augmentation
        self.log = log
        model = try initialModel ?? spec.build(seed: options.seed)
        plan = try ExecutionPlan(model)
        optimizer = options.optimizer.make()
    }

    /// `flow_from_directory`'s batches, moved forward (indices only, no pixels) to (epoch, step):
    /// shuffles and augmentation draws are keyed by the batch number, so a resumed run gets
    /// exactly the batches an uninterrupted one would.
    func batches(from epoch: Int, step: Int) -> BatchIterator {
        var iterator = BatchIterator(dataset: training, batchSize: options.batchSize, shuffle: options.shuffle, seed: options.seed,
                                     augmentation: augmentation, rescale: spec.preprocessing.rescale, mode: options.order)
        for _ in 0..<epoch {
            for _ in 0..<options.stepsPerEpoch { _ = iterator.nextIndices() }
            iterator.endEpoch()
        }
        for _ in 0..<step { _ = iterator.nextIndices() }
        return iterator
    }

    /// Runs training from the start, or from the checkpoint when `options.resume` is set.
    public func run() throws -> Outcome {
        var position = (epoch: 0, step: 0)
        var running = (loss: 0.0, correct: 0.0, samples: 0)
        if options.resume, !resumesFromCheckpoint {
            // The run was stopped before its first checkpoint: there is nothing to continue from.
            log("No checkpoint in \(options.output.path) yet (the run stopped before its first one): starting from the beginning.")
        } else if options.resume {
            let checkpoint = try Checkpoint.load(from: checkpointFolder, into: model, optimizer: optimizer,
                                                 epochs: options.epochs, stepsPerEpoch: options.stepsPerEpoch)
            guard checkpoint.fingerprint == options.fingerprint else {
                throw Failure(description: "the checkpoint in \(checkpointFolder.path) was made with other settings "
                    + "(\(Trainer.differences(checkpoint.fingerprint, options.fingerprint))). Run with the same options as before, or without --resume to start again")
            }
            position = (checkpoint.epoch, checkpoint.step)
            running = (checkpoint.runningLoss, checkpoint.runningCorrect, checkpoint.runningSamples)
            history = checkpoint.history
            log("Resuming from epoch \(position.epoch + 1), step \(position.step + 1) (checkpoint \(checkpointFolder.path)).")
        }
        var stepsThisRun = 0
        let upcoming = BatchPrefetcher(batches(from: position.epoch, step: position.step))
        // Whatever way run() leaves, no batch is still being built and no background job is
        // still writing when it returns.
        defer {
            upcoming.cancel()
            background.waitQuietly()
            idleWork.waitQuietly()
            backgroundBatchSeconds = upcoming.backgroundSeconds
            backgroundBatchCPUSeconds = upcoming.backgroundCPUSeconds
        }
        var epochStart = upcoming.iterator  // for the epoch's batch record, before any batch is taken
        // The run's start counts as a checkpoint: a kill before the first loses under `checkpointSeconds`.
        // Uptime, not the date: a clock set back must not hold checkpoints off.
        var lastCheckpoint = ProcessInfo.processInfo.systemUptime
        for epoch in position.epoch..<options.epochs {
            log("Epoch \(epoch + 1)/\(options.epochs)")
            let started = Date()
            // A live bar redrawn in place on a terminal; otherwise one finished line per epoch through `log`.
            let live = options.liveProgress && isatty(STDOUT_FILENO) != 0
            let bar = ProgressBar(total: options.stepsPerEpoch, interactive: live,
                                  output: live ? ProgressBar.writeStdout : { [log] in log($0.trimmingCharacters(in: .newlines)) })
            let firstStep = epoch == position.epoch ? position.step : 0
            if epoch != position.epoch { running = (0, 0, 0) }
            try timed("batch records") { try recordBatches(epoch: epoch, from: firstStep == 0 ? epochStart : batches(from: epoch, step: 0)) }
            for step in firstStep..<options.stepsPerEpoch {
                if Interrupt.requested || options.stopAfterSteps.map({ stepsThisRun >= $0 }) == true {
                    upcoming.cancel()
                    try timed("waiting for background work") { try background.wait() }
                    try saveCheckpoint(epoch: epoch, step: step, running: running)  // first: what a second Ctrl-C must not lose
                    try timed(Trainer.idleWorkPhase) { try idleWork.runWaitingJobs(helpers: Parallel.workers - 1) }
                    log("\nStopped at epoch \(epoch + 1), step \(step + 1). Checkpoint saved in \(checkpointFolder.path); continue with --resume.")
                    return .interrupted(epoch: epoch, step: step)
                }
                let (x, y) = timed(Trainer.batchPhase) { upcoming.next() }
                // The next batch is built while this one trains.
                if step + 1 < options.stepsPerEpoch { upcoming.prefetch() }
                let (loss, accuracy) = try timed("training steps") { try plan.trainStep(x, targets: y, loss: spec.loss, optimizer: optimizer) }
                guard loss.isFinite else {
                    try? background.wait()  // a checkpoint being written is complete before it is named
                    let kept = FileManager.default.fileExists(atPath: checkpointFolder.path)
                        ? "The last good checkpoint is kept in \(checkpointFolder.path). " : ""
                    throw Failure(description: "the loss became \(loss) at epoch \(epoch + 1), step \(step + 1): training stopped. "
                        + kept + "Try a smaller learning rate or check the images")
                }
                let n = Double(x.shape[0])
                running.loss += Double(loss) * n
                running.correct += Double(accuracy) * n
                running.samples += x.shape[0]
                stepsThisRun += 1
                bar.update(done: step + 1, metrics: Trainer.metrics(running))
            }
            // The next epoch's first batch is built during the validation, pictures and checkpoint.
            upcoming.endEpoch()
            epochStart = upcoming.iterator
            if epoch + 1 < options.epochs { upcoming.prefetch() }
            var record = EpochRecord(epoch: epoch + 1, loss: running.loss / Double(max(running.samples, 1)),
                                     accuracy: running.correct / Double(max(running.samples, 1)),
                                     valLoss: nil, valAccuracy: nil, seconds: 0)
            if let validation {
                let result = try timed("validation") { try Evaluation.run(model: model, spec: spec, data: validation) }
                lastEvaluation = result
                record.valLoss = result.loss
                record.valAccuracy = result.accuracy
            }
            record.seconds = Date().timeIntervalSince(started)
            var shown = [("loss", record.loss), ("accuracy", record.accuracy)]
            if let l = record.valLoss, let a = record.valAccuracy { shown += [("val_loss", l), ("val_accuracy", a)] }
            bar.finish(metrics: shown, steps: options.stepsPerEpoch - firstStep)
            history.append(record)
            try AtomicWrite.file(Data(EpochRecord.csv(history).utf8), to: options.output.appendingPathComponent("history.csv"))
            try idleWork.throwIfFailed()  // a full disk stops the run at once, not at its end
            if idleWork.unfinishedJobs > Trainer.maxIdleBacklog {
                try timed(Trainer.idleWorkPhase) { try idleWork.runWaitingJobs(helpers: Parallel.workers - 1) }
            }
            try timed(Trainer.picturePhase) { try onEpochEnd?(epoch, model) }
            running = (0, 0, 0)
            let now = ProcessInfo.processInfo.systemUptime
            guard epoch + 1 == options.epochs || now - lastCheckpoint >= options.checkpointSeconds else { continue }
            lastCheckpoint = now
            // The last checkpoint must be written before a new snapshot is taken: one in memory at a time.
            try timed("waiting for background work") { try background.wait() }
            let checkpoint = timed("checkpoints (copying the weights; written in the background)") {
                Checkpoint(epoch: epoch + 1, step: 0, runningLoss: 0, runningCorrect: 0, runningSamples: 0, history: history,
                           fingerprint: options.fingerprint).snapshot(model: model, spec: spec, optimizer: optimizer)
            }
            background.submit("checkpoints (writing)") { [checkpointFolder] in try checkpoint.write(to: checkpointFolder) }
        }
        try timed("waiting for background work") { try background.wait() }
        try timed(Trainer.idleWorkPhase) { try idleWork.runWaitingJobs(helpers: Parallel.workers - 1) }
        try timed("saving the model") { try SavedModel(spec: spec, model: model).save(to: modelFolder) }
        return .finished
    }

    /// The profile's name for taking the next batch (waiting for it when it is built ahead).
    static let batchPhase = "batches (taking the next; built ahead in the background)"
    /// The profile's name for what `onEpochEnd` does in the foreground.
    static let picturePhase = "report pictures per epoch (copying the conv layer)"
    /// The profile's name for running what `idleWork` has left, on every core.
    static let idleWorkPhase = "report pictures left when training ends (on every core)"

    /// Runs `body`, adding its wall time to `phase` of the profiler when there is one.
    func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        guard let profiler else { return try body() }
        return try profiler.measure(phase, body)
    }

    /// The folder of the per-epoch batch records (`batches/epoch-1.csv` …).
    public var batchRecordFolder: URL { options.output.appendingPathComponent("batches") }

    /// Writes which images form each batch of `epoch` (1-based in the file name), read from
    /// `iterator` positioned at the epoch's first step: one line per image, with its class and,
    /// with augmentation, the transform drawn for it in the keys of Keras' `apply_transform`
    /// (theta, tx, ty, shear, zx, zy, flip_horizontal), so a teacher can feed Keras the same
    /// batches (README, "Check it in Keras").
    func recordBatches(epoch: Int, from iterator: BatchIterator) throws {
        var iterator = iterator
        let transformColumns = ["theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal"]
        var lines = [(["step", "position", "class", "image"] + (augmentation == nil ? [] : transformColumns)).joined(separator: ",")]
        for step in 0..<options.stepsPerEpoch {
            let stream = UInt64(iterator.totalBatchesSeen)
            let indices = iterator.nextIndices()
            let draws = iterator.augmentationParameters(count: indices.count, augmentationStream: stream)
            for (position, i) in indices.enumerated() {
                var fields = ["\(step + 1)", "\(position + 1)", "\(training.label(i))", Trainer.csvField(relativePath(i))]
                if let p = draws?[position] {
                    fields += [p.theta, p.tx, p.ty, p.shear, p.zx, p.zy].map { String($0) } + [p.flipHorizontal ? "True" : "False"]
                }
                lines.append(fields.joined(separator: ","))
            }
        }
        try OutputFolder.create(batchRecordFolder)
        try AtomicWrite.file(Data((lines.joined(separator: "\n") + "\n").utf8),
                             to: batchRecordFolder.appendingPathComponent("epoch-\(epoch + 1).csv"))
    }

    /// A training image's path inside the training folder ("cats/cat.1.jpg").
    func relativePath(_ i: Int) -> String { relativePaths[i] }

    /// Every training image's path inside the training folder, worked out once (standardizing a
    /// URL per line took most of the batch records' time).
    private lazy var relativePaths: [String] = {
        let folder = training.directory.standardizedFileURL.path + "/"
        return (0..<training.count).map { i in
            let path = training.path(i).standardizedFileURL.path
            return path.hasPrefix(folder) ? String(path.dropFirst(folder.count)) : path
        }
    }()

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    func saveCheckpoint(epoch: Int, step: Int, running: (loss: Double, correct: Double, samples: Int)) throws {
        try Checkpoint(epoch: epoch, step: step, runningLoss: running.loss, runningCorrect: running.correct,
                       runningSamples: running.samples, history: history, fingerprint: options.fingerprint)
            .save(model: model, spec: spec, optimizer: optimizer, to: checkpointFolder)
    }

    static func metrics(_ r: (loss: Double, correct: Double, samples: Int)) -> [(String, Double)] {
        let n = Double(max(r.samples, 1))
        return [("loss", r.loss / n), ("accuracy", r.correct / n)]
    }

    static func differences(_ a: [String: JSONValue], _ b: [String: JSONValue]) -> String {
        Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }.map { key in
            "\(key): \(a[key].map(describe) ?? "none") then, \(b[key].map(describe) ?? "none") now"
        }.joined(separator: "; ")
    }

    static func describe(_ v: JSONValue) -> String {
        switch v {
        case let .string(s): return s
        case let .number(n): return NumberText.plain(n)
        case let .bool(b): return String(b)
        default: return v.encodedString()
        }
    }
}
