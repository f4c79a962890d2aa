import CNNCore
import Foundation
import ImageFiles
import Visualize
import XCTest
@testable import Workflows

/// The inspection's trace reaches down to the image: the first layer's `grad_input` is
/// dLoss/dx, the loss against the gradient target, and it agrees with central differences of
/// that loss over the preprocessed image.
extension InspectionTests {
    func testTraceHoldsTheLossGradientOfTheImage() throws {
        // Noise, not flat colour: flat areas make equal values in a pooling window, where the
        // loss has a kink and central differences halve the gradient.
        var picture = RGBImage(width: 16, height: 16, fill: (0, 0, 0))
        var rng = SeededRNG(seed: 7)
        for y in 0..<16 { for x in 0..<16 { picture[x, y] = (UInt8(rng.next() % 256), UInt8(rng.next() % 256), UInt8(rng.next() % 256)) } }
        let image = temp.appendingPathComponent("noise.png")
        try ImageFile.write(picture, to: image)
        let modelFolder = try writeSmallModel()
        let out = temp.appendingPathComponent("out")
        let result = try Inspection.run(image: image, model: .folder(modelFolder), output: out, target: .named("cats"))
        XCTAssertGreaterThan(result.probability, 0)

        let view = TraceView(try SavedTrace(folder: out))
        let gradient = try XCTUnwrap(try view.inputGradient(), "the trace has dLoss/dx")
        let x = try XCTUnwrap(try view.input())
        XCTAssertEqual(gradient.shape, x.shape)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("pictures/00_input_gradient.png").path))
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("pictures.html"), encoding: .utf8).contains("00_input_gradient.png"))

        // L = −log p(class 0) = −log(1 − σ(z)), in Double from the model's Float output.
        let model = try SavedModel.load(from: modelFolder).model
        func loss(_ data: [Float]) throws -> Double {
            let p = Double(try model.forward(Tensor(shape: x.shape, data: data)).data[0])
            return -log(1 - p)
        }
        // The largest gradients, and every 37th value: a probe whose step crosses a ReLU or
        // pooling kink is allowed to miss, a few of them, never most.
        let largest = gradient.data.indices.sorted { abs(gradient.data[$0]) > abs(gradient.data[$1]) }.prefix(20)
        let probes = Array(largest) + Array(stride(from: 5, to: x.count, by: 37))
        let h: Float = 1e-3
        var agree = 0, judged = 0
        for i in probes {
            var plus = x.data, minus = x.data
            plus[i] += h
            minus[i] -= h
            let numeric = (try loss(plus) - (try loss(minus))) / Double(2 * h)
            let analytic = Double(gradient.data[i])
            judged += 1
            if Swift.abs(analytic - numeric) <= 0.02 * abs(numeric) + 3e-5 { agree += 1 }
        }
        XCTAssertGreaterThanOrEqual(Double(agree), 0.9 * Double(judged), "\(agree) of \(judged) probes agree")
        print("input gradient: \(agree) of \(judged) probes agree")
        XCTAssertGreaterThan(gradient.data.map(abs).max() ?? 0, 1e-3, "a gradient worth checking")
    }
}
