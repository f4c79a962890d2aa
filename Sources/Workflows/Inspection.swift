import CNNCore
import Foundation
import ImageFiles
import Visualize

/// Runs one image through a model with a trace and writes the inspection folder: the explorer
/// (`index.html` with its script, style and data), the pictures page (`pictures.html` and
/// `pictures/*.png`) and the trace (`tensors/*.npy`, `manifest.json`). What `cnnviz inspect` does.
///
/// The folder is filled under a temporary name and renamed into place at the end
/// (`AtomicWrite.folder`), so a failure never leaves a half-written folder that looks complete.
public enum Inspection {
    /// Where the model comes from.
    public enum ModelSource {
        /// The untrained coursework model with weights drawn from a seed.
        case coursework(seed: UInt64)
        /// A model folder (model.json + weights.safetensors), or a .keras or .h5 file (`ModelFiles`).
        case folder(URL)
        /// The same, with what the person said about rescale and classes.
        case file(URL, ModelOverrides)
        /// A model already loaded from that file (the training report inspects several images with
        /// one). An inspection writes its trace into the model's layers and leaves nothing behind
        /// that the next one reads, so one model serves one inspection after another (not two at once).
        case loaded(LoadedModel, from: URL)
    }

    /// What was written and what the model said.
    public struct Result {
        public var folder: URL
        public var modelDescription: String
        /// The class the model picks, and the probability it gives that class.
        public var predictedClass: String
        public var probability: Float
        /// Every file written, relative to `folder`.
        public var files: [String]
    }

    /// The explanation's folder inside an inspection.
    public static let explainFolder = "explain"

    /// `output/inspect/<image>-<model>`: named by both, so inspecting the same photo with the
    /// untrained and the trained model gives two folders to compare, not one overwritten.
    public static func defaultOutputFolder(for image: URL, model: ModelSource, base: URL = URL(fileURLWithPath: "output")) -> URL {
        base.appendingPathComponent("inspect")
            .appendingPathComponent(image.deletingPathExtension().lastPathComponent + "-" + modelLabel(model))
    }

    /// A short name for a model source: "untrained-seed-1", a Keras file's name, or a model
    /// folder's name (its run's name for a `…/<run>/model` folder that `cnnviz train` wrote).
    public static func modelLabel(_ source: ModelSource) -> String {
        let url: URL
        switch source {
        case .coursework(let seed): return "untrained-seed-\(seed)"
        case .folder(let folder): url = folder
        case .file(let file, _): url = file
        case .loaded(_, let file): url = file
        }
        let standard = url.standardizedFileURL
        let name = standard.lastPathComponent == "model" ? standard.deletingLastPathComponent().lastPathComponent
            : standard.deletingPathExtension().lastPathComponent
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        return safe.isEmpty ? "model" : safe
    }

    /// Reads the image as the model's preprocessing says (resize to the target size with its
    /// interpolation, then multiply by `rescale`): the tensor (1, H, W, 3) and the resized image.
    public static func preprocess(_ image: RGBImage, _ p: Preprocessing) -> (tensor: Tensor, resized: RGBImage) {
        let resized = ModelInput.resized(image, p)
        return (ModelInput.tensor(resized, p), resized)
    }

