import CNNCore
import FastPlan
import Foundation
import ImageFiles

/// Predicts the class of single images with a saved model, preprocessing them as in training.
public struct Predictor {
    public let saved: SavedModel
    /// The model compiled once for fast inference, used for every image.
    let plan: ExecutionPlan
    public var classNames: [String] { saved.spec.classNames.isEmpty ? ["class 0", "class 1"] : saved.spec.classNames }

    /// `modelFolder`: a CNNViz model folder, a .keras or a legacy .h5 file (`ModelFiles`).
    public init(modelFolder: URL, overrides: ModelOverrides = ModelOverrides()) throws {
        saved = try ModelFiles.load(modelFolder, overrides: overrides).saved
        let model = saved.model
        let activation = (model.layers.last as? ActivatedLayer)?.activation
        guard (model.outputShape == [1] && activation == .sigmoid) || (model.outputShape == [2] && activation == .softmax) else {
            throw CNNError.badModelFile(path: modelFolder.path, reason: "this model's output is \(CNNError.format(model.outputShape)), not one sigmoid unit (or two softmax units); predict works with binary classifiers like the coursework's")
        }
        guard model.inputShape.count == 3, model.inputShape[2] == 3,
              model.inputShape[0] == saved.spec.preprocessing.targetSize.0, model.inputShape[1] == saved.spec.preprocessing.targetSize.1 else {
            throw CNNError.badModelFile(path: modelFolder.path, reason: "the input shape \(model.inputShape) does not match the preprocessing's target size")
        }
        plan = try ExecutionPlan(model)
    }

    /// Probability of class index 1 and the class name it implies (threshold 0.5).
    public func predict(_ url: URL) throws -> (probability: Float, className: String) {
        let input = try ModelInput.load(url, saved.spec.preprocessing)
        let output = try plan.forwardChecked(input.tensor, for: url.path)
        // One sigmoid unit: P(class 1); two softmax units: the second is P(class 1).
        let probability = output.data[output.count - 1]
        return (probability, classNames[ClassDecision(output: output.data).index])
    }

    /// Refuses data whose classes differ from the model's.
    public static func checkClasses(_ classes: [String], model: SavedModel, modelPath: String) throws {
        guard model.spec.classNames.isEmpty || model.spec.classNames == classes else {
            throw CNNError.invalidInput("the data's classes [\(classes.joined(separator: ", "))] differ from the model's [\(model.spec.classNames.joined(separator: ", "))] (\(modelPath))",
                                        hint: "give a folder with the same class subfolders the model was trained on")
        }
    }
}
