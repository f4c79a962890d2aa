import ArgumentParser

// Placeholder: the issue that builds this command replaces this file.
struct AugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "augment", abstract: "Preview ImageDataGenerator augmentation of one image as a PNG sheet (not built yet)")
    func run() throws {
        throw ValidationError("'cnnviz augment' is not built yet in this version")
    }
}
