import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct BenchDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decode", abstract: "Decode + resize throughput of a folder of images (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz decode' is not built yet in this version")
    }
}
