import CNNCore
import Foundation
import ImageFiles
@testable import Lessons
import XCTest

/// Pooling, ReLU, Flatten + Dense, backprop and edges, against hand-worked values and the engine.
final class LayerTutorialTests: XCTestCase {
    let zeroTo15 = "0 1 2 3; 4 5 6 7; 8 9 10 11; 12 13 14 15"

    /// 2×2 max pooling of 0..<16 as 4×4 keeps the bottom-right cell of each quadrant: 5, 7, 13, 15.
    func testMaxPoolingOfZeroToFifteen() throws {
        let w = try runTutorial("pooling", ["input": zeroTo15])
        assertRows(w.output, [[5, 7], [13, 15]])
        assertAgrees(w)
        // Backward with the default gradient 1, 2; 3, 4: each value lands on its window's maximum.
        let grad = try XCTUnwrap(w.results.first { $0.name == "input_gradient" }?.matrix)
        assertRows(grad, [[0, 0, 0, 0], [0, 1, 0, 2], [0, 0, 0, 0], [0, 3, 0, 4]])
        XCTAssertEqual(w.steps[1].data["max_at"], .object(["row": .number(1), "col": .number(1)]))
    }

    func testAveragePoolingSharesTheGradient() throws {
        let w = try runTutorial("pooling", ["input": zeroTo15, "mode": "average"])
        assertRows(w.output, [[2.5, 4.5], [10.5, 12.5]])
        // The default gradient 1, 2; 3, 4, shared equally by the four cells of each window.
        assertRows(try XCTUnwrap(w.results.first?.matrix), [[0.25, 0.25, 0.5, 0.5], [0.25, 0.25, 0.5, 0.5], [0.75, 0.75, 1, 1], [0.75, 0.75, 1, 1]])
        assertAgrees(w)
    }

    func testPoolingLessonInputAndTiesGoToTheFirstCell() throws {
        let w = try runTutorial("pooling", ["input": "1 3 2 1; 4 6 5 0; 7 1 9 2; 3 8 4 6"])
        assertRows(w.output, [[6, 5], [8, 9]])
        let ties = try runTutorial("pooling", ["input": "2 2; 2 2", "gradient": "3"])
        assertRows(try XCTUnwrap(ties.results.first?.matrix), [[3, 0], [0, 0]])
        assertAgrees(ties)
    }

    func testPoolSizeThreeStrideOneAndErrors() throws {
        let w = try runTutorial("pooling", ["input": zeroTo15, "pool-size": "3", "stride": "1"])
        assertRows(w.output, [[10, 11], [14, 15]])
        assertAgrees(w)
        assertLessonError(["--pool-size", "5×5 pooling window is larger than the 4×4 input"]) { _ = try runTutorial("pooling", ["input": zeroTo15, "pool-size": "5"]) }
        assertLessonError(["--mode", "'min' is not one of max, average"]) { _ = try runTutorial("pooling", ["input": zeroTo15, "mode": "min"]) }
        assertLessonError(["--gradient", "2×2"]) { _ = try runTutorial("pooling", ["input": zeroTo15, "gradient": "1 1 1"]) }
    }

    func testSamePaddingMaxPoolingNeverPicksPadding() throws {
        let w = try runTutorial("pooling", ["input": "-1 -2 -3; -4 -5 -6; -7 -8 -9", "padding": "same"])
        // ⌈3/2⌉ = 2; P = max(1·2 + 2 − 3, 0) = 1 → after. The padding zeros must not win over negatives.
        assertRows(w.output, [[-1, -3], [-7, -9]])
        assertAgrees(w)
    }

    func testReLU() throws {
        let w = try runTutorial("relu", ["input": "2 -1 0; -3 4 -0.5; 1 -2 3"])
        assertRows(w.output, [[2, 0, 0], [0, 4, 0], [1, 0, 3]])
        assertRows(try XCTUnwrap(w.results.first?.matrix), [[1, 0, 0], [0, 1, 0], [1, 0, 1]])
        assertAgrees(w)
    }

