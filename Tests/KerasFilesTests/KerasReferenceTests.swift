import CNNCore
import FastPlan
import ImageFiles
import KerasFiles
import Workflows
import XCTest

/// Keras' own files, read by CNNViz, give Keras' own probabilities (expected.json) on the 200
/// test photos, loaded as flow_from_directory loads them (nearest resize, RGB, × 1/255).
final class KerasReferenceTests: XCTestCase {
    /// float32 through the same layers in another order of additions: well below 1e-5.
    static let tolerance = 1e-5

    /// The small models also go through the reference engine (`Sequential.forward`, plain
    /// loops); the coursework's 3.9 M weights through the fast plan only, as predict and
    /// evaluate run them (the reference engine takes half a minute per file in a debug build).
    func check(_ file: String, as name: String, reference: Bool) throws {
        let expected = try XCTUnwrap(try SharedFiles.expected()[name], "expected.json has no \(name)")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: SharedFiles.testSet.path), "photos not present")
        let imported = try KerasFileReader.read(try SharedFiles.kerasModel(file))
        try Self.compare(imported.model, preprocessing: imported.spec.preprocessing, with: expected.outputs, file: file)
        if reference {
            try Self.compare(imported.model, preprocessing: imported.spec.preprocessing, with: expected.outputs, file: file,
                             engine: { try imported.model.forward($0) })
        }
    }

    /// Runs every photo through `model` (the fast plan unless `engine` says otherwise) and
    /// compares each output with Keras'.
    static func compare(_ model: Sequential, preprocessing: Preprocessing, with expected: [String: [Double]], file: String,
                        engine: ((Tensor) throws -> Tensor)? = nil) throws {
        XCTAssertEqual(expected.count, 200)
        let plan = try ExecutionPlan(model)
        let run = try engine ?? { try plan.forward($0) }
        var worst = 0.0
        for (image, outputs) in expected.sorted(by: { $0.key < $1.key }) {
            let input = try ModelInput.load(SharedFiles.testSet.appendingPathComponent(image), preprocessing)
            let output = try run(input.tensor)
            XCTAssertEqual(output.count, outputs.count, image)
            for (got, want) in zip(output.data, outputs) {
                worst = max(worst, abs(Double(got) - want))
                XCTAssertEqual(Double(got), want, accuracy: tolerance, "\(file): \(image)")
            }
        }
        print("\(file) (\(engine == nil ? "fast plan" : "reference engine")): largest difference from Keras \(worst)")
    }

    func testCourseworkKeras3() throws { try check("coursework.keras", as: "coursework", reference: false) }
    func testCourseworkKeras2H5() throws { try check("coursework_keras2.h5", as: "coursework_keras2", reference: false) }
    func testSmallKeras3() throws { try check("small.keras", as: "small", reference: true) }
    func testSmallLegacyH5() throws { try check("small.h5", as: "small", reference: true) }
}

/// `evaluate` on a Keras file gives Keras' accuracy and loss (worked out from expected.json):
/// a sigmoid model from a legacy .h5 and a two-unit softmax model from a .keras.
final class KerasEvaluationTests: XCTestCase {
    func check(_ file: String, as name: String) throws {
        let expected = try XCTUnwrap(try SharedFiles.expected()[name])
        try XCTSkipUnless(FileManager.default.fileExists(atPath: SharedFiles.testSet.path), "photos not present")
        let loaded = try ModelFiles.load(try SharedFiles.kerasModel(file))
        let data = try TrainingSession.loadImages(SharedFiles.testSet, spec: loaded.saved.spec, skipBadImages: false, minimumClasses: 1, log: { _ in })
        let result = try Evaluation.run(model: loaded.saved.model, spec: loaded.saved.spec, data: data)
        var correct = 0, loss = 0.0
        for (image, p) in expected.outputs {
            let label = image.hasPrefix("dogs/") ? 1 : 0
            let predicted = p.count == 1 ? (p[0] > 0.5 ? 1 : 0) : (p[1] > p[0] ? 1 : 0)
            correct += predicted == label ? 1 : 0
            let q = p.count == 1 ? (label == 1 ? p[0] : 1 - p[0]) : p[label]
            loss -= log(max(q, 1e-7))
        }
        XCTAssertEqual(result.images, 200)
        XCTAssertEqual(result.accuracy, Double(correct) / 200)
        XCTAssertEqual(result.loss, loss / 200, accuracy: 1e-4)
    }

    func testSigmoidFromLegacyH5() throws { try check("coursework_keras2.h5", as: "coursework_keras2") }
    func testSoftmaxFromKeras3() throws { try check("small.keras", as: "small") }
}
