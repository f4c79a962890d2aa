import CNNCore
import Foundation
import ImageFiles
import Visualize

/// "Why did it call my cat a dog?": one image, one target class, and the folder `cnnviz explain`
/// writes: `gradcam.npy` (H, W), `saliency.npy` (H, W, C), `occlusion.npy` (rows, columns),
/// the overlays in `pictures/` and `index.html`. Everything is checked before anything is written;
/// the folder is filled under a temporary name and renamed into place (`AtomicWrite.folder`).
public enum Explanation {
    /// Which class to explain.
    public enum Target: Equatable, Sendable {
        /// The class the model picks (`ClassDecision`).
        case predicted
        /// The image's true class: the name of the folder it is in (test_set/cats/cat.4001.jpg → cats).
        case trueLabel
        /// A class name, or a class index (0, 1 …).
        case named(String)
    }

    public struct Result {
        public var folder: URL
        public var modelDescription: String
        /// P(class 1), as `predict` prints it (unit 1 of a softmax).
        public var probability: Float
        /// The class the model picks, and the class explained.
        public var predictedClass: String
        public var targetClass: String
        /// "gradcam", "saliency", "occlusion" → path (gradcam absent without a Conv2D).
        public var npyFiles: [String: String]
        /// Every file written, relative to `folder`.
        public var files: [String]
        /// Things the person should know (no Conv2D …).
        public var notes: [String]
        /// The Grad-CAM map (H×W of the last Conv2D layer), nil for a model without Conv2D.
        public var gradCAM: Tensor?
    }

    /// `output/explain/<image name without extension>`.
    public static func defaultOutputFolder(for image: URL, base: URL = URL(fileURLWithPath: "output")) -> URL {
        base.appendingPathComponent("explain").appendingPathComponent(image.deletingPathExtension().lastPathComponent)
    }

    @discardableResult
    public static func run(image imageURL: URL, model source: Inspection.ModelSource, target: Target,
                           occlusion settings: ExplanationMaps.OcclusionSettings = .init(), output: URL, language: Language = .en) throws -> Result {
        try run(image: imageURL, loaded: load(source, language: language), target: target, occlusion: settings, output: output, language: language)
    }

    /// The same with the model already loaded (`inspect --explain` has it: no second read of
    /// the weights): its spec, the model and the sentence naming it.
    static func run(image imageURL: URL, loaded: (ModelSpec, Sequential, String), target: Target,
                    occlusion settings: ExplanationMaps.OcclusionSettings, output: URL, language: Language) throws -> Result {
        let (spec, model, modelDescription) = loaded
        guard model.inputShape.count == 3, model.inputShape[2] == 3 else {
            throw CNNError.invalidInput("the model takes input \(CNNError.format(model.inputShape)), but explain feeds RGB images (height, width, 3)",
                                        hint: "use a model whose input_shape ends in 3")
        }
        _ = try model.logitSite()
        let (height, width) = (model.inputShape[0], model.inputShape[1])
        guard settings.patch >= 1, settings.patch <= min(height, width), settings.stride >= 1, settings.stride <= min(height, width) else {
            throw CNNError.invalidInput("--patch \(settings.patch) and --stride \(settings.stride) do not fit the model's \(height)×\(width) input",
                                        hint: "give a patch and a stride from 1 to \(min(height, width)), e.g. --patch 8 --stride 4")
        }
        guard settings.fill.isFinite else {
            throw CNNError.invalidInput("--fill \(settings.fill) is not a finite number", hint: "give the value patches are filled with after rescaling, e.g. 0.5")
        }
        let original: RGBImage
        do {
            original = try ImageFile.read(imageURL)
        } catch let error as ImageError {
            throw CNNError.invalidInput("cannot read the image \(error.path): \(error.reason)", hint: "give a JPEG or PNG file")
        }
        let classNames = spec.classNames.isEmpty ? ["class_0", "class_1"] : spec.classNames
        let (chosen, targetReason) = try resolve(target, image: imageURL, classNames: classNames, language: language)
        var preprocessing = spec.preprocessing
        preprocessing.targetSize = (height, width)
        let (x, _) = Inspection.preprocess(original, preprocessing)
        var targetIndex = chosen
        if targetIndex < 0 { targetIndex = ClassDecision(output: try model.forwardChecked(x, for: imageURL.path).data).index }

        let maps = try ExplanationMaps.compute(model: model, input: x, target: targetIndex, occlusion: settings, what: imageURL.path)
        let predicted = ClassDecision(output: maps.output).index
        let name = { (i: Int) in i < classNames.count ? classNames[i] : language.pick("class ", "clase ") + "\(i)" }
        let photo = Resize.bilinear(original, width: ExplanationPictures.size, height: ExplanationPictures.size)
        let content = pageContent(maps, photo: photo, image: imageURL, model: modelDescription, classNames: classNames.map { $0 },
                                  name: name, predicted: predicted, targetReason: targetReason, language: language)
        var npy: [String: Tensor] = ["saliency.npy": maps.saliency, "occlusion.npy": maps.occlusion.map]
        if let cam = maps.gradCAM { npy["gradcam.npy"] = cam.map }
        try AtomicWrite.folder(at: output) { folder in
            for (file, tensor) in npy { try AtomicWrite.file(NPY.encode(tensor), to: folder.appendingPathComponent(file)) }
            let pictures = folder.appendingPathComponent(ExplanationPage.pictureFolder)
            try OutputFolder.create(pictures)
            for p in content.pictures { try ImageFile.write(p.picture.image, to: pictures.appendingPathComponent(p.picture.file)) }
            try AtomicWrite.file(Data(ExplanationPage.render(content).utf8), to: folder.appendingPathComponent(ExplanationPage.pageName))
        }
        let files = npy.keys.sorted() + content.pictures.map { ExplanationPage.pictureFolder + "/" + $0.picture.file } + [ExplanationPage.pageName]
        var paths: [String: String] = [:]
        for file in npy.keys { paths[String(file.dropLast(4))] = output.appendingPathComponent(file).path }
        return Result(folder: output, modelDescription: modelDescription, probability: ExplanationMaps.probability(of: 1, in: maps.output),
                      predictedClass: name(predicted), targetClass: name(targetIndex), npyFiles: paths, files: files,
                      notes: maps.gradCAM == nil ? [ExplanationMaps.gradCAMMissing] : [], gradCAM: maps.gradCAM?.map)
    }

