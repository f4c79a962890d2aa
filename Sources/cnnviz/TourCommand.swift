import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct TourCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tour", abstract: "Run the whole path once and write output/index.html (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz tour' is not built yet in this version")
    }
}
