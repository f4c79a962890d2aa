import CNNCore
import Foundation
import ImageFiles
import XCTest
@testable import Workflows

/// Issue 12's Keras-style model (Conv2D 8 same → BatchNormalization → ReLU → MaxPooling2D →
/// Conv2D 16 relu → GlobalAveragePooling2D → Dense 1 sigmoid) learns the demo stripes.
final class NormalizedModelTrainingTests: XCTestCase {
    /// `count` demo pictures of each class at 32×32, as one batch tensor and its 0/1 labels.
    func stripes(perClass count: Int, seed: UInt64) -> (Tensor, Tensor) {
        var rng = SeededRNG(seed: seed)
        var data: [Float] = [], labels: [Float] = []
        for i in 0..<(2 * count) {
            let label = i % 2
            data += DemoDataset.picture(classIndex: label, size: 32, rng: &rng).tensor(rescale: 1.0 / 255).data
            labels.append(Float(label))
        }
        return (Tensor(shape: [2 * count, 32, 32, 3], data: data), Tensor(shape: [2 * count, 1], data: labels))
    }

    /// Twelve epochs on 128 pictures (batches of 16, Adam at 0.01); inference-mode accuracy on 64
    /// others, so the moving statistics are what is tested, not the batch's.
    func testLearnsTheDemoStripes() throws {
        let model = try Sequential(inputShape: [32, 32, 3], layers: [
            Conv2D(filters: 8, kernelSize: (3, 3), padding: .same), BatchNormalization(), ActivationLayer(.relu),
            Pooling2D(.max), Conv2D(filters: 16, kernelSize: (3, 3), activation: .relu), GlobalAveragePooling2D(),
            Dense(units: 1, activation: .sigmoid),
        ], seed: 1)
        let (x, y) = stripes(perClass: 64, seed: 11)
        let (vx, vy) = stripes(perClass: 32, seed: 12)
        let adam = Adam(learningRate: 0.01)
        let batch = 16, samples = x.shape[0], size = 32 * 32 * 3
        for _ in 0..<12 {
            for start in stride(from: 0, to: samples, by: batch) {
                let input = Tensor(shape: [batch, 32, 32, 3], data: Array(x.data[(start * size)..<((start + batch) * size)]))
                let targets = Tensor(shape: [batch, 1], data: Array(y.data[start..<(start + batch)]))
                try model.trainStep(input, targets: targets, loss: .binaryCrossentropy, optimizer: adam)
            }
        }
        let accuracy = Accuracy.of(try model.forward(vx), targets: vy)
        XCTAssertGreaterThan(accuracy, 0.9)
        XCTAssertEqual(adam.state.slots["m"]?.count, model.parameters.count, "one slot per trainable array, none for buffers")
    }

    /// A checkpoint of a model with BatchNormalization: the optimizer's slots follow the trainable
    /// arrays only (named after them), and resuming restores the moving statistics too.
    func testCheckpointKeepsMovingStatistics() throws {
        let spec = ModelSpec(name: "bn", inputShape: [8, 8, 3], layers: [
            ("Conv2D", ["filters": .int(2), "kernel_size": .ints([3, 3])]), ("BatchNormalization", [:]),
            ("GlobalMaxPooling2D", [:]), ("Dense", ["units": .int(1), "activation": .string("sigmoid")]),
        ])
        let model = try spec.build(seed: 1)
        let adam = Adam()
        var rng = SeededRNG(seed: 2)
        let x = Tensor(shape: [2, 8, 8, 3], data: (0..<384).map { _ in rng.uniform(Float(0), 1) })
        for _ in 0..<3 { try model.trainStep(x, targets: Tensor(shape: [2, 1], data: [0, 1]), loss: .binaryCrossentropy, optimizer: adam) }
        let folder = scratchFolder().appendingPathComponent("checkpoint")
        try Checkpoint(epoch: 1, step: 1, runningLoss: 1, runningCorrect: 1, runningSamples: 2,
                       history: [EpochRecord(epoch: 1, loss: 0.69, accuracy: 0.5, valLoss: nil, valAccuracy: nil, seconds: 0.1)], fingerprint: [:])
            .save(model: model, spec: spec, optimizer: adam, to: folder)
        let fresh = try spec.build(seed: 7), freshAdam = Adam()
        _ = try Checkpoint.load(from: folder, into: fresh, optimizer: freshAdam, epochs: 3, stepsPerEpoch: 2)
        XCTAssertEqual(freshAdam.state.slots["m"]?.map(\.count), [54, 2, 2, 2, 2, 1])
        for (a, b) in zip(model.buffers, fresh.buffers) { XCTAssertEqual(a.value, b.value, a.name) }
        XCTAssertEqual(try fresh.forward(x).data, try model.forward(x).data)
    }
}
