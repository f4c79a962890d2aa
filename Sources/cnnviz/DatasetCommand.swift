import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dataset", abstract: "Draw the built-in demo data set (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz dataset' is not built yet in this version")
    }
}
