import ArgumentParser

@main
struct CNNViz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnnviz",
        abstract: "See every number a convolutional neural network computes.",
        subcommands: [
            TourCommand.self, TutorialCommand.self, SummaryCommand.self, InspectCommand.self,
            AugmentCommand.self, DatasetCommand.self, TrainCommand.self, EvaluateCommand.self,
            PredictCommand.self, BenchCommand.self,
        ]
    )
}