    /// x = [1, 0, 0, 3, 2, 1, 1, 2] in (h·W + w)·C + c order; z = 0.5 − 0 + 0 + 0.75 − 0.5 + 0.5 + 0.5 − 0.5 + 0.25 = 1.5.
    func testFlattenDense() throws {
        let w = try runTutorial("flatten-dense", ["input": "1 0; 2 1 | 0 3; 1 2", "kernel": "0.5 -0.5 0.25 0.25 -0.25 0.5 0.5 -0.25", "bias": "0.25"])
        let r = Dictionary(uniqueKeysWithValues: w.results.map { ($0.name, $0.matrix) })
        assertRows(try XCTUnwrap(r["flattened"]), [[1, 0, 0, 3, 2, 1, 1, 2]])
        assertRows(try XCTUnwrap(r["z"]), [[1.5]])
        assertRows(w.output, [[Float(1 / (1 + exp(-1.5)))]], accuracy: 1e-6)   // 0.8176
        assertAgrees(w)
        let trap = try XCTUnwrap(w.steps.last)
        XCTAssertEqual(trap.data["equals_one"], .bool(false))
        XCTAssertTrue(trap.lines.contains { $0.contains("result[0][0] > 0.5") })
        XCTAssertEqual(w.steps[w.steps.count - 2].data["class"], .string("dogs"))
    }

    /// A float32 sigmoid reaches exactly 1.0 only for z around 17; a probability of 0.99 is z ≈ 4.6.
    func testSigmoidIsExactlyOneOnlyForLargeZ() {
        let z = FlattenDenseTutorial.firstZGivingOne
        XCTAssertGreaterThan(z, 15); XCTAssertLessThan(z, 18)
        XCTAssertEqual(Activation.sigmoid(z), 1)
        XCTAssertLessThan(Activation.sigmoid(z - 0.5), 1)
    }

    func testFlattenDenseWeightCount() {
        assertLessonError(["--kernel", "2×2×2 = 8, but 3 were given"]) {
            _ = try runTutorial("flatten-dense", ["input": "1 0; 2 1 | 0 3; 1 2", "kernel": "1 2 3"])
        }
    }

    /// L = ½Σy² (target 0): dL/dy = y = [[1,3,5],[3,1,3],[5,3,1]]; dL/dK[i][j] = Σ y · (input shifted by (i, j)).
    func testBackpropWorkedByHand() throws {
        let w = try runTutorial("backprop", ["input": "1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1", "kernel": "2 0; 1 -1",
                                     "target": "0 0 0; 0 0 0; 0 0 0", "learning-rate": "0.01"])
        assertRows(w.output, [[45, 30], [44, 45]])
        let r = Dictionary(uniqueKeysWithValues: w.results.map { ($0.name, $0.matrix) })
        assertRows(try XCTUnwrap(r["bias_gradient"]), [[25]])
        assertRows(try XCTUnwrap(r["updated_kernel"]), [[1.55, -0.3], [0.56, -1.45]])
        assertRows(try XCTUnwrap(r["updated_bias"]), [[-0.25]])
        assertAgrees(w)
        let after = try XCTUnwrap(w.steps.last?.data)
        XCTAssertEqual(after["loss_before"], .number(44.5))
        XCTAssertLessThan(after["loss_after"]?.doubleValue ?? .infinity, 44.5)
    }

