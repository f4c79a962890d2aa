import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct BenchInferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "infer", abstract: "Inference throughput of the coursework model (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz infer' is not built yet in this version")
    }
}
