import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate", abstract: "Loss, accuracy and confusion matrix of a model on a folder of images (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz evaluate' is not built yet in this version")
    }
}
