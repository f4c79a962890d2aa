import ArgumentParser
import CNNCore
import Foundation
import ImageFiles
import Visualize
import Workflows

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the classifier on a folder of images, like the coursework.",
        discussion: """
        The defaults are the coursework's: the Conv2D → MaxPooling2D → Flatten → Dense → Dense model,
        Adam, binary cross-entropy, 32 epochs × 20 steps × 32 images, images resized to 64×64 and
        augmented with ImageDataGenerator(rescale=1/255, shear_range=0.2, zoom_range=0.2,
        horizontal_flip=True). Ctrl-C stops after the current step and saves a checkpoint; --resume
        continues it.
        Example: cnnviz train --train "Gatos y Perros/training_set" --validation "Gatos y Perros/test_set"
        """
    )

    @Option(help: "Training folder with one subfolder per class (e.g. training_set with cats/ and dogs/).")
    var train: String
    @Option(help: "Validation folder with the same class subfolders (e.g. test_set); evaluated after every epoch.")
    var validation: String?
    @Option(help: "Number of epochs; 0 writes the initial model (the weights --seed draws) and its report, and trains nothing.") var epochs = 32
    @Option(name: .customLong("steps-per-epoch"), help: "Batches per epoch.") var stepsPerEpoch = 20
    @Option(name: .customLong("batch-size"), help: "Images per batch.") var batchSize = 32
    @Option(name: .customLong("image-size"), help: "Images are resized to this many pixels square.") var imageSize = 64
    @Flag(inversion: .prefixedNo, help: "Augment training images (shear 0.2°, zoom 0.2, horizontal flip) as the coursework does.")
    var augment = true
    @Option(help: "Seed for weights, shuffling and augmentation; the same seed gives the same run.") var seed: UInt64 = 1
    @Option(name: .customLong("initial-model"), help: "Start from these weights (a model folder, .keras or .h5) instead of drawing them from --seed; the model's architecture and input size come with them.")
    var initialModel: String?
    @Option(help: "adam (the coursework's) or sgd, with Keras' defaults.") var optimizer: String = "adam"
    @Option(name: .customLong("learning-rate"), help: "The optimizer's learning rate (Keras' defaults: 0.001 for Adam, 0.01 for SGD).")
    var learningRate: Double?
    @Option(help: "SGD's momentum (Keras' default 0).") var momentum: Double = 0
    @Flag(help: "SGD with Nesterov momentum.") var nesterov = false
    @Flag(inversion: .prefixedNo, help: "Shuffle the training images before each pass (flow_from_directory's default); --no-shuffle keeps their order: class, then file name.")
    var shuffle = true
    @Option(help: "Where to write the model, history.csv and the report (default output/runs/<name>).") var output: String?
    @Option(help: "An architecture file in model.json form instead of the coursework model.") var architecture: String?
    @Flag(name: .customLong("skip-bad-images"), help: "Leave out images that cannot be read, with a warning each.") var skipBadImages = false
    @Option(help: "Batch order: keras3 (each epoch takes the first steps of a fresh shuffle) or keras2 (continue through the data).")
    var order: String = "keras3"
    @Flag(help: "Continue the run in --output from its checkpoint.") var resume = false
    @Option(name: .customLong("checkpoint-every"), help: "Seconds between checkpoints, written at the end of an epoch; 0 writes one after every epoch. The last epoch and Ctrl-C always write one.")
    var checkpointEvery: Double = 10
    @Flag(name: .customLong("no-report"), help: "Skip the pictures and the HTML report.") var noReport = false
    @Flag(help: "Print where the wall time went at the end: loading, batches, steps, validation, pictures, checkpoints, the report; then what ran in the background beside them, and the CPU time.")
    var profile = false
    @Option(help: "Language of the report and of its pictures' labels: en or es.") var lang: Language = .en

    func validate() throws {
        guard IteratorMode(rawValue: order) != nil else { throw ValidationError("--order must be keras3 or keras2.") }
        guard OptimizerChoice.Kind(rawValue: optimizer) != nil else { throw ValidationError("--optimizer must be adam or sgd.") }
        if resume && output == nil { throw ValidationError("--resume needs --output: the folder of the run to continue.") }
        try CLIError.validating { try options.checkNumbers() }  // the library's checks, before any work
    }

    func run() throws {
        try CLIError.guarding {
            Interrupt.install()
            defer { Interrupt.uninstall() }
            let result = try TrainingSession.run(options)
            print(String(format: "Training took %.1f s in all.", result.seconds))
            if case .interrupted = result.outcome { throw ExitCode(130) }
        }
    }

    /// The options as the library takes them.
    var options: TrainOptions {
        let trainURL = URL(fileURLWithPath: train)
        var options = TrainOptions(trainFolder: trainURL, output: URL(fileURLWithPath: output ?? Self.defaultOutput(for: trainURL)))
        options.validationFolder = validation.map { URL(fileURLWithPath: $0) }
        options.epochs = epochs
        options.stepsPerEpoch = stepsPerEpoch
        options.batchSize = batchSize
        options.imageSize = imageSize
        options.augment = augment
        options.seed = seed
        options.initialModel = initialModel.map { URL(fileURLWithPath: $0) }
        options.optimizer = OptimizerChoice(kind: OptimizerChoice.Kind(rawValue: optimizer) ?? .adam, learningRate: learningRate,
                                            momentum: momentum, nesterov: nesterov)
        options.shuffle = shuffle
        options.architecture = architecture.map { URL(fileURLWithPath: $0) }
        options.skipBadImages = skipBadImages
        options.order = IteratorMode(rawValue: order) ?? .keras3
        options.resume = resume
        options.checkpointSeconds = checkpointEvery
        options.report = !noReport
        options.profile = profile
        options.language = lang
        return options
    }

    /// output/runs/<training folder's parent or name>-<date-time>.
    static func defaultOutput(for train: URL) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let parent = train.deletingLastPathComponent().lastPathComponent
        let base = (["training_set", "train"].contains(train.lastPathComponent) && !parent.isEmpty ? parent : train.lastPathComponent)
            .replacingOccurrences(of: " ", with: "-")
        return "output/runs/\(base)-\(formatter.string(from: Date()))"
    }
}
