import CNNCore
import FastPlan
import Foundation
import ImageFiles
import Visualize

/// Everything `cnnviz train` does, in order: summary, data sets (with Keras' messages), training
/// with per-epoch pictures and checkpoints, then the trained model, the curves and the report.
public enum TrainingSession {
    public struct Result {
        public var outcome: Trainer.Outcome
        public var history: [EpochRecord]
        public var output: URL
        public var seconds: Double
    }

    /// Checks the options a person can get wrong, with messages that say what to do: the numbers
    /// (`TrainOptions.checkNumbers`, which `cnnviz train` also runs as it parses), then the
    /// model's sizes and a training step's memory, before any image is loaded or weight allocated.
    public static func validate(_ o: TrainOptions) throws {
        try o.checkNumbers()
        let spec = try modelToTrain(o).spec
        try spec.plan(path: (o.initialModel ?? o.architecture)?.path).checkTraining(batch: o.batchSize)
    }

    /// The model to train: the spec (an architecture file, a model's own with --initial-model,
    /// or the coursework model at the image size) and, with --initial-model, its weights.
    static func modelToTrain(_ o: TrainOptions) throws -> (spec: ModelSpec, initial: LoadedModel?) {
        if let file = o.initialModel {
            let loaded = try ModelFiles.load(file)
            try checkBinaryClassifier(loaded.saved.spec, path: file.path)
            return (loaded.saved.spec, loaded)
        }
        guard let file = o.architecture else { return (Coursework.spec(imageSize: o.imageSize), nil) }
        var spec = try ArchitectureFile.load(file)
        if spec.inputShape.count == 3 { spec.preprocessing.targetSize = (spec.inputShape[0], spec.inputShape[1]) }
        try checkBinaryClassifier(spec, path: file.path)
        return (spec, nil)
    }

    /// What `cnnviz train` trains: RGB images in, one sigmoid unit out with binary cross-entropy.
    /// Checked on the plan of shapes: the model itself is built once, by the Trainer.
    static func checkBinaryClassifier(_ spec: ModelSpec, path: String) throws {
        let plan = try spec.plan(path: path)
        let last = spec.layers.last
        guard plan.outputShapes.last == [1], last?.className == LayerKind.dense.rawValue,
              last?.config["activation"]?.stringValue == Activation.sigmoid.rawValue, spec.loss == .binaryCrossentropy else {
            throw CNNError.badModelFile(path: path, reason: "cnnviz train trains binary classifiers: the last layer must be Dense(1, activation \"sigmoid\") with binary_crossentropy")
        }
        guard spec.inputShape.count == 3, spec.inputShape[2] == 3 else {
            throw CNNError.badModelFile(path: path, reason: "input_shape must be [height, width, 3] for RGB images")
        }
    }

    /// Loads a folder as `flow_from_directory` would and prints Keras' line and the class indices.
    public static func loadImages(_ folder: URL, spec: ModelSpec, skipBadImages: Bool, minimumClasses: Int,
                                  log: @escaping (String) -> Void) throws -> DirectoryDataset {
        let interpolation = ModelInput.interpolation(spec.preprocessing)
        let data = try DirectoryDataset(directory: folder, targetSize: spec.preprocessing.targetSize, interpolation: interpolation,
                                        skipBadImages: skipBadImages, minimumClasses: minimumClasses, warn: log)
        if let skipped = data.skippedMessage { log(skipped) }
        log(data.foundMessage)
        log("Class indices: " + data.classIndicesDescription)
        return data
    }

