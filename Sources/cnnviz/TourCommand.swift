import ArgumentParser
import Foundation
import Workflows

struct TourCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tour",
        abstract: "Run the whole path once and write output/index.html (tutorials, demo data, training, inspection)."
    )

    @Option(help: "Folder to write into.") var output = "output"
    @Option(help: "Training epochs on the demo data set.") var epochs = 10
    @Option(help: "Seed for the demo data and the training run.") var seed: UInt64 = 1

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be at least 1.") }
    }

    func run() throws {
        try CLIError.guarding {
            Interrupt.install()
            defer { Interrupt.uninstall() }
            let result = try Tour.run(output: URL(fileURLWithPath: output), epochs: epochs, seed: seed)
            print("\nDone. Open \(result.index.standardizedFileURL.path) in a browser (it works offline).")
        }
    }
}
