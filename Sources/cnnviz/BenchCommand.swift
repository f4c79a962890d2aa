import ArgumentParser

/// `cnnviz bench …`: throughput figures, meaningful only in a release build.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (build with -c release for figures worth quoting).",
        subcommands: [BenchTrainCommand.self, BenchInferCommand.self, BenchDecodeCommand.self]
    )
}
