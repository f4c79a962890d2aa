import Foundation
import XCTest
@testable import CNNCore

/// Model folders and weights files that would make nonsense or crash are refused on load with
/// a message naming the tensor or field at fault; outputs that overflow are refused, not shown.
final class ModelValidationTests: XCTestCase {
    /// Input 8×8×3, Conv2D 2 filters 3×3 relu, Flatten, Dense 1 sigmoid.
    func smallSpec(classNames: [String] = ["cats", "dogs"], units: Int = 1, activation: String = "sigmoid") -> ModelSpec {
        var spec = ModelSpec(inputShape: [8, 8, 3], layers: [
            ("Conv2D", ["filters": .int(2), "kernel_size": .int(3), "activation": .string("relu")]),
            ("Flatten", [:]),
            ("Dense", ["units": .int(units), "activation": .string(activation)]),
        ])
        spec.classNames = classNames
        spec.preprocessing.targetSize = (8, 8)
        return spec
    }

    /// A saved model folder of `spec`; `edit` may change its weights before they are written.
    func savedFolder(_ spec: ModelSpec, edit: (Sequential) -> Void = { _ in }) throws -> URL {
        let folder = temporaryFolder().appendingPathComponent("model")
        let model = try spec.build(seed: 1)
        edit(model)
        try SavedModel(spec: spec, model: model).save(to: folder)
        return folder
    }

