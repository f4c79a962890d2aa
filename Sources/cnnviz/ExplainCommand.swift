import ArgumentParser
import CNNCore
import Foundation
import Visualize
import Workflows

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Why did it call my cat a dog? Grad-CAM, saliency, occlusion and the Dense layer's votes for one image.",
        discussion: """
        For the target class (default: the predicted one) the score s is its logit: s = z for \
        class 1 and s = −z for class 0 of one sigmoid unit, the pre-softmax logit for a softmax \
        (Selvaraju et al. 2017). The folder gets gradcam.npy (H, W) on the last Conv2D layer, \
        saliency.npy (∂s/∂x, H, W, C), occlusion.npy (p(target) without minus with a patch), \
        overlays in pictures/ and index.html. Without --model the untrained coursework model is used.
        """
    )

    @Argument(help: "The image (JPEG or PNG).")
    var image: String

    @Option(name: .long, help: "A model folder, a .keras or a legacy .h5 file. Default: the untrained coursework model (seed 1, as train's start).")
    var model: String?

    @OptionGroup var assumed: AssumptionOptions

    @Option(name: .long, help: "The class to explain: predicted, true (the name of the image's folder), a class name or a class index.")
    var target = "predicted"

    @Option(name: .long, help: "Where to write. Default: output/explain/<image name without extension>.")
    var output: String?

    @Option(name: .long, help: "Occlusion patch side in input pixels (default 8).")
    var patch = 8

    @Option(name: .long, help: "Occlusion stride in input pixels (default 4).")
    var stride = 4

    @Option(name: .long, help: "The value an occluded pixel gets, after rescaling (default 0.5: mid gray).")
    var fill: Float = 0.5

    @Flag(name: .long, help: "Print one JSON object: probability (of class 1), class, target, files (the .npy paths).")
    var json = false
    @Option(help: "Language of the page and of the pictures' captions: en or es.")
    var lang: Language = .en

    func validate() throws {
        guard !image.isEmpty else { throw ValidationError("Give the path of an image, e.g. cnnviz explain cat.jpg --model model.keras") }
        guard patch >= 1, patch <= 4096 else { throw ValidationError("--patch must be a side in pixels from 1 to the image's size, e.g. 8; not \(patch).") }
        guard stride >= 1, stride <= 4096 else { throw ValidationError("--stride must be a step in pixels from 1 to the image's size, e.g. 4; not \(stride).") }
        guard fill.isFinite else { throw ValidationError("--fill must be a finite number (the occluded pixels' value after rescaling), e.g. 0.5.") }
        guard !target.isEmpty else { throw ValidationError("--target must be predicted, true, a class name or a class index.") }
    }

    func run() throws {
        try CLIError.guarding {
            let imageURL = URL(fileURLWithPath: image)
            let folder = output.map { URL(fileURLWithPath: $0) } ?? Explanation.defaultOutputFolder(for: imageURL)
            let overrides = try assumed.overrides()
            let source: Inspection.ModelSource = model.map { .file(URL(fileURLWithPath: $0), overrides) } ?? .coursework(seed: 1)
            let choice: Explanation.Target = target == "predicted" ? .predicted : target == "true" ? .trueLabel : .named(target)
            let result = try Explanation.run(image: imageURL, model: source, target: choice,
                                             occlusion: .init(patch: patch, stride: stride, fill: fill), output: folder, language: lang)
            if json {
                let files = ["gradcam", "saliency", "occlusion"].map { ($0, result.npyFiles[$0].map { JSONValue.string($0) } ?? .null) }
                print(JSONValue.object(["probability": .number(Double(result.probability)), "class": .string(result.predictedClass),
                                        "target": .string(result.targetClass),
                                        "files": .object(Dictionary(uniqueKeysWithValues: files))]).compactString())
                return
            }
            print("Model: \(result.modelDescription)")
            print("Answer: \(result.predictedClass) (probability of class 1: \(Format.cell(result.probability, decimals: 4)))")
            print("Explained: \(result.targetClass)")
            for note in result.notes { print("Note: \(note).") }
            print("Wrote \(result.files.count) files to \(result.folder.path)")
            print("Open \(result.folder.appendingPathComponent("index.html").path) in a browser.")
        }
    }
}
