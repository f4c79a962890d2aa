import CNNCore
import FastPlan
import Foundation
import ImageFiles

/// Loss, accuracy and confusion matrix of a model on a labelled image set, as Keras' `evaluate`.
public struct Evaluation {
    public var images: Int
    public var loss: Double
    public var accuracy: Double
    /// rows: true class, columns: predicted class.
    public var confusion: [[Int]]
    /// Probability of class index 1 for every image, in data order.
    public var probabilities: [Float]
    /// Indices of the images predicted wrongly.
    public var misclassified: [Int]

    public static let batchSize = 32

    /// Runs the whole set through the model in batches of 32 (inference, no dropout).
    public static func run(model: Sequential, spec: ModelSpec, data: LabeledImages) throws -> Evaluation {
        let classes = max(2, data.classNames.count)
        var result = Evaluation(images: data.count, loss: 0, accuracy: 0,
                                confusion: Array(repeating: Array(repeating: 0, count: classes), count: classes),
                                probabilities: [], misclassified: [])
        var lossSum = 0.0
        // The fast stages (fused conv and pooling): the same outputs as `model.forward`.
        let plan = try ExecutionPlan(model)
        var start = 0
        while start < data.count {
            let indices = Array(start..<min(start + batchSize, data.count))
            let (x, y) = Batching.tensors(indices.map { data.image($0) }, labels: indices.map { data.label($0) },
                                          rescale: spec.preprocessing.rescale)
            let what = indices.count == 1 ? data.path(indices[0]).path
                : "the batch of \(indices.count) images from \(data.path(indices[0]).path)"
            let output = try plan.forwardChecked(x, for: what)
            let loss = try model.lossAndGradient(output: output, targets: y, loss: spec.loss).loss
            lossSum += Double(loss) * Double(indices.count)
            for (k, i) in indices.enumerated() {
                let p = output.data[k]
                let predicted = ClassDecision.binaryClass(p)
                let truth = data.label(i)
                result.probabilities.append(p)
                result.confusion[truth][predicted] += 1
                if predicted != truth { result.misclassified.append(i) }
            }
            start += batchSize
        }
        result.loss = lossSum / Double(max(data.count, 1))
        result.accuracy = Double(data.count - result.misclassified.count) / Double(max(data.count, 1))
        return result
    }

    /// The `--json` form: one object with images, loss, accuracy, confusion_matrix.
    public func json(classNames: [String]) -> JSONValue {
        .object(["images": .int(images), "loss": .number(loss), "accuracy": .number(accuracy),
                 "confusion_matrix": .array(confusion.map { .ints($0) }),
                 "class_names": .array(classNames.map { .string($0) })])
    }
}
