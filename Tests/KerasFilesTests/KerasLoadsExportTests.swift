import CNNCore
import Foundation
import ImageFiles
import KerasFiles
import Workflows
import XCTest

/// A model trained by `cnnviz train` (from Keras' own to_json), exported by `cnnviz export`, and
/// loaded by Keras 3 itself: Fixtures/trained-by-cnnviz holds what Keras answered and Keras' own
/// re-save of the file (scripts/make-keras-fixture.sh makes them; these tests run no Python).
final class KerasLoadsExportTests: XCTestCase {
    let fixture = SharedFiles.fixtures.appendingPathComponent("trained-by-cnnviz")

    /// Keras' outputs "cats/cat.4001.jpg" → [p] from keras_predict.py's JSON.
    func kerasOutputs(_ file: String) throws -> [String: [Double]] {
        let root = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: fixture.appendingPathComponent(file)))
        var outputs: [String: [Double]] = [:]
        for (image, row) in root.objectValue?["outputs"]?.objectValue ?? [:] {
            outputs[image] = row.arrayValue?.compactMap(\.doubleValue)
        }
        return outputs
    }

    /// Keras, having loaded the exported .keras and .h5, gives CNNViz's probabilities.
    func testKerasGivesTheSameProbabilities() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: SharedFiles.testSet.path), "photos not present")
        let loaded = try ModelFiles.load(fixture.appendingPathComponent("model"))
        for file in ["keras_outputs.json", "keras_outputs_h5.json"] {
            try KerasReferenceTests.compare(loaded.saved.model, preprocessing: loaded.saved.spec.preprocessing,
                                            with: try kerasOutputs(file), file: file)
        }
    }

    /// What Keras saved after loading the export holds the very weights CNNViz trained.
    func testKerasKeepsEveryWeight() throws {
        let trained = try ModelFiles.load(fixture.appendingPathComponent("model")).saved.model
        let resaved = try KerasFileReader.read(fixture.appendingPathComponent("resaved_by_keras.keras"))
        XCTAssertEqual(resaved.model.layers.map(\.name), trained.layers.map(\.name))
        for (a, b) in zip(SavedModel.namedWeights(trained), SavedModel.namedWeights(resaved.model)) {
            XCTAssertEqual(a.name, b.name)
            XCTAssertTrue(a.tensor.data.map(\.bitPattern) == b.tensor.data.map(\.bitPattern), "\(a.name) changed in Keras")
        }
    }

    /// Today's export writes the config Keras accepted then, and the same weights: a change to the
    /// writer that Keras might not load shows here.
    func testExportStillWritesWhatKerasLoaded() throws {
        let folder = try SharedFiles.scratch(self)
        for name in ["exported.keras", "exported.h5"] {
            let url = folder.appendingPathComponent(name)
            try KerasExchange.export(model: fixture.appendingPathComponent("model"), output: url)
            let now = try KerasFileReader.read(url), then = try KerasFileReader.read(fixture.appendingPathComponent(name))
            XCTAssertEqual(now.spec.encoded(), then.spec.encoded(), name)
            XCTAssertEqual(try configJSON(url), try configJSON(fixture.appendingPathComponent(name)), name)
            for (a, b) in zip(SavedModel.namedWeights(now.model), SavedModel.namedWeights(then.model)) {
                XCTAssertTrue(a.tensor.data.map(\.bitPattern) == b.tensor.data.map(\.bitPattern), "\(name): \(a.name)")
            }
        }
    }

    /// The architecture JSON inside a Keras file (config.json or model_config), parsed.
    func configJSON(_ url: URL) throws -> JSONValue {
        try KerasFileReader.architectureJSON(url)
    }
}
