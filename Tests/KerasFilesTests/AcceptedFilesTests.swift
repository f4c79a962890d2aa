import CNNCore
import Foundation
import ImageFiles
import KerasFiles
import Workflows
import XCTest

/// What Keras writes besides the coursework's Sequential files, and is read all the same: a
/// functional model that is one chain, a model that rescales its own pixels, and the JSON of
/// `model.to_json()` given to `--architecture`.
final class AcceptedFilesTests: XCTestCase {
    let made = SharedFiles.fixtures.appendingPathComponent("keras-made")

    func testFunctionalChain() throws {
        let loaded = try ModelFiles.load(made.appendingPathComponent("chain.keras"))
        XCTAssertEqual(loaded.saved.model.layers.map(\.kind), [.conv2D, .maxPooling2D, .flatten, .dense])
        XCTAssertEqual(loaded.saved.model.inputShape, [16, 16, 3])
        XCTAssertEqual(loaded.source, .keras(.keras))
    }

    /// Rescaling(1/255) as the first layer: the pixels go in unscaled (rescale 1 is assumed and
    /// said), and the softmax outputs are Keras' (rescaling_outputs.json, made with the file).
    func testRescalingLayerTakesRawPixels() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: SharedFiles.testSet.path), "photos not present")
        let loaded = try ModelFiles.load(made.appendingPathComponent("rescaling.keras"))
        XCTAssertEqual(loaded.saved.spec.preprocessing.rescale, 1)
        XCTAssertEqual(loaded.assumptions.first, "rescale: 1 (assumed: the model's first layer, a Rescaling, scales the pixels itself; --rescale changes it)")
        XCTAssertEqual(loaded.saved.model.layers.map(\.kind), [.rescaling, .zeroPadding2D, .conv2D, .globalMaxPooling2D, .dense])
        XCTAssertEqual(loaded.saved.spec.loss, .categoricalCrossentropy)
        let root = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: made.appendingPathComponent("rescaling_outputs.json")))
        var expected: [String: [Double]] = [:]
        for (image, row) in root.objectValue?["outputs"]?.objectValue ?? [:] { expected[image] = row.arrayValue?.compactMap(\.doubleValue) }
        try KerasReferenceTests.compare(loaded.saved.model, preprocessing: loaded.saved.spec.preprocessing, with: expected, file: "rescaling.keras")
    }

    /// `--rescale` and `--classes` override what was assumed, and say so.
    func testOverrides() throws {
        let loaded = try ModelFiles.load(made.appendingPathComponent("chain.keras"), overrides: ModelOverrides(rescale: 0.5, classNames: ["cats", "dogs"]))
        XCTAssertEqual(loaded.saved.spec.preprocessing.rescale, 0.5)
        XCTAssertEqual(loaded.saved.spec.classNames, ["cats", "dogs"])
        XCTAssertEqual(loaded.assumptions.prefix(2), ["rescale: 0.5 (from --rescale)", "classes: cats, dogs (from --classes)"])
        XCTAssertThrowsError(try ModelFiles.load(made.appendingPathComponent("chain.keras"), overrides: ModelOverrides(classNames: ["a", "b", "c"]))) { error in
            XCTAssertEqual("\(error)", "--classes names 3 classes (a, b, c) but the model \(self.made.path)/chain.keras has one sigmoid output, which needs exactly 2 (class 0, then class 1). Give one name per class in class-index order, e.g. --classes cats,dogs.")
        }
    }

    /// Keras 3's to_json (the fixture's architecture) and Keras 2's (the coursework's, as its
    /// .h5 holds it: `batch_input_shape`, no InputLayer `batch_shape`) both give a spec.
    func testToJSONAsArchitecture() throws {
        let keras3 = try ArchitectureFile.load(SharedFiles.fixtures.appendingPathComponent("trained-by-cnnviz/architecture.keras.json"))
        XCTAssertEqual(keras3.inputShape, [32, 32, 3])
        XCTAssertEqual(keras3.layers.first?.className, "ZeroPadding2D")
        XCTAssertEqual(try keras3.build().parameterCount + keras3.build().bufferCount, 2_025)

        let keras2JSON = try KerasFileReader.architectureJSON(try SharedFiles.kerasModel("coursework_keras2.h5"))
        let file = try SharedFiles.scratch(self).appendingPathComponent("coursework.json")
        try Data(keras2JSON.encodedString().utf8).write(to: file)
        let coursework = try ArchitectureFile.load(file)
        XCTAssertEqual(coursework.inputShape, [64, 64, 3])
        let model = try coursework.build()
        XCTAssertEqual(model.parameterCount, 3_937_409)
        XCTAssertEqual(model.layers.map(\.name), ["conv2d", "max_pooling2d", "flatten", "dense", "dense_1"])
    }
}

/// A legacy .h5 as h5py 2 wrote them in Keras 2's time: fixed-length byte strings for
/// model_config, layer_names and weight_names, and layer_names in chunks (layer_names0, …).
/// Made from chain.keras by scripts/keras2_era_h5.py; it must give chain.keras's weights.
final class OlderH5Tests: XCTestCase {
    func testFixedLengthAndChunkedStrings() throws {
        let made = SharedFiles.fixtures.appendingPathComponent("keras-made")
        let old = try KerasFileReader.read(made.appendingPathComponent("keras2_era_strings.h5"))
        let chain = try KerasFileReader.read(made.appendingPathComponent("chain.keras"))
        XCTAssertEqual(old.format, .legacyH5)
        XCTAssertEqual(old.spec.encoded(), chain.spec.encoded())
        for (a, b) in zip(SavedModel.namedWeights(old.model), SavedModel.namedWeights(chain.model)) {
            XCTAssertEqual(a.name, b.name)
            XCTAssertTrue(a.tensor.data.map(\.bitPattern) == b.tensor.data.map(\.bitPattern), a.name)
        }
    }
}
