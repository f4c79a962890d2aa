import CNNCore
import Foundation
import ImageFiles
import Lessons
import Visualize

/// `cnnviz tour`: the whole path once, on a fresh machine, with nothing to download: the
/// convolution and pooling tutorials, the demo data set, a short training run on it, an
/// inspection of one image through the trained model, and `output/index.html` linking it all.
public enum Tour {
    public struct Result {
        public var index: URL
        public var validationAccuracy: Double?
    }

    public static func run(output root: URL, epochs: Int = 10, seed: UInt64 = 1, log: @escaping (String) -> Void = { print($0) }) throws -> Result {
        try OutputFolder.claim(root)
        log("== 1/4 Tutorials: convolution and max pooling, one computation at a time")
        let tutorials = root.appendingPathComponent("tutorials")
        var tutorialLinks: [(String, String)] = []
        for name in ["convolution", "pooling"] {
            let (walk, folder) = try TutorialFiles.runAndWrite(name: name, outputRoot: tutorials)
            log("   \(walk.title): \(walk.steps.count) steps → \(folder.path)/index.html")
            tutorialLinks.append((walk.title, "tutorials/\(folder.lastPathComponent)/index.html"))
        }

        log("== 2/4 The demo data set: striped pictures, horizontal vs vertical")
        let data = root.appendingPathComponent("demo-data")
        try DemoDataset(seed: seed).write(to: data)
        log("   wrote \(data.path)/{training_set,test_set}")

        log("== 3/4 Training the coursework model on it (\(epochs) epochs × 20 steps × 32)")
        let run = root.appendingPathComponent("runs/tour")
        // The tour's own run from last time (only if everything in it is cnnviz's).
        try OutputFolder.checkReplaceable(run)
        try OutputFolder.removeOwned(run)
        var options = TrainOptions(trainFolder: data.appendingPathComponent("training_set"), output: run)
        options.validationFolder = data.appendingPathComponent("test_set")
        options.epochs = epochs
        options.seed = seed
        let trained = try TrainingSession.run(options, log: log)
        let accuracy = trained.history.last?.valAccuracy

        log("== 4/4 Inspecting one test image through the trained model")
        let image = data.appendingPathComponent("test_set/vertical/vertical.1.png")
        let inspection = try Inspection.run(image: image, model: .folder(run.appendingPathComponent("model")),
                                            output: root.appendingPathComponent("inspect/tour-vertical.1"))
        log("   \(image.lastPathComponent): \(inspection.predictedClass) (p = \(String(format: "%.3f", inspection.probability))) → \(inspection.folder.path)/index.html")

        let index = root.appendingPathComponent("index.html")
        try AtomicWrite.file(Data(page(tutorials: tutorialLinks, accuracy: accuracy, history: trained.history).utf8), to: index)
        return Result(index: index, validationAccuracy: accuracy)
    }

    static func page(tutorials: [(String, String)], accuracy: Double?, history: [EpochRecord]) -> String {
        var page = HTMLPage(title: "CNNViz tour")
        page.heading("CNNViz: a tour of a convolutional network", level: 1)
        page.raw("<p>Everything below was computed on this machine by <code>cnnviz tour</code>. Open the pages in order.</p>")
        page.heading("1. One computation at a time")
        page.raw("<ul>" + tutorials.map { "<li>" + HTMLPage.link($0.1, $0.0) + "</li>" }.joined()
                 + "<li>" + HTMLPage.link("tutorials/index.html", "All tutorials") + "</li></ul>")
        page.raw("<p>More: <code>cnnviz tutorial list</code> (padding and stride, channels, ReLU, flatten and dense, edges, backprop).</p>")
        page.heading("2. The demo data set")
        page.paragraph("Two classes of striped pictures that differ only in the direction of their edges, as real JPEG and PNG files in demo-data/training_set and demo-data/test_set.")
        page.heading("3. Training")
        let result = accuracy.map { String(format: "validation accuracy %.1f%% after %d epochs", $0 * 100, history.count) } ?? "trained"
        page.raw("<p>" + HTMLPage.link("runs/tour/index.html", "The training report") + ": learning curves, kernels and feature maps at every epoch, the confusion matrix (\(HTMLPage.escape(result))).</p>")
        page.heading("4. One image through the trained network")
        page.raw("<p>" + HTMLPage.link("inspect/tour-vertical.1/index.html", "Inspection of vertical.1.png") + ": every layer's numbers and pictures, and the raw tensors as .npy files.</p>")
        page.heading("Next: your own photos")
        page.raw("<p><code>cnnviz train --train \"Gatos y Perros/training_set\" --validation \"Gatos y Perros/test_set\"</code>, then "
                 + "<code>cnnviz inspect IMAGE --model output/runs/&lt;run&gt;/model</code>.</p>")
        return page.render()
    }
}
