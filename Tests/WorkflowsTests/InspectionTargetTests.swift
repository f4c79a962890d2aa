import CNNCore
import Foundation
import ImageFiles
import XCTest
@testable import Workflows

/// `inspect --target`: the trace's gradients are of the loss against the chosen class, and the
/// manifest says which, with probabilities named by what they are of.
final class InspectionTargetTests: XCTestCase {
    func testTargetChoosesTheLossAndTheManifestSaysSo() throws {
        let root = scratchFolder()
        let folder = root.appendingPathComponent("cats")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let image = folder.appendingPathComponent("gray.png")
        try ImageFile.write(RGBImage(width: 16, height: 16, fill: (120, 130, 140)), to: image)
        for (target, index) in [(Explanation.Target.named("dogs"), 1), (.trueLabel, 0)] {
            let out = root.appendingPathComponent("inspect-\(index)")
            try Inspection.run(image: image, model: .coursework(seed: 0), output: out, target: target)
            let trace = try SavedTrace(folder: out)
            let manifest = try XCTUnwrap(trace.manifest.objectValue)
            XCTAssertEqual(manifest["gradient_target_class"]?.intValue, index)
            XCTAssertTrue(manifest["gradient_target"]?.stringValue?.contains(index == 1 ? "dogs (class 1, --target dogs)" : "cats (class 0, the true label") ?? false,
                          "\(String(describing: manifest["gradient_target"]))")
            let p1 = try XCTUnwrap(manifest["probability_of_class_1"]?.doubleValue)
            XCTAssertNotNil(manifest["probability_of_predicted_class"]?.doubleValue)
            XCTAssertNil(manifest["probability"], "one meaning per field")
            // Binary cross-entropy from the logit: dL/dz = p − y.
            let dz = try XCTUnwrap(try trace.load(layer: "dense_1", role: .preActivationGradient))
            XCTAssertEqual(Double(dz.data[0]), p1 - Double(index), accuracy: 1e-6)
            // The pages name the chosen class, not "the predicted class".
            let pictures = try String(contentsOf: out.appendingPathComponent("pictures.html"), encoding: .utf8)
            let name = index == 1 ? "dogs" : "cats"
            XCTAssertTrue(pictures.contains("Gradients are of the loss against the class \(name)"), "how to read the pictures")
            XCTAssertTrue(pictures.contains("How the loss (against the class \(name)) changes"), "the gradient pictures' captions")
            XCTAssertFalse(pictures.contains("predicted class"), "no picture claims the predicted class")
        }
        // Without --target the gradients are the predicted class's, and the page says so.
        let predicted = root.appendingPathComponent("inspect-predicted")
        try Inspection.run(image: image, model: .coursework(seed: 0), output: predicted)
        let page = try String(contentsOf: predicted.appendingPathComponent("pictures.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("Gradients are of the loss against the predicted class"))
        XCTAssertThrowsError(try Inspection.run(image: image, model: .coursework(seed: 0), output: root.appendingPathComponent("bad"), target: .named("horses")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("bad").path))
    }
}
