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
            let (x, labels) = Batching.tensors(indices.map { data.image($0) }, labels: indices.map { data.label($0) },
                                               rescale: spec.preprocessing.rescale)
            let units = model.outputShape.last ?? 1
            let y = units == 1 ? labels : oneHot(indices.map { data.label($0) }, classes: units)
            let what = indices.count == 1 ? data.path(indices[0]).path
                : "the batch of \(indices.count) images from \(data.path(indices[0]).path)"
            let output = try plan.forwardChecked(x, for: what)
            let loss = try model.lossAndGradient(output: output, targets: y, loss: spec.loss).loss
            lossSum += Double(loss) * Double(indices.count)
            for (k, i) in indices.enumerated() {
                // One sigmoid unit gives P(class 1); a softmax gives a row, whose class 1 entry is kept.
                let row = Array(output.data[(k * units)..<((k + 1) * units)])
                let p = row.count == 1 ? row[0] : row[1]
                let predicted = ClassDecision(output: row).index
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

    /// Labels as one-hot rows, the targets of a softmax output (categorical cross-entropy).
    static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        var data = [Float](repeating: 0, count: labels.count * classes)
        for (n, label) in labels.enumerated() where label < classes { data[n * classes + label] = 1 }
        return Tensor(shape: [labels.count, classes], data: data)
    }

    /// The `--json` form: one object with images, loss, accuracy, confusion_matrix.
    public func json(classNames: [String]) -> JSONValue {
        .object(["images": .int(images), "loss": .number(loss), "accuracy": .number(accuracy),
                 "confusion_matrix": .array(confusion.map { .ints($0) }),
                 "class_names": .array(classNames.map { .string($0) })])
    }
}
