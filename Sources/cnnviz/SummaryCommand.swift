import ArgumentParser
import CNNCore
import FastPlan
import Foundation
import Workflows

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model's layers, output shapes and parameter counts, like Keras' model.summary()."
    )

    @Option(name: .long, help: "A model folder (model.json + weights.safetensors), a .keras or a legacy .h5 file. Default: the coursework model.")
    var model: String?

    @Option(name: .long, help: "An architecture file (model.json form, or Keras' model.to_json()) to summarise without weights.")
    var architecture: String?

    @OptionGroup var assumed: AssumptionOptions

    @Flag(help: "Also list the stages the fast plan runs for training and evaluation, and why a layer was not fused.")
    var plan = false

    func run() throws {
        try CLIError.guarding {
            let (model, name): (Sequential, String)
            var preprocessing: [String] = []
            if let modelPath = self.model {
                let loaded = try ModelFiles.load(URL(fileURLWithPath: modelPath), overrides: try assumed.overrides())
                (model, name) = (loaded.saved.model, loaded.saved.spec.name)
                preprocessing = loaded.assumptions
            } else if let architecture {
                let spec = try ArchitectureFile.load(URL(fileURLWithPath: architecture))
                (model, name) = (try spec.build(path: architecture), spec.name)
            } else {
                (model, name) = (try Coursework.model(), "coursework")
            }
            print(Summary.text(model, name: name))
            if !preprocessing.isEmpty {
                print("\nPreprocessing and classes:")
                for line in preprocessing { print("  " + line) }
            }
            if plan {
                print("\nFast plan (training, evaluation, bench):")
                for line in try ExecutionPlan(model).lines { print("  " + line) }
            }
        }
    }
}
