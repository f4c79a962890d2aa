import CNNCore
import Foundation
@testable import KerasFiles
import Workflows
import XCTest

/// Every file CNNViz cannot read gets one message naming the file and the problem, with what
/// to do; never a crash, never libhdf5's own printout. Files are made here from small fixtures
/// (Keras-written, in Fixtures/keras-made), cut or edited one way each.
final class BadFileTests: XCTestCase {
    var folder: URL!
    let made = SharedFiles.fixtures.appendingPathComponent("keras-made")

    override func setUpWithError() throws { folder = try SharedFiles.scratch(self) }

    /// A file in the scratch folder with these bytes.
    func file(_ name: String, _ bytes: Data) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try bytes.write(to: url)
        return url
    }

    /// The message reading `url` fails with (through the same path every --model takes).
    func message(_ url: URL) -> String {
        do {
            _ = try ModelFiles.load(url)
            return "(no error)"
        } catch {
            return "\(error)"
        }
    }

    func chainBytes() throws -> Data { try Data(contentsOf: made.appendingPathComponent("chain.keras")) }

    /// chain.keras rewritten with its config edited by `edit` (same weights).
    func editedKeras(_ name: String, _ edit: (String) -> String) throws -> URL {
        let members = try KerasArchive.read(try chainBytes(), path: "chain.keras")
        let config = Data(edit(String(decoding: members.config, as: UTF8.self)).utf8)
        return try file(name, try KerasArchive.write(config: config, metadata: Data("{}".utf8), weights: members.weights, path: name))
    }

    /// chain.keras as a legacy .h5, written by CNNViz's exporter.
    func chainH5() throws -> Data {
        let model = try KerasFileReader.read(made.appendingPathComponent("chain.keras"))
        return try KerasFileWriter.bytes(model.model, name: "chain", format: .legacyH5, path: "chain.h5")
    }

    func testTruncatedH5() throws {
        let bytes = try chainH5()
        let url = try file("cut.h5", bytes.prefix(bytes.count / 2))
        XCTAssertEqual(message(url), "\(url.path): the HDF5 data is truncated or corrupt (not a readable HDF5 file (libhdf5: truncated file: eof = \(bytes.count / 2), sblock->base_addr = 0, stored_eof = \(bytes.count))). Copy the file again (a download may have stopped early), or save it again in Keras with model.save().")
    }

    func testH5WithoutSignature() throws {
        let url = try file("noise.h5", Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
        XCTAssertEqual(message(url), "\(url.path): the HDF5 data is truncated or corrupt (it does not start with the HDF5 signature). Copy the file again (a download may have stopped early), or save it again in Keras with model.save().")
    }

    func testTruncatedKeras() throws {
        let bytes = try chainBytes()
        let url = try file("cut.keras", bytes.prefix(bytes.count - 100))
        XCTAssertEqual(message(url), "\(url.path) is not a readable .keras file: its zip archive is truncated or corrupt (its table of contents cannot be read). Copy the file again (a download may have stopped early), or save it again in Keras with model.save(\"model.keras\").")
    }

    func testKerasWithDamagedMember() throws {
        var bytes = try chainBytes()
        let config = try XCTUnwrap(bytes.range(of: Data("\"class_name\"".utf8)))
        bytes[config.lowerBound + 1] = UInt8(ascii: "K")  // one byte of config.json changed
        let url = try file("damaged.keras", bytes)
        XCTAssertEqual(message(url), "\(url.path) is not a readable .keras file: its zip archive is truncated or corrupt (config.json cannot be extracted: its checksum does not match its bytes). Copy the file again (a download may have stopped early), or save it again in Keras with model.save(\"model.keras\").")
    }

    func testZipWithoutConfig() throws {
        let members = try KerasArchive.read(try chainBytes(), path: "chain.keras")
        let archive = try ZipWithout.config(weights: members.weights)
        let url = try file("weights-only.keras", archive)
        XCTAssertEqual(message(url), "\(url.path) is a zip archive but holds no config.json, so it is not a whole Keras model. Save the model in Keras 3 with model.save(\"model.keras\"), which writes config.json, metadata.json and model.weights.h5.")
    }

    func testH5WithoutModelConfig() throws {
        // A .keras's model.weights.h5 is what model.save_weights() writes: weights, no architecture.
        let members = try KerasArchive.read(try chainBytes(), path: "chain.keras")
        let url = try file("model.weights.h5", members.weights)
        XCTAssertEqual(message(url), "\(url.path) holds weights but no architecture (no \"model_config\" attribute): it was written by model.save_weights(). Save the whole model in Keras with model.save(\"model.h5\") or model.save(\"model.keras\").")
    }

    func testUnsupportedLayer() throws {
        let url = made.appendingPathComponent("unsupported.keras")
        XCTAssertEqual(message(url), "\(url.path): layer 2 (\"separable_conv2d\") is a SeparableConv2D, which CNNViz does not have. CNNViz supports Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Dense, Dropout, Activation, BatchNormalization, GlobalAveragePooling2D, GlobalMaxPooling2D, Rescaling, ZeroPadding2D; rebuild the model in Keras with these layers.")
    }

    func testFunctionalWithBranches() throws {
        let url = made.appendingPathComponent("branches.keras")
        XCTAssertEqual(message(url), "\(url.path) is a functional model with branches (layer \"input_layer\" feeds more than one layer); CNNViz runs one chain of layers, as keras.Sequential does. Rebuild it as a Sequential model.")
    }

    func testChannelsFirst() throws {
        let url = made.appendingPathComponent("channels_first.keras")
        XCTAssertEqual(message(url), "\(url.path): layer 1 (\"conv2d_3\") uses data_format \"channels_first\"; CNNViz works channels_last (N, H, W, C), Keras' default. Rebuild the model with data_format=\"channels_last\".")
    }

    func testMixedFloat16() throws {
        let url = made.appendingPathComponent("mixed_float16.keras")
        XCTAssertEqual(message(url), "\(url.path): the model's dtype policy is \"mixed_float16\", but CNNViz computes in float32. Build and save the model in Keras with dtype \"float32\" (keras.mixed_precision.set_global_policy(\"float32\")).")
    }

    func testFloat64Weights() throws {
        // chain.keras as a legacy .h5 with its weights stored as float64 (scripts/keras2_era_h5.py --float64).
        let url = made.appendingPathComponent("float64_weights.h5")
        XCTAssertEqual(message(url), "\(url.path): the weight model_weights/conv2d_2/chain/conv2d_2/kernel of layer \"conv2d_2\" is float64, but CNNViz computes in float32. Build and save the model in Keras with dtype \"float32\" (keras.mixed_precision.set_global_policy(\"float32\")).")
    }

    func testWeightShapesDisagree() throws {
        // The architecture says 5 filters where the stored kernel has 4.
        let url = try editedKeras("resized.keras") { $0.replacingOccurrences(of: "\"filters\": 4", with: "\"filters\": 5") }
        XCTAssertEqual(message(url), "\(url.path): layer \"conv2d_2\" stores kernel (layers/conv2d/vars/0) with shape [3, 3, 3, 4], but the architecture needs [3, 3, 3, 5]. The weights do not belong to this architecture; save the model again in Keras with model.save().")
    }

    func testNeitherZipNorHDF5() throws {
        let url = try file("notes.txt", Data("hello".utf8))
        XCTAssertEqual(message(url), "\(url.path) is neither a .keras file (a zip) nor a legacy .h5 file (HDF5). Give a file written by Keras' model.save(), or a CNNViz model folder.")
    }

    func testExportNeedsAKnownExtension() throws {
        let output = folder.appendingPathComponent("model.onnx")
        XCTAssertThrowsError(try KerasExchange.export(model: made.appendingPathComponent("chain.keras"), output: output)) { error in
            XCTAssertEqual("\(error)", "\(output.path): the name must end in .keras (Keras 3's format) or .h5 (the legacy format). Choose one, e.g. --output model.keras.")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }
}