    /// Loads the model, reads the image, runs forward and backward with a trace, and writes the folder.
    /// Tensors of more than `Trace.largeTensor` values (the Dense kernel and its gradient) get a
    /// `.npy` file only with `allTensors`. `target` chooses the class the loss is computed
    /// against (default the predicted one; `inspect --target`). `indexLink` is the index page
    /// this inspection belongs to (href relative to `output`). With `explain` (`inspect --explain`,
    /// and the tour), `explain/` holds the explanation of the same answer (`Explanation`), which
    /// the explorer links; it takes about as long again as the inspection. `language` is the
    /// pages' (and the pictures' titles').
    @discardableResult
    public static func run(image imageURL: URL, model source: ModelSource, output: URL, allTensors: Bool = false,
                           target: Explanation.Target = .predicted,
                           indexLink: (href: String, title: String)? = nil, explain: Bool = false, language: Language = .en) throws -> Result {
        let spec: ModelSpec
        let model: Sequential
        let modelDescription: String
        switch source {
        case .coursework(let seed):
            spec = Coursework.spec()
            model = try spec.build(seed: seed)
            modelDescription = Explanation.untrainedDescription(seed: seed, language)
        case .folder(let url):
            return try run(image: imageURL, model: .file(url, ModelOverrides()), output: output, allTensors: allTensors,
                           target: target, indexLink: indexLink, explain: explain, language: language)
        case let .file(url, overrides):
            return try run(image: imageURL, model: .loaded(ModelFiles.load(url, overrides: overrides), from: url), output: output,
                           allTensors: allTensors, target: target, indexLink: indexLink, explain: explain, language: language)
        case let .loaded(loaded, url):
            spec = loaded.saved.spec
            model = loaded.saved.model
            modelDescription = Explanation.description(of: loaded, from: url, language)
        }
        guard model.inputShape.count == 3, model.inputShape[2] == 3 else {
            throw CNNError.invalidInput("the model takes input \(CNNError.format(model.inputShape)), but inspect feeds RGB images (height, width, 3)",
                                        hint: "use a model whose input_shape ends in 3")
        }
        let original: RGBImage
        do {
            original = try ImageFile.read(imageURL)
        } catch let error as ImageError {
            throw CNNError.invalidInput("cannot read the image \(error.path): \(error.reason)", hint: "give a JPEG or PNG file")
        }
        var preprocessing = spec.preprocessing
        preprocessing.targetSize = (model.inputShape[0], model.inputShape[1])
        let (x, _) = preprocess(original, preprocessing)
        let classNames = spec.classNames
        let (chosen, targetReason) = try Explanation.resolve(target, image: imageURL,
                                                             classNames: classNames.isEmpty ? ["class_0", "class_1"] : classNames, language: language)

        // Forward, then backward from the loss against the target class (the predicted one unless
        // --target says otherwise), so the page can show what would change the answer.
        let trace = Trace()
        let out = try model.forwardChecked(x, for: imageURL.path, trace: trace)
        let (predicted, probability, _) = decide(out)
        let targetClass = chosen < 0 ? predicted : chosen
        let targetName = targetClass < classNames.count ? classNames[targetClass] : language.pick("class ", "clase ") + "\(targetClass)"
        let gradientTarget = language.pick("the loss against \(targetName) (class \(targetClass), \(targetReason))",
                                           "la pérdida respecto a \(language.label(targetName)) (clase \(targetClass), \(targetReason))")
        let (_, gradient, fromLogit) = try model.lossAndGradient(output: out, targets: lossTarget(targetClass, like: out), loss: spec.loss)
        model.zeroGradients()
        // Down to the image itself (the first layer's input gradient, which training skips):
        // dLoss/dx, recorded as that layer's grad_input, is what would change the answer most.
        _ = try model.inputGradient(gradient, at: model.layers.count - 1, fromPreActivation: fromLogit, trace: trace)
        trace.captureGradients(of: model)

        let className = predicted < classNames.count ? classNames[predicted] : language.pick("class ", "clase ") + "\(predicted)"
        var context = InspectionPage.Context(
            imagePath: imageURL.path, imageSize: (original.width, original.height), modelDescription: modelDescription,
            modelName: spec.name, preprocessing: preprocessing, classNames: classNames, loss: spec.loss.rawValue,
            predictedClass: className, probability: probability)
        context.indexLink = indexLink
        context.language = language
        context.gradientTarget = gradientTarget
        if chosen >= 0 { context.chosenTargetClass = targetName }
        var files: [String] = []
        let largestFile = allTensors ? Int.max : Trace.largeTensor
        try AtomicWrite.folder(at: output) { folder in
            // Where the model looked for this answer (Grad-CAM, saliency, occlusion), beside the
            // explorer, which lays the Grad-CAM map over the photo and links the page.
            if explain {
                let explanation = try Explanation.run(image: imageURL, loaded: (spec, model, modelDescription), target: target,
                                                      occlusion: .suited(toSide: min(model.inputShape[0], model.inputShape[1])),
                                                      output: folder.appendingPathComponent(explainFolder), language: language)
                context.explainLink = explainFolder + "/" + ExplanationPage.pageName
                context.gradCAM = explanation.gradCAM
                files += explanation.files.map { explainFolder + "/" + $0 }
            }
            let manifest = try trace.write(to: folder, extra: [
                "image": .string(imageURL.path), "model": .string(modelDescription),
                "predicted_class": .string(className), "probability_of_predicted_class": .number(Double(probability)),
                "probability_of_class_1": .number(Double(ExplanationMaps.probability(of: 1, in: Array(out.data.prefix(out.shape.last ?? 1))))),
                "gradient_target": .string(gradientTarget), "gradient_target_class": .int(targetClass),
            ], largestFile: largestFile)
            files += try writePages(TraceView(trace, manifest: manifest), context: context, to: folder)
        }
        files += trace.entries.filter { $0.tensor.count <= largestFile }.map { "tensors/" + $0.fileName } + ["manifest.json"]
        return Result(folder: output, modelDescription: modelDescription, predictedClass: className, probability: probability, files: files)
    }

    /// Writes the explorer (`index.html` and its three files), the pictures and `pictures.html`
    /// into `folder` (being filled under a temporary name); returns the files written, relative to it.
    static func writePages(_ trace: TraceView, context: InspectionPage.Context, to folder: URL) throws -> [String] {
        let (pictures, html) = try InspectionPage.render(trace, context: context)
        let pictureURL = folder.appendingPathComponent(InspectionPage.pictureFolder)
        try OutputFolder.create(pictureURL)
        for p in pictures { try ImageFile.write(p.image, to: pictureURL.appendingPathComponent(p.file)) }
        try AtomicWrite.file(Data(html.utf8), to: folder.appendingPathComponent(InspectionPage.pageName))
        let explorer = try ExplorerPage.files(trace, context: context)
        for file in explorer { try AtomicWrite.file(Data(file.text.utf8), to: folder.appendingPathComponent(file.name)) }
        return pictures.map { InspectionPage.pictureFolder + "/" + $0.file } + [InspectionPage.pageName] + explorer.map(\.name)
    }

    /// Class `c` as a loss target shaped like `out`: 0/1 for one sigmoid unit, one-hot for several.
    static func lossTarget(_ c: Int, like out: Tensor) -> Tensor {
        var target = [Float](repeating: 0, count: out.count)
        if out.count == 1 { target[0] = Float(c) } else { target[c] = 1 }
        return Tensor(shape: out.shape, data: target)
    }

    /// The class a model output picks (`ClassDecision`), its probability, and that class as a
    /// target for the loss: 0/1 for one sigmoid unit, one-hot for several.
    static func decide(_ out: Tensor) -> (Int, Float, Tensor) {
        let decision = ClassDecision(output: out.data)
        var target = [Float](repeating: 0, count: out.count)
        if out.count == 1 { target[0] = Float(decision.index) } else { target[decision.index] = 1 }
        return (decision.index, decision.probability, Tensor(shape: out.shape, data: target))
    }
}