    /// The model, its spec and a sentence saying where it came from.
    static func load(_ source: Inspection.ModelSource, language l: Language = .en) throws -> (ModelSpec, Sequential, String) {
        switch source {
        case .coursework(let seed):
            let spec = Coursework.spec()
            return (spec, try spec.build(seed: seed), untrainedDescription(seed: seed, l))
        case .folder(let url):
            return try load(.file(url, ModelOverrides()), language: l)
        case let .file(url, overrides):
            return try load(.loaded(ModelFiles.load(url, overrides: overrides), from: url), language: l)
        case let .loaded(loaded, url):
            return (loaded.saved.spec, loaded.saved.model, description(of: loaded, from: url, l))
        }
    }

    /// How the pages of inspect and explain name the untrained coursework model.
    static func untrainedDescription(seed: UInt64, _ l: Language) -> String {
        l.pick("the coursework model, untrained (weights drawn from seed \(seed))", "el modelo del curso, sin entrenar (pesos sacados de la semilla \(seed))")
    }

    /// How the pages of inspect and explain name a loaded model: its name, where it came from and
    /// what was assumed.
    static func description(of loaded: LoadedModel, from url: URL, _ l: Language) -> String {
        "\"\(loaded.saved.spec.name)\"" + l.pick(" from " + loaded.origin, " de " + url.path)
            + (loaded.assumptions.isEmpty ? "" : "; " + loaded.assumptions.joined(separator: "; "))
    }

    /// The class index a target names, and how it was chosen (-1 for "predicted": decided after the forward pass).
    static func resolve(_ target: Target, image: URL, classNames: [String], language l: Language = .en) throws -> (Int, String) {
        switch target {
        case .predicted:
            return (-1, l.pick("the predicted class", "la clase predicha"))
        case .trueLabel:
            let folder = image.deletingLastPathComponent().lastPathComponent
            guard let i = classNames.firstIndex(of: folder) else {
                throw CNNError.invalidInput("--target true takes the true class from the image's folder, but \"\(folder)\" is not one of the model's classes (\(classNames.joined(separator: ", ")))",
                                            hint: "put the image in a folder named after its class (test_set/cats/…), give --classes, or name the class: --target \(classNames[0])")
            }
            return (i, l.pick("the true label (the image's folder, \(folder))", "la etiqueta verdadera (la carpeta de la imagen, \(folder))"))
        case .named(let text):
            if let i = classNames.firstIndex(of: text) { return (i, "--target \(text)") }
            if let i = Int(text), i >= 0, i < classNames.count { return (i, "--target \(text)") }
            throw CNNError.invalidInput("--target \(text) is not a class of this model (\(classNames.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", ")))",
                                        hint: "give predicted, true, a class name or a class index")
        }
    }
}
