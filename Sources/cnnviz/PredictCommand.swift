import ArgumentParser
import CNNCore
import Foundation
import Workflows

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Class and probability for images, with a saved model.",
        discussion: """
        Each image is read and resized exactly as in training (the model folder's preprocessing).
        The probability printed is that of class index 1 (e.g. dogs when the classes are cats, dogs);
        above 0.5 the image is class 1. The coursework's `if result[0][0] == 1` compares a probability
        with exactly 1.0, which almost never holds: use the 0.5 threshold.
        """
    )

    @Option(help: "A model folder written by cnnviz train or import, a .keras or a legacy .h5 file.") var model: String
    @OptionGroup var assumed: AssumptionOptions
    @Argument(help: "Images (JPEG or PNG).") var images: [String]
    @Flag(help: "Print one JSON object per line per image: image, probability, class.") var json = false

    func validate() throws {
        if images.isEmpty { throw ValidationError("give at least one image, e.g. cnnviz predict --model DIR cat.4001.jpg") }
    }

    func run() throws {
        try CLIError.guarding {
            let predictor = try Predictor(modelFolder: URL(fileURLWithPath: model), overrides: try assumed.overrides())
            for path in images {
                let p = try predictor.predict(URL(fileURLWithPath: path))
                if json {
                    print(JSONValue.object(["image": .string(path), "probability": .number(Double(p.probability)),
                                            "class": .string(p.className)]).compactString())
                } else {
                    print("\(path): \(p.className) (probability of \(predictor.classNames.last ?? "class 1"): \(String(format: "%.4f", p.probability)))")
                }
            }
        }
    }
}
