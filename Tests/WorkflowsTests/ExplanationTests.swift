import CNNCore
import Foundation
import XCTest
@testable import Workflows

/// `cnnviz explain`'s numbers: a toy model worked out by hand, then central differences and
/// direct predictions on slightly larger random models (sigmoid and softmax).
final class ExplanationTests: XCTestCase {
    /// Float rounding of sums of a few dozen products.
    static let tight: Float = 1e-5

    /// input 4×4×1 = 0…15 row by row; Conv2D one 2×2 filter [[1, 0], [0, 1]], bias −10, ReLU
    /// (A_ij = max(0, x_ij + x_i+1,j+1 − 10) = max(0, 8i + 2j − 5)); Flatten; Dense to one sigmoid
    /// unit with w = 0.01 · [1, −1, 1, 1, −1, 1, −1, 1, 1], bias 0.
    ///   A = [[0, 0, 0], [3, 5, 7], [11, 13, 15]],  z = 0.01 · (3 − 5 + 7 − 11 + 13 + 15) = 0.22
    func toyModel() throws -> (Sequential, Tensor) {
        let conv = Conv2D(filters: 1, kernelSize: (2, 2), activation: .relu)
        let dense = Dense(units: 1, activation: .sigmoid)
        let model = try Sequential(inputShape: [4, 4, 1], layers: [conv, Flatten(), dense])
        conv.parameters[0].value = Tensor(shape: [2, 2, 1, 1], data: [1, 0, 0, 1])
        conv.parameters[1].value = Tensor(shape: [1], data: [-10])
        dense.parameters[0].value = Tensor(shape: [9, 1], data: [1, -1, 1, 1, -1, 1, -1, 1, 1].map { $0 * 0.01 })
        dense.parameters[1].value = Tensor(shape: [1], data: [0])
        return (model, Tensor(shape: [1, 4, 4, 1], data: (0..<16).map(Float.init)))
    }

