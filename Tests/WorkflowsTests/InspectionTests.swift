import XCTest
import CNNCore
import ImageFiles
import Visualize
@testable import Workflows

final class InspectionTests: XCTestCase {
    var temp: URL!

    override func setUpWithError() throws {
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("cnnviz-visualize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: temp)
    }

    /// A 40×30 picture: a bright diagonal band on a dark blue ground.
    func writeImage(_ name: String) throws -> URL {
        var image = RGBImage(width: 40, height: 30, fill: (20, 30, 90))
        for y in 0..<30 { for x in 0..<40 where abs(x - y) < 4 { image[x, y] = (250, 220, 40) } }
        let url = temp.appendingPathComponent(name)
        try ImageFile.write(image, to: url)
        return url
    }

    /// A small model folder: conv (4 filters) → max pool → flatten → dense 8 → dense 1 sigmoid.
    func writeSmallModel() throws -> URL {
        var spec = ModelSpec(name: "tiny", inputShape: [16, 16, 3], layers: [
            ("Conv2D", ["filters": .int(4), "kernel_size": .ints([3, 3]), "activation": .string("relu")]),
            ("MaxPooling2D", ["pool_size": .ints([2, 2])]),
            ("Flatten", [:]),
            ("Dense", ["units": .int(8), "activation": .string("relu")]),
            ("Dense", ["units": .int(1), "activation": .string("sigmoid")]),
        ])
        spec.classNames = ["cats", "dogs"]
        spec.preprocessing = Preprocessing(rescale: 1.0 / 255, targetSize: (16, 16), interpolation: "nearest")
        let folder = temp.appendingPathComponent("tiny-model")
        try SavedModel(spec: spec, model: try spec.build(seed: 3)).save(to: folder)
        return folder
    }

    /// Every href/src of both pages exists as a browser resolves it, every PNG decodes with
    /// PNGCodec to the size drawn, and every .npy has the shape the manifest states.
    func checkFolder(_ folder: URL, expectedPictures: Set<String>) throws {
        var references: [String] = []
        for page in ["index.html", "pictures.html"] {
            let html = try String(contentsOf: folder.appendingPathComponent(page), encoding: .utf8)
            XCTAssertFalse(html.contains("://"), "\(page): no network references")
            let found = HTMLPage.references(in: html)
            XCTAssertFalse(found.isEmpty, page)
            for ref in found {
                if ref.hasPrefix("#") {
                    XCTAssertTrue(ref == "#" || html.contains("id=\"\(ref.dropFirst())\""), "\(page): anchor \(ref) exists")
                    continue
                }
                XCTAssertTrue(HTMLPage.isRelative(ref), "\(ref) is relative")
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(ref).path), "\(page): \(ref) exists")
            }
            references += found
        }
        let pictures = Set(references.filter { $0.hasSuffix(".png") }.map { URL(fileURLWithPath: $0).lastPathComponent })
        XCTAssertTrue(expectedPictures.isSubset(of: pictures), "missing: \(expectedPictures.subtracting(pictures))")
        for ref in references where ref.hasSuffix(".png") {
            let data = try Data(contentsOf: folder.appendingPathComponent(ref))
            let image = try PNGCodec.decode(data, path: ref)
            XCTAssertGreaterThan(image.width, 100, ref)
            XCTAssertGreaterThan(image.height, 60, ref)
            // Not blank: more than one colour.
            var colours = Set<Int>()
            for i in stride(from: 0, to: image.pixels.count, by: 3) where colours.count <= 4 {
                let r = Int(image.pixels[i]), g = Int(image.pixels[i + 1]), b = Int(image.pixels[i + 2])
                colours.insert((r << 16) | (g << 8) | b)
            }
            XCTAssertGreaterThan(colours.count, 4, ref)
        }
        let saved = try SavedTrace(folder: folder)
        XCTAssertFalse(saved.tensors.isEmpty)
        for info in saved.tensors {
            XCTAssertTrue(references.contains(info.file), "the page links \(info.file)")
            let data = try Data(contentsOf: folder.appendingPathComponent(info.file))
            XCTAssertEqual(try NPY.decode(data, path: info.file).shape, info.shape, info.file)
        }
        // Nothing temporary left beside the folder.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: folder.deletingLastPathComponent().path)
        XCTAssertFalse(siblings.contains { $0.contains(".tmp-") || $0.contains(".old-") }, "\(siblings)")
    }

    func testInspectSmallModelFolder() throws {
        let image = try writeImage("band.png")
        let out = temp.appendingPathComponent("out")
        let result = try Inspection.run(image: image, model: .folder(try writeSmallModel()), output: out)
        XCTAssertTrue(["cats", "dogs"].contains(result.predictedClass))
        XCTAssertGreaterThanOrEqual(result.probability, 0.5)
        try checkFolder(out, expectedPictures: [
            "00_input.png", "01_conv2d_kernels.png", "01_conv2d_pre_activation.png", "01_conv2d_output.png", "01_conv2d_gradient.png",
            "02_max_pooling2d_zoom.png", "02_max_pooling2d_full.png", "02_max_pooling2d_output.png",
            "04_dense_pre_activation.png", "04_dense_output.png", "05_dense_1_output.png",
        ])
        // The input picture: RGB + 3 channels of 16×16 at scale 12, 4 columns.
        let input = try PNGCodec.decode(Data(contentsOf: out.appendingPathComponent("pictures/00_input.png")), path: "input")
        XCTAssertEqual(input.width, 12 + 4 * 16 * 12 + 3 * 10 + 12)
        let html = try String(contentsOf: out.appendingPathComponent("pictures.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("band.png"), "the page names the image")
        XCTAssertTrue(html.contains("tiny"), "the page names the model")
        XCTAssertTrue(html.contains("nearest interpolation"), "the page names the preprocessing")
        XCTAssertTrue(html.contains("share of zeros"))
        // The gradients of the backward pass are in the trace.
        let saved = try SavedTrace(folder: out)
        XCTAssertNotNil(saved.tensors.first { $0.layer == "conv2d" && $0.role == .weightGradient("kernel") })
    }

    /// The pictures depend on the trace alone: drawing them again from the trace folder on disk
    /// gives exactly the pixels written during the run.
    func testPicturesRedrawnFromTheSavedTraceAreIdentical() throws {
        let out = temp.appendingPathComponent("out")
        try Inspection.run(image: try writeImage("band.png"), model: .folder(try writeSmallModel()), output: out)
        let view = TraceView(try SavedTrace(folder: out))
        XCTAssertEqual(view.layers.map(\.name), ["conv2d", "max_pooling2d", "flatten", "dense", "dense_1"])
        var compared = 0
        for layer in [nil] + view.layers.map(Optional.some) {
            for picture in try InspectionPage.pictures(for: layer, in: view, classNames: ["cats", "dogs"]) {
                let url = out.appendingPathComponent(InspectionPage.pictureFolder).appendingPathComponent(picture.file)
                let written = try PNGCodec.decode(Data(contentsOf: url), path: url.path)
                XCTAssertEqual(written, picture.image, picture.file)
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 10)
    }

    /// With `explain`, the explanation of the answer sits in explain/ and the explorer links it
    /// and lays its Grad-CAM over the photo; without, the explorer's Grad-CAM comes from the trace.
    func testExplorerCarriesGradCAMAndLinksTheExplanation() throws {
        let image = try writeImage("band.png")
        let model = try writeSmallModel()
        for explain in [true, false] {
            let out = temp.appendingPathComponent("out-\(explain)")
            let result = try Inspection.run(image: image, model: .folder(model), output: out, explain: explain)
            let data = try String(contentsOf: out.appendingPathComponent("explorer-data.js"), encoding: .utf8)
            XCTAssertTrue(data.contains("\"gradcam\":{\"data\""), "the Grad-CAM map travels with the page")
            XCTAssertEqual(data.contains("\"page\":\"explain/index.html\""), explain)
            XCTAssertEqual(FileManager.default.fileExists(atPath: out.appendingPathComponent("explain/index.html").path), explain)
            XCTAssertEqual(result.files.contains("explain/gradcam.npy"), explain)
        }
    }

    func testInspectCourseworkModelWritesAllPicturesAndTheTrace() throws {
        let image = try writeImage("cat.jpg")
        let out = Inspection.defaultOutputFolder(for: image, model: .coursework(seed: 0), base: temp.appendingPathComponent("output"))
        XCTAssertEqual(out.lastPathComponent, "cat-untrained-seed-0")
        // Named by image and model, so the trained model's inspection sits beside the untrained one.
        XCTAssertEqual(Inspection.defaultOutputFolder(for: image, model: .folder(URL(fileURLWithPath: "output/runs/cats 1/model"))).lastPathComponent,
                       "cat-cats_1")
        XCTAssertEqual(Inspection.defaultOutputFolder(for: image, model: .file(URL(fileURLWithPath: "modelo.keras"), ModelOverrides())).lastPathComponent,
                       "cat-modelo")
        let result = try Inspection.run(image: image, model: .coursework(seed: 0), output: out)
        XCTAssertTrue(result.modelDescription.contains("seed 0"))
        try checkFolder(out, expectedPictures: ["00_input.png", "01_conv2d_kernels.png", "01_conv2d_output.png",
                                                "02_max_pooling2d_zoom.png", "04_dense_output.png", "05_dense_1_output.png"])
        let saved = try SavedTrace(folder: out)
        XCTAssertEqual(saved.tensors.first { $0.layer == "conv2d" && $0.role == .output }?.shape, [1, 62, 62, 32])
        XCTAssertEqual(saved.tensors.first { $0.layer == "max_pooling2d" && $0.role == .output }?.shape, [1, 31, 31, 32])
        // 32 feature maps of 62×62 at scale 2 in 8 columns.
        let maps = try PNGCodec.decode(Data(contentsOf: out.appendingPathComponent("pictures/01_conv2d_output.png")), path: "maps")
        XCTAssertEqual(maps.width, 12 + 8 * 124 + 7 * 6 + 12)
    }

    /// Other layers and settings: `same` padding, average pooling, a 3×3/2 max pool, a separate
    /// Activation, Dropout, and a softmax output over three classes with bilinear resizing.
    func testInspectOtherArchitecture() throws {
        var spec = ModelSpec(name: "deeper", inputShape: [24, 24, 3], layers: [
            ("Conv2D", ["filters": .int(4), "kernel_size": .ints([3, 3]), "padding": .string("same"), "activation": .string("relu")]),
            ("AveragePooling2D", ["pool_size": .ints([2, 2])]),
            ("Conv2D", ["filters": .int(6), "kernel_size": .ints([5, 5]), "activation": .string("linear")]),
            ("Activation", ["activation": .string("relu")]),
            ("MaxPooling2D", ["pool_size": .ints([3, 3]), "strides": .ints([2, 2]), "padding": .string("same")]),
            ("Dropout", ["rate": .number(0.25)]),
            ("Flatten", [:]),
            ("Dense", ["units": .int(3), "activation": .string("softmax")]),
        ])
        spec.classNames = ["a", "b", "c"]
        spec.loss = .categoricalCrossentropy
        spec.preprocessing = Preprocessing(rescale: 1.0 / 255, targetSize: (24, 24), interpolation: "bilinear")
        let modelFolder = temp.appendingPathComponent("deeper")
        try SavedModel(spec: spec, model: try spec.build(seed: 1)).save(to: modelFolder)
        let out = temp.appendingPathComponent("out")
        let result = try Inspection.run(image: try writeImage("band.png"), model: .folder(modelFolder), output: out)
        XCTAssertTrue(["a", "b", "c"].contains(result.predictedClass))
        try checkFolder(out, expectedPictures: [
            "01_conv2d_kernels.png", "02_average_pooling2d_zoom.png", "03_conv2d_1_kernels.png", "04_activation_output.png",
            "05_max_pooling2d_zoom.png", "06_dropout_output.png", "08_dense_output.png",
        ])
        let html = try String(contentsOf: out.appendingPathComponent("pictures.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("bilinear interpolation"))
    }

    func testBadInputsFailCleanlyAndLeaveNothing() throws {
        let out = temp.appendingPathComponent("never")
        let notImage = temp.appendingPathComponent("notes.jpg")
        try Data("not an image".utf8).write(to: notImage)
        XCTAssertThrowsError(try Inspection.run(image: notImage, model: .coursework(seed: 0), output: out))
        XCTAssertThrowsError(try Inspection.run(image: temp.appendingPathComponent("missing.png"), model: .coursework(seed: 0), output: out))
        let image = try writeImage("ok.png")
        let emptyModel = temp.appendingPathComponent("empty-model")
        try FileManager.default.createDirectory(at: emptyModel, withIntermediateDirectories: true)
        XCTAssertThrowsError(try Inspection.run(image: image, model: .folder(emptyModel), output: out)) { error in
            XCTAssertTrue("\(error)".contains("model.json"), "\(error)")
        }
        // An output "folder" whose parent is a file cannot be written.
        let blocker = temp.appendingPathComponent("blocker")
        try Data("x".utf8).write(to: blocker)
        XCTAssertThrowsError(try Inspection.run(image: image, model: .coursework(seed: 0), output: blocker.appendingPathComponent("out")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        let left = try FileManager.default.contentsOfDirectory(atPath: temp.path)
        XCTAssertFalse(left.contains { $0.contains(".tmp-") }, "\(left)")
    }

    /// One loaded model serves one inspection after another (as the training report's cores
    /// use it): each writes the same bytes as an inspection that loads the model afresh.
    func testAModelReusedForSeveralInspectionsGivesTheSameFiles() throws {
        let model = try writeSmallModel()
        let images = [try writeImage("a.png"), try writeImage("b.png")]
        let loaded = try ModelFiles.load(model)
        for (k, image) in images.enumerated() {
            let fresh = temp.appendingPathComponent("fresh-\(k)"), reused = temp.appendingPathComponent("reused-\(k)")
            let a = try Inspection.run(image: image, model: .folder(model), output: fresh, explain: true)
            let b = try Inspection.run(image: image, model: .loaded(loaded, from: model), output: reused, explain: true)
            XCTAssertEqual(a.files.sorted(), b.files.sorted())
            XCTAssertGreaterThan(a.files.count, 10)
            for file in a.files {
                XCTAssertEqual(try Data(contentsOf: fresh.appendingPathComponent(file)), try Data(contentsOf: reused.appendingPathComponent(file)), file)
            }
        }
    }
}
