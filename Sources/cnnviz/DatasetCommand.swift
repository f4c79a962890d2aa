import ArgumentParser
import Foundation
import Workflows

struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Make data sets to learn from.",
        subcommands: [Synth.self]
    )

    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synth",
            abstract: "Draw the built-in demo data set: striped pictures, horizontal vs vertical.",
            discussion: """
            Writes training_set/{horizontal,vertical}/*.jpg and test_set/{horizontal,vertical}/*.png in the
            coursework's layout. The classes differ only in the direction of their edges, so the kernels
            a network learns on them become visible edge detectors. Seeded: the same seed gives the same files.
            """
        )
        @Option(help: "Folder to write (replaced whole if it exists).") var output = "output/demo-data"
        @Option(name: .customLong("train-per-class"), help: "Training images per class.") var trainPerClass = 300
        @Option(name: .customLong("test-per-class"), help: "Test images per class.") var testPerClass = 100
        @Option(help: "Seed.") var seed: UInt64 = 0

        func validate() throws {
            guard trainPerClass > 0, testPerClass > 0 else { throw ValidationError("--train-per-class and --test-per-class must be at least 1.") }
        }

        func run() throws {
            try CLIError.guarding {
                let url = URL(fileURLWithPath: output)
                try DemoDataset(trainingPerClass: trainPerClass, testPerClass: testPerClass, seed: seed).write(to: url)
                print("Wrote \(2 * (trainPerClass + testPerClass)) images to \(url.path)/{training_set,test_set}/{horizontal,vertical}/")
                print("Train on it: cnnviz train --train \(output)/training_set --validation \(output)/test_set --epochs 5")
            }
        }
    }
}