    public static func run(_ options: TrainOptions, log: @escaping (String) -> Void = { print($0) }) throws -> Result {
        let started = Date()
        let profiler = options.profile ? StepProfiler() : nil
        let trained = try train(options, profiler: profiler, log: log)
        if trained.outcome == .finished {
            log(options.epochs == 0
                ? "Saved the initial model (no training: --epochs 0) in \(trained.modelFolder.path)"
                : "Saved the trained model in \(trained.modelFolder.path)")
            if options.report {
                let reportStarted = StepProfiler.now()
                var report = TrainingReport(
                    title: options.language.pick("Training report: ", "Informe de entrenamiento: ") + options.output.lastPathComponent, history: trained.history,
                    epochsWithPictures: Array(0...trained.history.count), probes: trained.probes,
                    evaluation: trained.evaluation, validation: trained.validation, settings: trained.settings)
                report.movement = trained.movement
                report.indexLink = options.indexLink
                report.modelFolder = trained.modelFolder
                report.language = options.language
                try report.write(to: options.output)
                profiler?.add(reportPhase, since: reportStarted)
                log("Report: \(options.output.appendingPathComponent("index.html").path)")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        if let profiler { log(profileText(profiler, total: seconds, background: trained.background, cpuSeconds: ModelBenchmark.cpuSeconds())) }
        return Result(outcome: trained.outcome, history: trained.history, output: options.output, seconds: seconds)
    }

    /// The profile's name for the report.
    static let reportPhase = "the report (curves, mistakes inspected and explained)"

    /// What the training leaves for the report and the profile.
    struct Trained {
        var outcome: Trainer.Outcome
        var history: [EpochRecord]
        var modelFolder: URL
        /// The validation on the final weights, and how far the weights moved (with the report).
        var evaluation: Evaluation?
        var movement: [(name: String, relative: Double?, distance: Double)] = []
        var validation: DirectoryDataset?
        var probes: [EpochPictures.Probe]
        var settings: [(String, String)]
        /// What ran beside the training loop, and for how long (wall, and CPU where known).
        var background: [BackgroundWork.Phase]
    }

    /// Everything before the report: the checks, the images, the training with its pictures and
    /// checkpoints; then, with the report, the final validation and how far the weights moved.
    /// A function of its own so that what only the training needs (the training images, the
    /// optimizer's moments, the plan's buffers: about 100 MB for the coursework) is freed before
    /// the report inspects its mistakes two at a time.
    static func train(_ options: TrainOptions, profiler: StepProfiler?, log: @escaping (String) -> Void) throws -> Trained {
        func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
            guard let profiler else { return try body() }
            return try profiler.measure(phase, body)
        }
        try options.checkNumbers()
        var (spec, initial) = try modelToTrain(options)
        try spec.plan(path: (options.initialModel ?? options.architecture)?.path).checkTraining(batch: options.batchSize)
        if let initial {
            log("Starting from the weights of \(initial.origin)" + (initial.assumptions.isEmpty ? "" : "; " + initial.assumptions.joined(separator: "; ")))
        }
        try checkOutput(options)
        let loadStarted = StepProfiler.now()
        let training = try loadImages(options.trainFolder, spec: spec, skipBadImages: options.skipBadImages, minimumClasses: 2, log: log)
        guard training.classNames.count == 2 else {
            throw CNNError.invalidInput("\(options.trainFolder.path) has \(training.classNames.count) classes (\(training.classNames.joined(separator: ", ")))",
                                        hint: "the model has one sigmoid output, so give a folder with exactly two class subfolders")
        }
        var validation: DirectoryDataset?
        if let folder = options.validationFolder {
            let v = try loadImages(folder, spec: spec, skipBadImages: options.skipBadImages, minimumClasses: 1, log: log)
            guard v.classNames == training.classNames else {
                throw CNNError.invalidInput("the validation folder \(folder.path) has classes [\(v.classNames.joined(separator: ", "))] but the training folder has [\(training.classNames.joined(separator: ", "))]",
                                            hint: "give both folders the same class subfolders")
            }
            validation = v
        }
        profiler?.add("loading the images (decode, resize)", since: loadStarted)
        spec.classNames = training.classNames
        try OutputFolder.claim(options.output)

        let augmentation = options.augment
            ? Augmentation(shearRange: options.shearRange, zoomRange: options.zoomRange, horizontalFlip: options.horizontalFlip) : nil
        let trainer = try Trainer(options: options, spec: spec, training: training, validation: validation,
                                  augmentation: augmentation, initialModel: initial?.saved.model, log: log)
        trainer.profiler = profiler
        log(Summary.text(trainer.model, name: spec.name))  // after the data loaded, so a bad folder fails at once
        let probes = probeImages(validation ?? training)
        let pictures = EpochPictures(folder: options.output.appendingPathComponent("report"), probes: probes, rescale: spec.preprocessing.rescale)
        pictures.language = options.language
        if options.report {
            // Drawn and written from a copy of the conv layer taken at the end of each epoch, on
            // cores the training leaves idle, and what is left at its end on every core.
            if !trainer.resumesFromCheckpoint {
                try timed(Trainer.picturePhase) { try pictures.start(trainer.model, on: trainer.idleWork) }
            }
            trainer.onEpochEnd = { [idleWork = trainer.idleWork] epoch, model in
                try pictures.drawInBackground(epoch: epoch + 1, model: model, on: idleWork)
            }
        }
        let outcome = try trainer.run()
        var trained = Trained(outcome: outcome, history: trainer.history, modelFolder: trainer.modelFolder, validation: validation, probes: probes,
                              settings: settings(options, spec: spec, training: training, validation: validation),
                              background: trainer.background.phases + trainer.idleWork.phases
                                  + [(name: "batches built ahead (augmentation, rescale)", seconds: trainer.backgroundBatchSeconds,
                                      cpuSeconds: trainer.backgroundBatchCPUSeconds)])
        if outcome == .finished, options.report {
            let reportStarted = StepProfiler.now()
            trained.evaluation = try trainer.lastEvaluation ?? validation.map { try Evaluation.run(model: trainer.model, spec: spec, data: $0) }
            trained.movement = try pictures.movement(trainer.model)
            profiler?.add(reportPhase, since: reportStarted)
        }
        return trained
    }

    /// `--profile`: each phase's wall time and share of the run, longest first, and the rest;
    /// they add up to the run. Then what ran beside them in the background (overlapping them, so
    /// not added), and the CPU time of the whole process.
    static func profileText(_ p: StepProfiler, total: Double, background: [BackgroundWork.Phase] = [],
                            cpuSeconds: Double? = nil) -> String {
        let measured = p.phases.map { ($0, p.seconds[$0] ?? 0) }
        let other = max(0, total - measured.reduce(0) { $0 + $1.1 })
        let rows = (measured + [("everything else (model summary, logs, checks)", other)]).sorted { $0.1 > $1.1 }
        let side = background.filter { $0.seconds > 0 }.sorted { $0.seconds > $1.seconds }
        let width = (rows.map(\.0.count) + side.map(\.name.count)).max() ?? 0
        func row(_ name: String, _ s: Double) -> String {
            "  " + name.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  %7.2f s  %5.1f%%  ", s, 100 * s / max(total, 1e-9)) + String(repeating: "█", count: Int((40 * s / max(total, 1e-9)).rounded()))
        }
        var lines = ["Where the wall time went (\(String(format: "%.2f", total)) s in all):"] + rows.map(row)
        if !side.isEmpty {
            lines.append(profileBackgroundHeading)
            // The wall time of a job includes its waits for a core (it runs at a lower priority);
            // its CPU time is what it cost.
            lines += side.map { row($0.name, $0.seconds) + ($0.cpuSeconds.map { String(format: " (%.2f s of CPU)", $0) } ?? "") }
        }
        if let cpuSeconds {
            lines.append(String(format: "CPU time: %.2f s (user and system, every thread) in %.2f s of wall time: %.2f cores busy on average.",
                                cpuSeconds, total, cpuSeconds / max(total, 1e-9)))
        }
        return lines.joined(separator: "\n")
    }

    /// The line above the background jobs of `--profile`.
    static let profileBackgroundHeading = "Beside the lines above, on another thread (overlapping them, so not part of the sum):"

    /// Two fixed images the report follows: the first of class 0 and the first of class 1.
    static func probeImages(_ data: DirectoryDataset) -> [EpochPictures.Probe] {
        (0..<min(2, data.classNames.count)).compactMap { c in
            guard let i = data.labels.firstIndex(of: c) else { return nil }
            let name = data.files[i].deletingPathExtension().lastPathComponent.replacingOccurrences(of: " ", with: "_")
            return EpochPictures.Probe(name: name, image: data.image(i), className: data.classNames[c])
        }
    }

    /// The report's settings table, keys and values in the run's language (Keras' own names,
    /// such as `shear_range`, stay as they are).
    static func settings(_ o: TrainOptions, spec: ModelSpec, training: DirectoryDataset, validation: DirectoryDataset?) -> [(String, String)] {
        let l = o.language
        let (height, width) = spec.preprocessing.targetSize
        var rows: [(String, String)] = [
            (l.pick("model", "modelo"), spec.name != "coursework" ? spec.name
                : l.pick("the coursework model", "el modelo del curso") + " (Conv2D 32 3×3 relu → MaxPooling2D 2×2 → Flatten → Dense 128 relu → Dense 1 sigmoid)"),
            (l.pick("training images", "imágenes de entrenamiento"),
             l.pick("\(training.count) in \(o.trainFolder.path), classes ", "\(training.count) en \(o.trainFolder.path), clases ") + training.classIndicesDescription),
            (l.pick("epochs × steps × batch", "épocas × pasos × lote"), "\(o.epochs) × \(o.stepsPerEpoch) × \(o.batchSize)"),
            (l.pick("optimizer, loss", "optimizador, pérdida"), o.optimizer.description(l) + l.pick(", binary cross-entropy", ", entropía cruzada binaria (binary_crossentropy)")),
            (l.pick("preprocessing", "preprocesado"), l.pick("resize to ", "redimensionar a ") + "\(height)×\(width) (\(spec.preprocessing.interpolation)), rescale 1/255"),
            (l.pick("augmentation", "aumento de datos"), o.augment
                ? "shear_range \(o.shearRange) " + l.pick("(degrees, as Keras)", "(en grados, como Keras)") + ", zoom_range \(o.zoomRange), horizontal_flip \(o.horizontalFlip)"
                : l.pick("none", "ninguno")),
            (l.pick("batch order", "orden de los lotes"), o.order == .keras3
                ? l.pick("Keras 3: each epoch takes the first steps of a fresh shuffle", "Keras 3: cada época toma los primeros pasos de una nueva mezcla")
                : l.pick("Keras 2: batches continue through the shuffled data across epochs", "Keras 2: los lotes siguen recorriendo los datos mezclados de una época a otra")),
            (l.pick("seed", "semilla"), String(o.seed)),
        ]
        if !o.shuffle {
            rows.insert((l.pick("shuffle", "mezcla"), l.pick("off: every pass takes the images in flow_from_directory's order (class, then file name)",
                                                           "no: cada pasada toma las imágenes en el orden de flow_from_directory (clase, luego nombre de archivo)")), at: rows.count - 1)
        }
        if let m = o.initialModel { rows.insert((l.pick("initial weights", "pesos iniciales"), m.path), at: 1) }
        if let v = validation {
            rows.insert((l.pick("validation images", "imágenes de validación"), "\(v.count) " + l.pick("in ", "en ") + (o.validationFolder?.path ?? "")), at: 2)
        }
        return rows
    }

    /// Before any work: the run folder must be new or a run folder of cnnviz's; a new run never
    /// writes over an earlier one, and --resume needs the run it continues.
    static func checkOutput(_ options: TrainOptions) throws {
        let output = options.output
        try OutputFolder.claim(output, create: false)
        let checkpoint = output.appendingPathComponent("checkpoint")
        if FileManager.default.fileExists(atPath: output.path) {
            AtomicWrite.recover(checkpoint)  // a run killed between two renames left it aside
        }
        let hasCheckpoint = FileManager.default.fileExists(atPath: checkpoint.path)
        if !options.resume, hasCheckpoint {
            throw CNNError.invalidInput("\(output.path) already holds a training run",
                                        hint: "add --resume to continue it, or choose another --output folder")
        }
        if options.resume, !FileManager.default.fileExists(atPath: output.path) {
            throw CNNError.invalidInput("there is no training run in \(output.path) to resume",
                                        hint: "check the --output path, or leave out --resume to start a new run")
        }
    }
}
