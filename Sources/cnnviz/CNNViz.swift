import ArgumentParser

@main
struct CNNViz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnnviz",
        abstract: "See every number a convolutional neural network computes.",
        subcommands: [SummaryCommand.self]
    )
}