    func assertClose(_ a: [Float], _ b: [Float], _ what: String, tolerance: Float = tight, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, line: line)
        for (i, (x, y)) in zip(a, b).enumerated() where abs(x - y) > tolerance {
            XCTFail("\(what)[\(i)]: \(x) vs \(y)", line: line)
            return
        }
    }

    func testToyModelByHand() throws {
        let (model, x) = try toyModel()
        let settings = ExplanationMaps.OcclusionSettings(patch: 2, stride: 2, fill: 0)
        let dog = try ExplanationMaps.compute(model: model, input: x, target: 1, occlusion: settings)
        XCTAssertEqual(dog.logits[0], 0.22, accuracy: Self.tight)
        XCTAssertEqual(dog.score, 0.22, accuracy: Self.tight)

        // Grad-CAM: ∂s/∂A = w, α = mean(w) = 0.03 / 9 = 1/300, cam = ReLU(A / 300).
        let cam = try XCTUnwrap(dog.gradCAM)
        XCTAssertEqual(cam.map.shape, [3, 3])
        XCTAssertEqual(cam.weights[0], 1.0 / 300, accuracy: 1e-7)
        assertClose(cam.map.data, [0, 0, 0, 3, 5, 7, 11, 13, 15].map { $0 / 300 }, "Grad-CAM of class 1")

        // Saliency: each active window (rows 1 and 2 of A) adds w_ij to x_ij and x_i+1,j+1.
        XCTAssertEqual(dog.saliency.shape, [4, 4, 1])
        let saliency: [Float] = [0, 0, 0, 0,
                                 1, -1, 1, 0,
                                 -1, 2, 0, 1,
                                 0, -1, 1, 1].map { $0 * 0.01 }
        assertClose(dog.saliency.data, saliency, "saliency of class 1")

        // Occlusion, 2×2 patches of 0 at stride 2: the four occluded images give, by hand,
        // A = [0,0,0, 0,0,7, 11,13,15] → z = 0.24; [0,0,0, 3,5,1, 11,13,15] → 0.16;
        //     [0,0,0, 0,5,7, 0,4,15] → 0.21;      [0,0,0, 3,0,0, 11,0,0] → −0.08.
        func sigmoid(_ z: Float) -> Float { 1 / (1 + exp(-z)) }
        XCTAssertEqual(dog.occlusion.map.shape, [2, 2])
        XCTAssertEqual(dog.occlusion.baseline, sigmoid(0.22), accuracy: Self.tight)
        assertClose(dog.occlusion.map.data, [0.24, 0.16, 0.21, -0.08].map { sigmoid(0.22) - sigmoid($0) }, "occlusion of class 1")

        // Class 0: s = −z. The gradients change sign; Grad-CAM becomes ReLU(−A / 300) = 0.
        let cat = try ExplanationMaps.compute(model: model, input: x, target: 0, occlusion: settings)
        XCTAssertEqual(cat.score, -0.22, accuracy: Self.tight)
        XCTAssertEqual(try XCTUnwrap(cat.gradCAM).weights[0], -1.0 / 300, accuracy: 1e-7)
        assertClose(try XCTUnwrap(cat.gradCAM).map.data, [Float](repeating: 0, count: 9), "Grad-CAM of class 0")
        assertClose(cat.saliency.data, saliency.map { -$0 }, "saliency of class 0")
        assertClose(cat.occlusion.map.data, dog.occlusion.map.data.map { -$0 }, "occlusion of class 0")
        XCTAssertNil(dog.votes, "no hidden Dense layer, no votes")
    }

    /// 7×7×3 → Conv2D(3, 3×3, ReLU) → MaxPooling2D → Flatten → Dense(5, ReLU) → Dense(units).
    func smallModel(units: Int, seed: UInt64) throws -> (Sequential, Tensor) {
        let layers: [Layer] = [Conv2D(filters: 3, kernelSize: (3, 3), activation: .relu), Pooling2D(.max, poolSize: (2, 2)), Flatten(),
                               Dense(units: 5, activation: .relu), Dense(units: units, activation: units == 1 ? .sigmoid : .softmax)]
        let model = try Sequential(inputShape: [7, 7, 3], layers: layers, seed: seed)
        var rng = SeededRNG(seed: seed + 100)
        let x = Tensor(shape: [1, 7, 7, 3], data: (0..<147).map { _ in rng.nextUnitFloat() })
        return (model, x)
    }

    /// ∂s/∂x against (s(x + h) − s(x − h)) / 2h of the logit, for every input value.
    func checkSaliency(units: Int, target: Int, seed: UInt64) throws {
        let (model, x) = try smallModel(units: units, seed: seed)
        let maps = try ExplanationMaps.compute(model: model, input: x, target: target)
        let h: Float = 1e-2
        var worst: Float = 0
        let scale = maps.saliency.data.map(abs).max() ?? 1
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.data[i] += h; minus.data[i] -= h
            _ = try model.forward(plus)
            let sPlus = Sequential.classScore(logits: try model.lastLogits(), target: target)
            _ = try model.forward(minus)
            let sMinus = Sequential.classScore(logits: try model.lastLogits(), target: target)
            worst = max(worst, abs((sPlus - sMinus) / (2 * h) - maps.saliency.data[i]))
        }
        XCTAssertGreaterThan(scale, 0)
        // Float32 differences of h = 0.01 (and a ReLU kink now and then): 1% of the largest gradient.
        XCTAssertLessThan(worst, 0.01 * scale, "units \(units), target \(target), seed \(seed)")
    }

    func testSaliencyAgreesWithCentralDifferencesOfTheLogit() throws {
        for seed: UInt64 in [1, 2] {
            try checkSaliency(units: 1, target: 1, seed: seed)
            try checkSaliency(units: 1, target: 0, seed: seed)
            try checkSaliency(units: 3, target: 2, seed: seed)
        }
    }

    /// Each occlusion cell against a prediction of the occluded image made by hand (reference engine).
    func testOcclusionAgreesWithDirectPredictions() throws {
        for units in [1, 3] {
            let (model, x) = try smallModel(units: units, seed: 3)
            let s = ExplanationMaps.OcclusionSettings(patch: 3, stride: 2, fill: 0.5)
            let target = units == 1 ? 0 : 1
            let maps = try ExplanationMaps.compute(model: model, input: x, target: target, occlusion: s)
            XCTAssertEqual(maps.occlusion.map.shape, [3, 3])  // positions 0, 2, 4 for 7 pixels
            let p = ExplanationMaps.probability(of: target, in: try model.forward(x).data)
            for (r, row) in [0, 2, 4].enumerated() {
                for (c, column) in [0, 2, 4].enumerated() {
                    var occluded = x
                    for y in row..<(row + 3) { for xx in column..<(column + 3) { for ch in 0..<3 { occluded.data[(y * 7 + xx) * 3 + ch] = 0.5 } } }
                    let q = ExplanationMaps.probability(of: target, in: try model.forward(occluded).data)
                    XCTAssertEqual(maps.occlusion.map.data[r * 3 + c], p - q, accuracy: 1e-5, "cell (\(r), \(c)), \(units) units")
                }
            }
        }
    }

    /// The votes plus the bias give each class's score; the top units' Grad-CAMs exist.
    func testDenseVotesSumToTheScore() throws {
        for units in [1, 3] {
            let (model, x) = try smallModel(units: units, seed: 4)
            let maps = try ExplanationMaps.compute(model: model, input: x, target: 0)
            let votes = try XCTUnwrap(maps.votes)
            XCTAssertEqual(votes.weights.count, max(units, 2))
            for c in 0..<votes.weights.count {
                let sum = votes.contributions(toward: c).reduce(Float(0)) { $0 + $1.vote } + votes.bias[c]
                XCTAssertEqual(sum, Sequential.classScore(logits: maps.logits, target: c), accuracy: 1e-5)
            }
            XCTAssertEqual(maps.unitCAMs.count, votes.contributions(toward: 0).prefix(3).filter { $0.vote > 0 }.count)
        }
    }

    /// A model without Conv2D: saliency and occlusion, no Grad-CAM.
    func testModelWithoutConvolution() throws {
        let model = try Sequential(inputShape: [4, 4, 3], layers: [Flatten(), Dense(units: 3, activation: .relu), Dense(units: 1, activation: .sigmoid)], seed: 5)
        let x = Tensor(shape: [1, 4, 4, 3], repeating: 0.3)
        let maps = try ExplanationMaps.compute(model: model, input: x, target: 1, occlusion: .init(patch: 2, stride: 2))
        XCTAssertNil(maps.gradCAM)
        XCTAssertEqual(maps.saliency.shape, [4, 4, 3])
        XCTAssertEqual(maps.occlusion.map.shape, [2, 2])
        XCTAssertTrue(ExplanationMaps.gradCAMMissing.contains("Grad-CAM needs a Conv2D layer"))
    }

    /// Conv2D (linear) → BatchNormalization → Activation("relu"): Grad-CAM weighs the block's
    /// output after the ReLU, A ≥ 0, as the paper's "last convolutional layer" means it.
    func testGradCAMUsesTheConvolutionBlockAfterItsActivation() throws {
        XCTAssertEqual(GradCAMLayer.index(kinds: [.conv2D, .batchNormalization, .activation, .maxPooling2D, .flatten, .dense]), 2)
        XCTAssertEqual(GradCAMLayer.index(kinds: [.conv2D, .maxPooling2D, .conv2D, .dropout, .flatten, .dense]), 3)
        XCTAssertEqual(GradCAMLayer.index(kinds: [.conv2D, .maxPooling2D, .flatten, .dense]), 0)
        XCTAssertNil(GradCAMLayer.index(kinds: [.flatten, .dense]))

        let model = try Sequential(inputShape: [6, 6, 2], layers: [
            Conv2D(filters: 3, kernelSize: (3, 3), name: "conv2d"), BatchNormalization(name: "batch_normalization"),
            ActivationLayer(.relu, name: "activation"), Flatten(), Dense(units: 1, activation: .sigmoid),
        ], seed: 6)
        var rng = SeededRNG(seed: 2)
        let x = Tensor(shape: [1, 6, 6, 2], data: (0..<72).map { _ in rng.nextUnitFloat() })
        let maps = try ExplanationMaps.compute(model: model, input: x, target: 1, occlusion: .init(patch: 2, stride: 2))
        let cam = try XCTUnwrap(maps.gradCAM)
        XCTAssertEqual(cam.layer, "activation")
        XCTAssertEqual(cam.map.shape, [4, 4])
    }

    /// A hidden unit's Grad-CAM stops at the convolution block: the gradient it reads there is
    /// the one a backward pass all the way down to the image records at that layer.
    func testUnitGradientStopsAtTheConvolutionBlockWithTheSameNumbers() throws {
        let (model, x) = try smallModel(units: 1, seed: 8)
        _ = try model.forward(x, trace: nil)
        // A unit that is on (ReLU > 0), so its gradient reaches the maps.
        let h = try XCTUnwrap((model.layers[3] as? Dense)?.lastOutput).data
        let on = try XCTUnwrap(h.indices.max { h[$0] < h[$1] })
        XCTAssertGreaterThan(h[on], 0)
        var g = [Float](repeating: 0, count: 5)
        g[on] = 1
        let unit = Tensor(shape: [1, 5], data: g)
        let full = Trace(), short = Trace()
        _ = try model.forward(x, trace: full)
        _ = try model.inputGradient(unit, at: 3, fromPreActivation: false, trace: full)
        _ = try model.forward(x, trace: short)
        let atConv = try model.gradient(unit, at: 3, downToOutputOf: 0, fromPreActivation: false, trace: short)
        let expected = try XCTUnwrap(full.tensor(layer: model.layers[0].name, role: .outputGradient))
        XCTAssertEqual(atConv.data, expected.data)
        XCTAssertEqual(short.tensor(layer: model.layers[0].name, role: .outputGradient)?.data, expected.data)
        XCTAssertNil(short.tensor(layer: model.layers[0].name, role: .inputGradient), "the conv layer's backward did not run")
        XCTAssertTrue(expected.data.contains { $0 != 0 })
    }
}
