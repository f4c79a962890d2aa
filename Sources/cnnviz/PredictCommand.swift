import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict", abstract: "Class and probability for images, with a saved model (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz predict' is not built yet in this version")
    }
}
