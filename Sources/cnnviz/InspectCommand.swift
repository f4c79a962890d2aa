import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Run one image through a model and write PNGs, the trace and an HTML page (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz inspect' is not built yet in this version")
    }
}
