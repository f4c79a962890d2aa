import CNNCore
import Foundation
import ImageFiles
import Visualize
import XCTest
@testable import Workflows

/// `Explanation.run`: the folder it writes, both signs on real photos with the Keras-trained
/// coursework model (skipped when ../shared is absent), and bad input that writes nothing.
final class ExplanationFolderTests: XCTestCase {
    static let kerasModel = sharedCatsAndDogs.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/keras/coursework.keras")

    /// A 20×20 PNG with a bright square, in a folder named `class`.
    func syntheticImage(in root: URL, class name: String = "cats") throws -> URL {
        var image = RGBImage(width: 20, height: 20, fill: (40, 60, 80))
        for y in 5..<12 { for x in 6..<14 { image.pixels[(y * 20 + x) * 3] = 230 } }
        let folder = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("square.png")
        try ImageFile.write(image, to: url)
        return url
    }

    /// A model folder without Conv2D: 8×8×3 → Flatten → Dense(4, ReLU) → Dense(1, sigmoid).
    func denseOnlyModel(in root: URL) throws -> URL {
        let model = try Sequential(inputShape: [8, 8, 3], layers: [Flatten(), Dense(units: 4, activation: .relu), Dense(units: 1, activation: .sigmoid)], seed: 7)
        let spec = ModelSpec(model: model, classNames: ["cats", "dogs"], preprocessing: Preprocessing(targetSize: (8, 8)))
        let url = root.appendingPathComponent("dense-only")
        try SavedModel(spec: spec, model: model).save(to: url)
        return url
    }

    func testUntrainedCourseworkFolderAndPage() throws {
        let root = scratchFolder()
        let image = try syntheticImage(in: root)
        let out = root.appendingPathComponent("explained")
        let result = try Explanation.run(image: image, model: .coursework(seed: 0), target: .trueLabel, output: out)
        XCTAssertEqual(result.targetClass, "cats")
        XCTAssertEqual(Set(result.npyFiles.keys), ["gradcam", "saliency", "occlusion"])
        let shapes = try ["gradcam": [62, 62], "saliency": [64, 64, 3], "occlusion": [15, 15]].map { name, shape in
            (try NPY.decode(Data(contentsOf: out.appendingPathComponent(name + ".npy"))).shape, shape)
        }
        for (got, want) in shapes { XCTAssertEqual(got, want) }
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<html lang=\"en\">"))
        XCTAssertTrue(html.contains("s = −z"), "class 0 of one sigmoid is explained through −z")
        for reference in HTMLPage.references(in: html) {
            if reference.hasPrefix("#") {
                XCTAssertTrue(html.contains("id=\"\(reference.dropFirst())\""), "anchor \(reference) exists")
                continue
            }
            XCTAssertTrue(HTMLPage.isRelative(reference), reference)
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(HTMLPage.path(reference)).path), reference)
        }
        for file in result.files { XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), file) }
    }

    func testModelWithoutConv2DGetsSaliencyAndOcclusionAndAMessage() throws {
        let root = scratchFolder()
        let out = root.appendingPathComponent("explained")
        let result = try Explanation.run(image: try syntheticImage(in: root), model: .folder(try denseOnlyModel(in: root)),
                                         target: .named("dogs"), occlusion: .init(patch: 4, stride: 2), output: out)
        XCTAssertNil(result.npyFiles["gradcam"])
        XCTAssertEqual(result.notes, [ExplanationMaps.gradCAMMissing])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("gradcam.npy").path))
        XCTAssertEqual(try NPY.decode(Data(contentsOf: out.appendingPathComponent("occlusion.npy"))).shape, [3, 3])
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("Grad-CAM needs a Conv2D layer"))
    }

    func testBadInputWritesNothing() throws {
        let root = scratchFolder()
        let image = try syntheticImage(in: root, class: "elsewhere")
        let model = try denseOnlyModel(in: root)
        let out = root.appendingPathComponent("explained")
        let cases: [(URL, Explanation.Target, ExplanationMaps.OcclusionSettings, String)] = [
            (root.appendingPathComponent("missing.jpg"), .predicted, .init(), "cannot read the image"),
            (image, .named("horses"), .init(patch: 4, stride: 2), "--target horses is not a class"),
            (image, .trueLabel, .init(patch: 4, stride: 2), "\"elsewhere\" is not one of the model's classes"),
            (image, .predicted, .init(patch: 9, stride: 2), "--patch 9 and --stride 2 do not fit the model's 8×8 input"),
            (image, .predicted, .init(patch: 2, stride: 0), "do not fit"),
        ]
        for (url, target, settings, message) in cases {
            XCTAssertThrowsError(try Explanation.run(image: url, model: .folder(model), target: target, occlusion: settings, output: out)) {
                XCTAssertTrue("\($0)".contains(message), "\($0)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing written for \(message)")
        }
    }

    /// With one sigmoid, class 0's maps are those of −z: on a photo the model calls class 1
    /// (cat.4002: dogs) and one it calls class 0 (cat.4003: cats).
    func testBothSignsOnPhotos() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: Self.kerasModel.path), "Keras model not present at \(Self.kerasModel.path)")
        let loaded = try ModelFiles.load(Self.kerasModel, overrides: ModelOverrides(classNames: ["cats", "dogs"]))
        for (photo, called) in [("cats/cat.4002.jpg", 1), ("cats/cat.4003.jpg", 0)] {
            let url = sharedCatsAndDogs.appendingPathComponent("test_set/" + photo)
            try XCTSkipUnless(FileManager.default.fileExists(atPath: url.path), "photo not present at \(url.path)")
            let x = try ModelInput.load(url, loaded.saved.spec.preprocessing).tensor
            let s = ExplanationMaps.OcclusionSettings(patch: 16, stride: 16)
            let one = try ExplanationMaps.compute(model: loaded.saved.model, input: x, target: 1, occlusion: s, topUnits: 0)
            let zero = try ExplanationMaps.compute(model: loaded.saved.model, input: x, target: 0, occlusion: s, topUnits: 0)
            XCTAssertEqual(ClassDecision(output: one.output).index, called, photo)
            XCTAssertEqual(one.score, one.logits[0])
            XCTAssertEqual(zero.score, -one.logits[0])
            XCTAssertEqual(zero.saliency.data, one.saliency.data.map { -$0 }, "saliency of class 0 = −saliency of class 1, \(photo)")
            for (a, b) in zip(zero.occlusion.map.data, one.occlusion.map.data) { XCTAssertEqual(a, -b, accuracy: 1e-6, photo) }
            let cam0 = try XCTUnwrap(zero.gradCAM), cam1 = try XCTUnwrap(one.gradCAM)
            XCTAssertEqual(cam0.weights, cam1.weights.map { -$0 }, "α of class 0 = −α of class 1, \(photo)")
            // ReLU(v) and ReLU(−v): never both positive, and both maps are not empty.
            XCTAssertFalse(zip(cam0.map.data, cam1.map.data).contains { $0 > 0 && $1 > 0 }, photo)
            XCTAssertGreaterThan(cam0.map.data.max() ?? 0, 0, photo)
            XCTAssertGreaterThan(cam1.map.data.max() ?? 0, 0, photo)
        }
    }
}
