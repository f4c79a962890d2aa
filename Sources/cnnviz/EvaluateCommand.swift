import ArgumentParser
import CNNCore
import Foundation
import Workflows

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Loss, accuracy and confusion matrix of a saved model on a folder of images."
    )

    @Option(help: "A model folder written by cnnviz train or import, a .keras or a legacy .h5 file.") var model: String
    @OptionGroup var assumed: AssumptionOptions
    @Option(help: "A folder with one subfolder per class, the same classes as in training.") var data: String
    @Flag(name: .customLong("skip-bad-images"), help: "Leave out images that cannot be read, with a warning each.") var skipBadImages = false
    @Flag(help: "Print one JSON object: images, loss, accuracy, confusion_matrix.") var json = false

    func run() throws {
        try CLIError.guarding {
            let loaded = try ModelFiles.load(URL(fileURLWithPath: model), overrides: try assumed.overrides())
            var saved = loaded.saved
            if loaded.classNamesAssumed { saved.spec.classNames = [] }  // the data folder's names, not class_0, class_1
            let log: (String) -> Void = json ? { StandardStreams.error($0) } : { print($0) }
            if !loaded.assumptions.isEmpty { log("Preprocessing and classes:") }
            for line in loaded.assumptions { log("  " + line) }
            let images = try TrainingSession.loadImages(URL(fileURLWithPath: data), spec: saved.spec,
                                                        skipBadImages: skipBadImages, minimumClasses: 1, log: log)
            try Predictor.checkClasses(images.classNames, model: saved, modelPath: model)
            let result = try Evaluation.run(model: saved.model, spec: saved.spec, data: images)
            if json {
                print(result.json(classNames: images.classNames).compactString())
                return
            }
            print(String(format: "%d images - loss: %.4f - accuracy: %.4f", result.images, result.loss, result.accuracy))
            print("Confusion matrix (rows: true class, columns: predicted):")
            let width = max(12, (images.classNames.map(\.count).max() ?? 0) + 2)
            print("".padding(toLength: width, withPad: " ", startingAt: 0) + images.classNames.map { $0.padding(toLength: width, withPad: " ", startingAt: 0) }.joined())
            for (i, row) in result.confusion.enumerated() {
                print(images.classNames[i].padding(toLength: width, withPad: " ", startingAt: 0)
                      + row.map { String($0).padding(toLength: width, withPad: " ", startingAt: 0) }.joined())
            }
        }
    }
}
