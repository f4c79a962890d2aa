import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Training throughput of the coursework model (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz train' is not built yet in this version")
    }
}
