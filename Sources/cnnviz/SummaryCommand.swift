import ArgumentParser
import CNNCore
import Foundation

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model's layers, output shapes and parameter counts, like Keras' model.summary()."
    )

    @Option(name: .long, help: "A model folder (model.json + weights.safetensors). Default: the coursework model.")
    var model: String?

    @Option(name: .long, help: "An architecture file (model.json form) to summarise without weights.")
    var architecture: String?

    func run() throws {
        try CLIError.guarding {
            if let model {
                let saved = try SavedModel.load(from: URL(fileURLWithPath: model))
                print(Summary.text(saved.model, name: saved.spec.name))
            } else if let architecture {
                let spec = try ModelSpec.load(URL(fileURLWithPath: architecture))
                print(Summary.text(try spec.build(path: architecture), name: spec.name))
            } else {
                print(Summary.text(try Coursework.model(), name: "coursework"))
            }
        }
    }
}
