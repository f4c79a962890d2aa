import ArgumentParser
import CNNCore
import Foundation
import Visualize
import Workflows

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Run one image through a model and write an interactive page of every number, pictures and the trace.",
        discussion: """
        Without --model the untrained coursework model is used (weights from --seed), so this works \
        on a fresh clone. The folder gets index.html, the explorer (open it in a browser; it works \
        offline: click any cell of any layer to see how it was computed), pictures.html with \
        pictures/*.png, and the trace for Python: tensors/*.npy and manifest.json. Tensors of more \
        than a million values (a large Dense kernel and its gradient) get a .npy only with --all-tensors.
        """
    )

    @Argument(help: "The image (JPEG or PNG).")
    var image: String

    @Option(name: .long, help: "A model folder (model.json + weights.safetensors), a .keras or a legacy .h5 file. Default: the untrained coursework model.")
    var model: String?

    @OptionGroup var assumed: AssumptionOptions

    @Option(name: .long, help: "Where to write. Default: output/inspect/<image name>-<model name>.")
    var output: String?

    @Option(name: .long, help: "Seed of the untrained coursework model's weights (default 1, as train's, so before and after compare the same network; not allowed with --model).")
    var seed: UInt64?

    @Option(name: .long, help: "The class whose loss the gradients are of: predicted (default), true (the name of the image's folder), a class name or index.")
    var target = "predicted"

    @Flag(name: .long, help: "Also write the .npy of tensors over a million values (the coursework's Dense kernel and its gradient: 15.7 MB each).")
    var allTensors = false

    @Flag(name: .long, help: "Also write explain/ (Grad-CAM, saliency, occlusion of this answer, as `cnnviz explain`) and link it from the page.")
    var explain = false
    @Option(help: "Language of the pages and of the pictures' labels: en or es.")
    var lang: Language = .en

    func validate() throws {
        guard !image.isEmpty else { throw ValidationError("Give the path of an image, e.g. cnnviz inspect cat.jpg") }
        if model != nil, seed != nil {
            throw ValidationError("--seed only chooses the weights of the untrained coursework model; leave it out when you give --model.")
        }
    }

    func run() throws {
        try CLIError.guarding {
            let imageURL = URL(fileURLWithPath: image)
            let overrides = try assumed.overrides()
            // Seed 1, as `cnnviz train`'s default: the untrained model is the trained one's start.
            let source: Inspection.ModelSource = model.map { .file(URL(fileURLWithPath: $0), overrides) } ?? .coursework(seed: seed ?? 1)
            let folder = output.map { URL(fileURLWithPath: $0) } ?? Inspection.defaultOutputFolder(for: imageURL, model: source)
            let choice: Explanation.Target = target == "predicted" ? .predicted : target == "true" ? .trueLabel : .named(target)
            let result = try Inspection.run(image: imageURL, model: source, output: folder, allTensors: allTensors, target: choice,
                                                explain: explain, language: lang)
            print("Model: \(result.modelDescription)")
            print("Answer: \(result.predictedClass) (probability \(Format.cell(result.probability, decimals: 4)))")
            print("Wrote \(result.files.count) files to \(result.folder.path)")
            print("Open \(result.folder.appendingPathComponent("index.html").path) in a browser.")
        }
    }
}
