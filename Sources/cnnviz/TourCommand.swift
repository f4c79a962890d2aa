import ArgumentParser
import Foundation
import Visualize
import Workflows

struct TourCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tour",
        abstract: "Run the whole path once and write output/index.html (tutorials, data, training, inspection).",
        discussion: """
        Trains on photos in the coursework's layout (training_set/ and test_set/, a folder per class) \
        given with --data, or found in "Gatos y Perros" or ../shared/datasets/cats-and-dogs; \
        without them, on demo pictures of stripes it draws itself.
        """
    )

    @Option(help: "Folder to write into.") var output = "output"
    @Option(help: "Training epochs.") var epochs = 10
    @Option(help: "Seed for the demo data and the training run.") var seed: UInt64 = 1
    @Option(help: "A photo folder in the coursework's layout (default: \"Gatos y Perros\" or ../shared/datasets/cats-and-dogs if there, else demo stripes).")
    var data: String?
    @Option(help: "Language of the whole tour (its tutorials, the training report, the inspection and the index): en or es.")
    var lang: Language = .en

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be at least 1.") }
    }

    func run() throws {
        try CLIError.guarding {
            Interrupt.install()
            defer { Interrupt.uninstall() }
            let photos = data.map { URL(fileURLWithPath: $0) } ?? Tour.findPhotos()
            let result = try Tour.run(output: URL(fileURLWithPath: output), epochs: epochs, seed: seed, photos: photos, language: lang)
            print(lang.pick("\nDone. Open \(result.index.standardizedFileURL.path) in a browser (it works offline).",
                            "\nHecho. Abre \(result.index.standardizedFileURL.path) en un navegador (funciona sin conexión)."))
        }
    }
}
