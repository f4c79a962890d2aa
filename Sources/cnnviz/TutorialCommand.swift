import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct TutorialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tutorial", abstract: "Step through one operation of the network on small matrices (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz tutorial' is not built yet in this version")
    }
}
