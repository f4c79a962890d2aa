import CNNCore
import Foundation
import KerasFiles
import Workflows
import XCTest

/// Import → export → import gives back the very same weights, bit for bit, in both formats,
/// and the same layers (names, classes, configs).
final class RoundTripTests: XCTestCase {
    func roundTrip(_ file: String) throws {
        let original = try KerasFileReader.read(try SharedFiles.kerasModel(file))
        let folder = try SharedFiles.scratch(self)
        for format in [KerasFormat.keras, .legacyH5] {
            let url = folder.appendingPathComponent("exported.\(format.rawValue)")
            try KerasFileWriter.bytes(original.model, name: original.spec.name, format: format, path: url.path).write(to: url)
            let again = try KerasFileReader.read(url)
            XCTAssertEqual(again.format, format)
            XCTAssertEqual(again.spec.name, original.spec.name)
            XCTAssertEqual(again.spec.inputShape, original.spec.inputShape)
            XCTAssertEqual(again.spec.encoded(), original.spec.encoded(), "\(file) → \(format)")
            let before = SavedModel.namedWeights(original.model), after = SavedModel.namedWeights(again.model)
            XCTAssertEqual(before.map(\.name), after.map(\.name))
            for (a, b) in zip(before, after) {
                XCTAssertEqual(a.tensor.shape, b.tensor.shape, a.name)
                XCTAssertTrue(a.tensor.data.map(\.bitPattern) == b.tensor.data.map(\.bitPattern), "\(file) → \(format): \(a.name) changed")
            }
        }
    }

    func testCourseworkKeras3() throws { try roundTrip("coursework.keras") }
    func testCourseworkKeras2H5() throws { try roundTrip("coursework_keras2.h5") }
    func testSmallKeras3() throws { try roundTrip("small.keras") }
    func testSmallLegacyH5() throws { try roundTrip("small.h5") }
}

/// A model folder's class names and rescale travel in the files cnnviz exports (where Keras does
/// not look); Keras' own files carry none, and nothing assumed is written as if known.
final class ExtrasTests: XCTestCase {
    func testFolderToKerasAndBack() throws {
        let folder = try SharedFiles.scratch(self)
        let model = SharedFiles.fixtures.appendingPathComponent("trained-by-cnnviz/model")
        for name in ["m.keras", "m.h5"] {
            let url = folder.appendingPathComponent(name)
            try KerasExchange.export(model: model, output: url)
            let loaded = try ModelFiles.load(url)
            XCTAssertEqual(loaded.saved.spec.classNames, ["cats", "dogs"], name)
            XCTAssertFalse(loaded.classNamesAssumed)
            XCTAssertFalse(loaded.rescaleAssumed)
            XCTAssertEqual(loaded.assumptions, ["rescale: 1/255 (recorded in the file by cnnviz export)",
                                                "classes: cats, dogs (recorded in the file by cnnviz export)"])
        }
    }

    func testKerasOwnFileStaysAssumed() throws {
        let url = try SharedFiles.scratch(self).appendingPathComponent("small-again.keras")
        try KerasExchange.export(model: try SharedFiles.kerasModel("small.keras"), output: url)
        let loaded = try ModelFiles.load(url)
        XCTAssertTrue(loaded.classNamesAssumed)
        XCTAssertTrue(loaded.rescaleAssumed)
        XCTAssertNil(try KerasFileReader.read(url).extras)
    }
}