    func assertLoadFails(_ folder: URL, mentions words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SavedModel.load(from: folder), file: file, line: line) { error in
            for w in words { XCTAssertTrue("\(error)".contains(w), "'\(w)' not in: \(error)", file: file, line: line) }
        }
    }

    func testNonFiniteWeightsAreRefusedByName() throws {
        for (value, word) in [(Float.nan, "NaN"), (.infinity, "inf"), (-.infinity, "-inf")] {
            let folder = try savedFolder(smallSpec()) { $0.layers[2].parameters[0].value.data[7] = value }
            assertLoadFails(folder, mentions: ["weights.safetensors", "tensor 'dense.kernel' holds \(word) at index 7"])
        }
        XCTAssertNoThrow(try SavedModel.load(from: try savedFolder(smallSpec())))
    }

    /// Finite weights of 3e38 overflow in the first layer: the output is refused, naming that layer.
    func testOverflowingWeightsGiveAnErrorNotNaN() throws {
        let folder = try savedFolder(smallSpec()) { model in
            for p in model.parameters { p.value.data = p.value.data.map { _ in 3e38 } }
        }
        let saved = try SavedModel.load(from: folder)
        let x = Tensor(shape: [1, 8, 8, 3], repeating: 0.5)
        XCTAssertThrowsError(try saved.model.forwardChecked(x, for: "cat.png")) { error in
            XCTAssertTrue("\(error)".contains("the model's output for cat.png is not a number"), "\(error)")
            XCTAssertTrue("\(error)".contains("layer 'conv2d' gives inf"), "\(error)")
        }
    }

    /// A sound model's checked forward pass is the plain one, bit for bit.
    func testCheckedForwardGivesTheSameNumbers() throws {
        let model = try Coursework.spec(imageSize: 16).build(seed: 3)
        var rng = SeededRNG(seed: 4)
        let x = Tensor(shape: [2, 16, 16, 3], data: (0..<(2 * 16 * 16 * 3)).map { _ in rng.uniform(Float(0), 1) })
        let plain = try model.forward(x)
        XCTAssertEqual(try model.forwardChecked(x, for: "x").data.map(\.bitPattern), plain.data.map(\.bitPattern))
    }

    func testClassNamesMustFitTheOutput() throws {
        assertLoadFails(try savedFolder(smallSpec(classNames: ["cats"])),
                        mentions: ["model.json", "\"class_names\" lists 1 (cats)", "one sigmoid unit", "exactly two class names"])
        assertLoadFails(try savedFolder(smallSpec(classNames: ["a", "b", "c"])), mentions: ["lists 3", "exactly two"])
        assertLoadFails(try savedFolder(smallSpec(classNames: ["a", "b"], units: 3, activation: "softmax")),
                        mentions: ["lists 2", "3 units", "one class name each"])
        XCTAssertNoThrow(try SavedModel.load(from: try savedFolder(smallSpec(classNames: []))))
        XCTAssertNoThrow(try SavedModel.load(from: try savedFolder(smallSpec(classNames: ["a", "b", "c"], units: 3, activation: "softmax"))))
        let json = #"{"input_shape": [4], "class_names": ["a", 7], "layers": [{"class_name": "Dense", "config": {"units": 1}}]}"#
        XCTAssertThrowsError(try ModelSpec.parse(Data(json.utf8), path: "model.json")) { error in
            XCTAssertTrue("\(error)".contains("\"class_names\" must be a list of names"), "\(error)")
        }
    }

    // MARK: crafted safetensors headers

    /// A safetensors file with `header` as its JSON and `payload` bytes after it.
    func safetensors(_ header: String, payload: Int = 0, claimedLength: UInt64? = nil) -> Data {
        var data = Data()
        withUnsafeBytes(of: (claimedLength ?? UInt64(header.utf8.count)).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(header.utf8))
        data.append(Data(count: payload))
        return data
    }

    func assertDecodeFails(_ data: Data, mentions word: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Safetensors.decode(data, path: "w.safetensors"), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(word) && "\(error)".contains("w.safetensors"), "'\(word)' not in: \(error)", file: file, line: line)
        }
    }

    func testCraftedSafetensorsHeadersGiveErrors() {
        let entry = { (shape: String, offsets: String) in #"{"t": {"dtype": "F32", "shape": \#(shape), "data_offsets": \#(offsets)}}"# }
        assertDecodeFails(safetensors(entry("[2]", "[0, 800]"), payload: 8), mentions: "past the end")
        assertDecodeFails(safetensors(entry("[4294967296, 4294967296]", "[0, 8]"), payload: 8), mentions: "impossible shape")
        assertDecodeFails(safetensors(entry("[-2]", "[0, 8]"), payload: 8), mentions: "no valid shape")
        assertDecodeFails(safetensors(entry("[2.5]", "[0, 8]"), payload: 8), mentions: "no valid shape")
        assertDecodeFails(safetensors(entry("[3]", "[0, 8]"), payload: 8), mentions: "has 8 bytes for shape [3]")
        assertDecodeFails(safetensors(entry("[2]", "[8, 0]"), payload: 8), mentions: "past the end")
        assertDecodeFails(safetensors(entry("[2]", "[0, 8]"), claimedLength: UInt64.max), mentions: "truncated")
        assertDecodeFails(safetensors("{}", claimedLength: 1 << 40), mentions: "truncated")
        let dup = #"{"t": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "t": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        assertDecodeFails(safetensors(dup, payload: 8), mentions: "lists tensor 't' twice")
        XCTAssertNoThrow(try Safetensors.decode(safetensors(entry("[2]", "[0, 8]"), payload: 8), path: "w.safetensors"))
        // A header of more than 16 MB is refused before it is parsed.
        var big = safetensors(String(repeating: " ", count: 8), claimedLength: UInt64(Limits.maxJSONBytes + 8))
        big.append(Data(count: Limits.maxJSONBytes))
        assertDecodeFails(big, mentions: "allowed for a header")
    }

    func testDuplicateKeyScannerSeesOnlyTheTopLevel() {
        func dup(_ s: String) -> String? { JSONDuplicateKeys.firstDuplicate(in: ArraySlice(Array(s.utf8))) }
        XCTAssertNil(dup(#"{"a": {"x": 1}, "b": {"x": [1, {"y": "}"}]}}"#))
        XCTAssertEqual(dup(#"{"a": 1, "b\"c": 2, "b\"c": 3}"#), "b\"c")
        XCTAssertEqual(dup(#"{"\u0061": 1, "a": 2}"#), "a")
        XCTAssertNil(dup("[1, 2]"))
    }

    func testCraftedNPYHeadersGiveErrors() {
        func npy(_ header: String, data: Int = 0, major: UInt8 = 1, length: Int? = nil) -> Data {
            var d = Data([0x93] + Array("NUMPY".utf8) + [major, 0])
            let n = length ?? header.utf8.count
            d.append(contentsOf: [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF)])
            if major >= 2 { d.append(contentsOf: [UInt8((n >> 16) & 0xFF), UInt8((n >> 24) & 0xFF)]) }
            d.append(Data(header.utf8))
            d.append(Data(count: data))
            return d
        }
        let head = { (shape: String) in "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }" }
        for (bytes, word) in [(npy(head("(-3,)"), data: 12), "not a list of sizes"),
                              (npy(head("(4294967296, 4294967296)")), "impossible"),
                              (npy(head("(99999999999999999999,)")), "not a list of sizes"),
                              (npy(head("(3,)"), data: 8), "expected 12 bytes"),
                              (npy(head("(3,)"), major: 2, length: Int(UInt32.max)), "cut off")] {
            XCTAssertThrowsError(try NPY.decode(bytes, path: "a.npy")) { error in
                XCTAssertTrue("\(error)".contains(word), "'\(word)' not in: \(error)")
            }
        }
        XCTAssertEqual(try NPY.decode(npy(head("(3,)"), data: 12)).shape, [3])
    }

    /// A model.json that is a FIFO is refused at once (reading it would block forever).
    func testModelFileThatIsAFIFOIsRefused() throws {
        let folder = try savedFolder(smallSpec())
        let json = folder.appendingPathComponent("model.json")
        try FileManager.default.removeItem(at: json)
        XCTAssertEqual(mkfifo(json.path, 0o600), 0)
        assertLoadFails(folder, mentions: ["model.json", "named pipe"])
    }
}
