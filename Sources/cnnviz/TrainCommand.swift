import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train the classifier on a folder of images, like the coursework (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz train' is not built yet in this version")
    }
}
