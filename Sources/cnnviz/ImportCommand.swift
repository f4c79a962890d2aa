import ArgumentParser
import CNNCore
import Foundation
import Workflows

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a Keras model file (.keras or legacy .h5) into a CNNViz model folder.",
        discussion: """
        Reads what Keras' model.save() writes: Keras 3's .keras and the legacy .h5 of Keras 2 and 3 \
        (Sequential models, or functional ones that are one chain of layers). A Keras file does not \
        record ImageDataGenerator's rescale or the class names: the folder gets rescale 1/255 (1 if \
        the model starts with a Rescaling layer) unless --rescale says otherwise, and the names \
        from --classes (or none: evaluate then takes the data folder's). Every --model option also \
        takes the Keras file directly; importing makes these choices once, in model.json.
        Example: cnnviz import modelo.h5 --output modelo --classes cats,dogs
        """
    )

    @Argument(help: "The Keras file: model.keras or model.h5.") var file: String
    @Option(help: "The model folder to write. Default: output/models/<file name>.") var output: String?
    @OptionGroup var assumed: AssumptionOptions

    func validate() throws {
        guard !file.isEmpty else { throw ValidationError("Give the Keras file to import, e.g. cnnviz import modelo.keras") }
    }

    func run() throws {
        try CLIError.guarding {
            let fileURL = URL(fileURLWithPath: file)
            let folder = output.map { URL(fileURLWithPath: $0) } ?? KerasExchange.defaultImportFolder(for: fileURL)
            let loaded = try KerasExchange.importFile(fileURL, output: folder, overrides: try assumed.overrides())
            let model = loaded.saved.model
            print("Read \(loaded.origin): \"\(loaded.saved.spec.name)\", \(model.layers.count) layers, \(Summary.grouped(model.parameterCount + model.bufferCount)) parameters.")
            for line in loaded.assumptions { print("  " + line) }
            print("Wrote the model folder \(folder.path) (model.json, weights.safetensors).")
        }
    }
}
