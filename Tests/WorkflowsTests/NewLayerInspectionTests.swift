import XCTest
import CNNCore
import ImageFiles
@testable import Visualize
@testable import Workflows

/// `inspect` draws a model with BatchNormalization and the global poolings: every layer gets a
/// section, BatchNormalization its output maps, a global pooling its bar strip.
final class NewLayerInspectionTests: XCTestCase {
    func testEveryLayerIsDrawn() throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("cnnviz-newlayers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        var image = RGBImage(width: 20, height: 20, fill: (20, 30, 90))
        for y in 0..<20 { for x in 0..<20 where abs(x - y) < 3 { image[x, y] = (250, 220, 40) } }
        let imageURL = temp.appendingPathComponent("band.png")
        try ImageFile.write(image, to: imageURL)

        var spec = ModelSpec(name: "normalized", inputShape: [16, 16, 3], layers: [
            ("Conv2D", ["filters": .int(4), "kernel_size": .ints([3, 3]), "padding": .string("same")]),
            ("BatchNormalization", [:]),
            ("Activation", ["activation": .string("relu")]),
            ("MaxPooling2D", ["pool_size": .ints([2, 2])]),
            ("Conv2D", ["filters": .int(6), "kernel_size": .ints([3, 3]), "activation": .string("relu")]),
            ("GlobalMaxPooling2D", ["keepdims": .bool(true)]),
            ("GlobalAveragePooling2D", [:]),
            ("Dense", ["units": .int(1), "activation": .string("sigmoid")]),
        ])
        spec.classNames = ["a", "b"]
        spec.preprocessing = Preprocessing(rescale: 1.0 / 255, targetSize: (16, 16), interpolation: "nearest")
        let model = try spec.build(seed: 3)
        // Moving statistics that are not the initial ones, so the page shows trained values.
        model.buffers[0].value.data = [0.1, -0.2, 0.3, 0]
        model.buffers[1].value.data = [0.5, 2, 1, 0.25]
        let folder = temp.appendingPathComponent("model")
        try SavedModel(spec: spec, model: model).save(to: folder)

        let out = temp.appendingPathComponent("inspect")
        let result = try Inspection.run(image: imageURL, model: .folder(folder), output: out)
        for file in ["pictures/02_batch_normalization_output.png", "pictures/02_batch_normalization_gradient.png", "pictures/02_batch_normalization_statistics.png",
                     "pictures/06_global_max_pooling2d_output.png", "pictures/07_global_average_pooling2d_output.png",
                     "tensors/02_batch_normalization_moving_mean.npy", "tensors/02_batch_normalization_moving_variance.npy"] {
            XCTAssertTrue(result.files.contains(file), "\(file) in \(result.files)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), file)
        }
        XCTAssertEqual(Set(result.files).count, result.files.count, "no picture is written twice")
        let html = try String(contentsOf: out.appendingPathComponent("pictures.html"), encoding: .utf8)
        for name in ["batch_normalization", "global_max_pooling2d", "global_average_pooling2d"] {
            XCTAssertTrue(html.contains(name), name)
        }
        XCTAssertTrue(html.contains("moving mean and variance"), "the BatchNormalization sentence")
        XCTAssertTrue(html.contains("moving_variance (4)"), "the weights of the BatchNormalization")
    }
}
