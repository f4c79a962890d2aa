import CNNCore
import Foundation
import KerasFiles

/// What a person says about a model's input and classes that a Keras file does not record:
/// ImageDataGenerator's `rescale` and the class names (`--rescale`, `--classes`).
public struct ModelOverrides: Equatable, Sendable {
    public var rescale: Float?
    public var classNames: [String]?

    public init(rescale: Float? = nil, classNames: [String]? = nil) {
        self.rescale = rescale
        self.classNames = classNames
    }
}

/// A model from any place `--model` may name, and what was assumed about it.
public struct LoadedModel {
    public enum Source: Equatable {
        /// A CNNViz model folder (model.json + weights.safetensors).
        case folder
        /// A file Keras wrote: .keras or legacy .h5.
        case keras(KerasFormat)
    }

    public var saved: SavedModel
    public var source: Source
    /// One line per preprocessing choice the file did not record ("rescale 1/255 (assumed …)").
    public var assumptions: [String]
    /// True when the class names are CNNViz's stand-ins (class_0, class_1 …), not the file's or
    /// --classes': a data folder's own names then take their place (`evaluate`, `import` keeps none).
    public var classNamesAssumed: Bool
    /// True when the rescale is CNNViz's default for a Keras file, not recorded or given.
    public var rescaleAssumed: Bool

    /// "the Keras file m.keras (Keras 3 .keras)" or "the model folder DIR".
    public var origin: String
}

/// Opens what `--model` names: a CNNViz model folder, a `.keras` file or a legacy `.h5` file.
/// The one place commands resolve a model, so every `--model` accepts all three.
public enum ModelFiles {
    public static func load(_ url: URL, overrides: ModelOverrides = ModelOverrides()) throws -> LoadedModel {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        if isFolder.boolValue || (!exists && KerasFormat(fileName: url.path) == nil) {
            var saved = try SavedModel.load(from: url)
            let assumptions = try apply(overrides, to: &saved, rescaleKnown: true, namesKnown: true, path: url.path)
            return LoadedModel(saved: saved, source: .folder, assumptions: assumptions, classNamesAssumed: false,
                               rescaleAssumed: false, origin: "the model folder \(url.path)")
        }
        let imported = try KerasFileReader.read(url)
        var saved = SavedModel(spec: imported.spec, model: imported.model)
        var assumptions: [String] = []
        var namesRecorded = false, rescaleRecorded = false
        if let extras = imported.extras {
            // Written by cnnviz export: what the model folder recorded, unless overridden below.
            if let rescale = extras.rescale {
                saved.spec.preprocessing.rescale = rescale
                rescaleRecorded = true
                assumptions.append("rescale: \(describe(rescale)) (recorded in the file by cnnviz export)")
            }
            if !extras.classNames.isEmpty, (try? checkClassCount(extras.classNames, model: saved.model, path: url.path)) != nil {
                saved.spec.classNames = extras.classNames
                namesRecorded = true
                assumptions.append("classes: \(extras.classNames.joined(separator: ", ")) (recorded in the file by cnnviz export)")
            }
        }
        assumptions = try apply(overrides, to: &saved, rescaleKnown: rescaleRecorded, namesKnown: namesRecorded, path: url.path)
            .reduce(into: assumptions) { lines, line in
                // An override replaces the recorded line of the same setting.
                let setting = line.prefix { $0 != ":" }
                lines.removeAll { $0.hasPrefix(setting + ":") }
                lines.append(line)
            }
        let kind = imported.format == .keras ? "Keras 3 .keras" : "legacy Keras .h5"
        return LoadedModel(saved: saved, source: .keras(imported.format), assumptions: assumptions,
                           classNamesAssumed: overrides.classNames == nil && !namesRecorded,
                           rescaleAssumed: overrides.rescale == nil && !rescaleRecorded, origin: "the Keras file \(url.path) (\(kind))")
    }

    /// The scale the pixels get when nothing says otherwise: 1/255, the coursework's
    /// `ImageDataGenerator(rescale=1./255)`, unless the model's first layer rescales them itself.
    static func defaultRescale(_ model: Sequential) -> Float {
        model.layers.first?.kind == .rescaling ? 1 : 1.0 / 255
    }

    /// Sets `--rescale` and `--classes` on the spec and says what was assumed. A model folder
    /// records both, a file from cnnviz export may (`rescaleKnown`, `namesKnown`): only what
    /// was overridden or had to be assumed is listed.
    static func apply(_ o: ModelOverrides, to saved: inout SavedModel, rescaleKnown: Bool, namesKnown: Bool, path: String) throws -> [String] {
        var lines: [String] = []
        let model = saved.model
        if let rescale = o.rescale {
            saved.spec.preprocessing.rescale = rescale
            lines.append("rescale: \(describe(rescale)) (from --rescale)")
        } else if !rescaleKnown {
            let rescale = defaultRescale(model)
            saved.spec.preprocessing.rescale = rescale
            lines.append(rescale == 1
                ? "rescale: 1 (assumed: the model's first layer, a Rescaling, scales the pixels itself; --rescale changes it)"
                : "rescale: 1/255 (assumed, as the coursework's ImageDataGenerator(rescale=1./255): a Keras file does not record it; --rescale changes it)")
        }
        if let names = o.classNames {
            try checkClassCount(names, model: model, path: path)
            saved.spec.classNames = names
            lines.append("classes: \(names.joined(separator: ", ")) (from --classes)")
        } else if !namesKnown {
            let units = model.outputShape.last ?? 1
            let names = (0..<(units == 1 ? 2 : units)).map { "class_\($0)" }
            saved.spec.classNames = names
            lines.append("classes: \(names.joined(separator: ", ")) (assumed: a Keras file does not record class names; evaluate takes them from the data folder, --classes cats,dogs names them)")
        }
        if !(rescaleKnown && namesKnown) {
            let p = saved.spec.preprocessing
            lines.append("images: resized to \(p.targetSize.0)×\(p.targetSize.1) (the model's input) with \(p.interpolation), as flow_from_directory does, RGB")
        }
        return lines
    }

    /// One sigmoid unit needs two names (class 0, class 1); n softmax units need n.
    static func checkClassCount(_ names: [String], model: Sequential, path: String) throws {
        let units = model.outputShape.count == 1 ? model.outputShape[0] : 0
        let needed = units == 1 ? 2 : units
        guard names.count == needed else {
            throw CNNError.invalidInput("--classes names \(names.count) class\(names.count == 1 ? "" : "es") (\(names.joined(separator: ", "))) but the model \(path) has \(units == 1 ? "one sigmoid output, which needs exactly 2 (class 0, then class 1)" : "\(units) outputs, which need \(needed)")",
                                        hint: "give one name per class in class-index order, e.g. --classes cats,dogs")
        }
    }

    /// 0.00392156… → "1/255"; other values as the Float's shortest text.
    static func describe(_ rescale: Float) -> String {
        rescale == Float(1.0 / 255) ? "1/255" : rescale.description
    }
}