    /// The tutorial's dL/dK against central differences of the loss, through Conv2D.forward.
    func testBackpropGradientMatchesCentralDifferences() throws {
        let x = Matrix([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]])
        let target = Matrix([[1, 0, 2], [0, 1, 0], [2, 0, 1]])
        let k = Matrix([[0.5, -0.25], [0.75, 1]])
        let w = try runTutorial("backprop", ["input": MatrixText.text(x), "kernel": MatrixText.text(k), "bias": "0.1",
                                     "target": MatrixText.text(target)])
        func loss(_ kernel: Matrix) throws -> Double {
            let layer = try Engine.conv2D(input: [x], kernel: [kernel], bias: 0.1, stride: 1, padding: .valid)
            let y = try layer.forward(x.tensor, training: false).data
            return zip(y, target.values).reduce(0) { $0 + 0.5 * Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        }
        let h: Float = 1e-2   // the loss is quadratic in K, so central differences are exact up to rounding
        for i in 0..<4 {
            var plus = k, minus = k
            plus.values[i] += h; minus.values[i] -= h
            let numeric = (try loss(plus) - loss(minus)) / Double(2 * h)
            XCTAssertEqual(Double(w.output.values[i]), numeric, accuracy: 1e-2 * max(1, abs(numeric)))
        }
        assertAgrees(w)
    }

    func testBackpropSumLoss() throws {
        let w = try runTutorial("backprop", ["input": "1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1", "kernel": "2 0; 1 -1", "loss": "sum"])
        // dL/dy = 1, so dL/dK[i][j] is the sum of the 3×3 block of the input shifted by (i, j).
        assertRows(w.output, [[13, 14], [12, 13]])
        assertAgrees(w)
        assertLessonError(["--target", "2×2 but the output y is 3×3"]) {
            _ = try runTutorial("backprop", ["input": "1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1", "kernel": "2 0; 1 -1", "target": "0 0; 0 0"])
        }
    }

    /// A vertical step (dark left, bright right) lights the vertical-edge kernel only where its window straddles the step:
    /// out = 4·(x[j] − x[j+2]) per row → [0, −4, −4, 0]; the horizontal kernel sees nothing.
    func testEdgesOnAVerticalStepImage() throws {
        var image = RGBImage(width: 6, height: 6, fill: (0, 0, 0))
        for y in 0..<6 { for x in 3..<6 { image[x, y] = (255, 255, 255) } }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-edges-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("step.png")
        try ImageFile.write(image, to: file)
        let w = try runTutorial("edges", ["image": file.path, "size": "6"])
        let r = Dictionary(uniqueKeysWithValues: w.results.map { ($0.name, $0.matrix) })
        assertRows(try XCTUnwrap(r["vertical edges"]), Array(repeating: [0, -4, -4, 0], count: 4), accuracy: 1e-4)
        assertRows(try XCTUnwrap(r["horizontal edges"]), Array(repeating: [0, 0, 0, 0], count: 4), accuracy: 1e-4)
        assertAgrees(w)
        let one = try runTutorial("edges", ["image": file.path, "size": "6", "kernel": "-1 1"])
        assertRows(one.output, Array(repeating: [0, 0, 1, 0, 0], count: 6), accuracy: 1e-4)
    }

    func testEdgesOnTheDrawnPicture() throws {
        let w = try runTutorial("edges")
        XCTAssertEqual(w.output.rows, 62, "64×64 → 62×62 with a 3×3 kernel, like the coursework's first layer")
        XCTAssertEqual(w.results.count, 4)
        assertAgrees(w)
        XCTAssertGreaterThan(w.output.values.map(abs).max() ?? 0, 1, "the drawn shapes have edges")
    }

    func testEdgesUnreadableImage() {
        XCTAssertThrowsError(try runTutorial("edges", ["image": "/nonexistent/picture.jpg"])) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/picture.jpg"), "\(error)")
        }
    }

    /// A check compares for real: a different engine result is reported as a disagreement.
    func testCheckDetectsADifference() {
        let a = Matrix([[1, 2]]), b = Matrix([[1, 2.01]])
        XCTAssertTrue(Check(what: "x", layer: "l", stepByStep: a, engine: a).agrees)
        XCTAssertFalse(Check(what: "x", layer: "l", stepByStep: a, engine: b).agrees)
        XCTAssertFalse(Check(what: "x", layer: "l", stepByStep: a, engine: Matrix([[1], [2]])).agrees)
    }
}
