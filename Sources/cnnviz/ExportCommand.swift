import ArgumentParser
import CNNCore
import Foundation
import Workflows

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model as a Keras file (.keras or legacy .h5) that keras.saving.load_model loads.",
        discussion: """
        The file holds the architecture and the weights, in Keras' own layouts; Keras gives the same \
        outputs for the same inputs. It holds no optimizer state and no compile settings: in Keras, \
        call model.compile(...) before training it further. Keras files do not record the rescale \
        or the class names: preprocess images as the model folder says (cnnviz summary --model DIR).
        Example: cnnviz export --model output/runs/RUN/model --output modelo.keras
        """
    )

    @Option(help: "The model: a CNNViz model folder, or a .keras or .h5 file (to convert it).") var model: String
    @Option(help: "The file to write; its name decides the format: .keras (Keras 3) or .h5 (legacy).") var output: String

    func run() throws {
        try CLIError.guarding {
            let url = URL(fileURLWithPath: output)
            let loaded = try KerasExchange.export(model: URL(fileURLWithPath: model), output: url)
            print("Wrote \(url.path): \"\(loaded.saved.spec.name)\" from \(loaded.origin), for keras.saving.load_model.")
        }
    }
}
