import ArgumentParser
import CNNCore
import FastPlan

@main
struct CNNViz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnnviz",
        abstract: "See every number a convolutional neural network computes.",
        subcommands: [
            TourCommand.self, TutorialCommand.self, ExerciseCommand.self, SummaryCommand.self, InspectCommand.self,
            AugmentCommand.self, DatasetCommand.self, TrainCommand.self, EvaluateCommand.self,
            PredictCommand.self, ExplainCommand.self, ImportCommand.self, ExportCommand.self, BenchCommand.self,
        ]
    )

    /// ArgumentParser's own `main()` (parse, run, `exit(withError:)`), between `StandardStreams`'
    /// preparation and its check that everything printed reached standard output: a command whose
    /// output went nowhere (`> /dev/full`) must not exit 0.
    static func main() {
        StandardStreams.prepare()
        // The program's own choice, not a side effect of calling a kernel: keep the batches'
        // large arrays in the heap between training steps (see `Allocator`).
        _ = Allocator.keepLargeBlocks
        // As TensorFlow's threads: numbers below 1.2e-38 become 0 (see `Denormals`).
        Denormals.flushToZeroOnThisThread()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            StandardStreams.finish()
            exit(withError: error)
        }
        StandardStreams.finish()
    }
}
