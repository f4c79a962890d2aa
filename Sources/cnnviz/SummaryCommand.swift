import ArgumentParser
import CNNCore
import FastPlan
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

    @Flag(help: "Also list the stages the fast plan runs for training and evaluation, and why a layer was not fused.")
    var plan = false

    func run() throws {
        try CLIError.guarding {
            let (model, name): (Sequential, String)
            if let modelPath = self.model {
                let saved = try SavedModel.load(from: URL(fileURLWithPath: modelPath))
                (model, name) = (saved.model, saved.spec.name)
            } else if let architecture {
                let spec = try ModelSpec.load(URL(fileURLWithPath: architecture))
                (model, name) = (try spec.build(path: architecture), spec.name)
            } else {
                (model, name) = (try Coursework.model(), "coursework")
            }
            print(Summary.text(model, name: name))
            if plan {
                print("\nFast plan (training, evaluation, bench):")
                for line in try ExecutionPlan(model).lines { print("  " + line) }
            }
        }
    }
}
