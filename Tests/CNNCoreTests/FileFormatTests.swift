import XCTest
@testable import CNNCore

/// The .npy writer against numpy's format spec, safetensors against its spec, and model folders.
final class FileFormatTests: XCTestCase {
    func testNPYHeaderFollowsVersion1Spec() throws {
        let t = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, -6.5])
        let bytes = [UInt8](NPY.encode(t))
        XCTAssertEqual(Array(bytes[0..<6]), [0x93] + Array("NUMPY".utf8))
        XCTAssertEqual(bytes[6], 1); XCTAssertEqual(bytes[7], 0)
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0, "data must start at a multiple of 64 bytes")
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header)
        XCTAssertEqual(header.last, "\n")
        XCTAssertEqual(bytes.count, 10 + headerLength + 24)
        // −6.5 is 0xC0D00000, stored little-endian.
        XCTAssertEqual(Array(bytes.suffix(4)), [0x00, 0x00, 0xD0, 0xC0])
        XCTAssertEqual(try NPY.decode(Data(bytes)), t)
        // One-dimensional shapes keep Python's trailing comma.
        let one = String(decoding: NPY.encode(Tensor(shape: [3], data: [1, 2, 3])), as: UTF8.self)
        XCTAssertTrue(one.contains("'shape': (3,), }"))
    }

    /// `Safetensors.write` (tensors streamed to the file) writes exactly `encode`'s bytes, and a
    /// folder that does not exist gives a write error naming the file.
    func testSafetensorsWriteEqualsEncode() throws {
        var rng = SeededRNG(seed: 3)
        let tensors: [(name: String, tensor: Tensor)] = [
            ("m.dense.kernel", Tensor(shape: [300, 7], data: (0..<2100).map { _ in rng.uniform(-1, 1) })),
            ("m.dense.bias", Tensor(shape: [7], data: (0..<7).map { _ in rng.uniform(-1, 1) })),
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnnviz-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("optimizer.safetensors")
        try Safetensors.write(tensors, metadata: ["format": "cnnviz"], to: url)
        XCTAssertEqual(try Data(contentsOf: url), Safetensors.encode(tensors, metadata: ["format": "cnnviz"]))
        let missing = folder.appendingPathComponent("no-such-folder/x.safetensors")
        XCTAssertThrowsError(try Safetensors.write(tensors, to: missing)) { error in
            XCTAssertTrue("\(error)".contains("no-such-folder/x.safetensors"), "\(error)")
        }
    }

    func testSafetensorsLayoutFollowsSpec() throws {
        let a = Tensor(shape: [2, 2], data: [1, 2, 3, 4]), b = Tensor(shape: [1], data: [0.5])
        let bytes = [UInt8](Safetensors.encode([("dense.kernel", a), ("dense.bias", b)]))
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        XCTAssertEqual(n % 8, 0)
        let header = try JSONDecoder().decode(JSONValue.self, from: Data(bytes[8..<(8 + n)])).objectValue ?? [:]
        XCTAssertEqual(header["dense.kernel"], .object(["dtype": .string("F32"), "shape": .ints([2, 2]), "data_offsets": .ints([0, 16])]))
        XCTAssertEqual(header["dense.bias"], .object(["dtype": .string("F32"), "shape": .ints([1]), "data_offsets": .ints([16, 20])]))
        XCTAssertEqual(bytes.count, 8 + n + 20)
        XCTAssertEqual(Array(bytes[(8 + n)..<(8 + n + 4)]), [0x00, 0x00, 0x80, 0x3F])  // 1.0f
        let back = try Safetensors.decode(Data(bytes), path: "w")
        XCTAssertEqual(back["dense.kernel"], a)
        XCTAssertEqual(back["dense.bias"], b)
    }

    func testSaveLoadIsBitExact() throws {
        let folder = temporaryFolder().appendingPathComponent("model")
        let model = try Coursework.model(seed: 9)
        try SavedModel(spec: Coursework.spec(), model: model).save(to: folder)
        let loaded = try SavedModel.load(from: folder)
        XCTAssertEqual(loaded.model.parameters.map(\.value), model.parameters.map(\.value))
        XCTAssertEqual(loaded.spec.classNames, ["cats", "dogs"])
        XCTAssertEqual(loaded.spec.preprocessing, Coursework.spec().preprocessing)
        // Saving again over the folder replaces it and leaves no temporary folders behind.
        try SavedModel(spec: Coursework.spec(), model: try Coursework.model(seed: 10)).save(to: folder)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: folder.deletingLastPathComponent().path)
        XCTAssertEqual(siblings, ["model"])
    }

    func testArchitectureRoundTrip() throws {
        var spec = ModelSpec(model: try Sequential(inputShape: [9, 7, 2], layers: [
            Conv2D(filters: 3, kernelSize: (2, 3), strides: (2, 1), padding: .same, activation: .tanh, useBias: false),
            Pooling2D(.average, poolSize: (2, 2), strides: (1, 1)), Flatten(), Dropout(rate: 0.25),
            Dense(units: 3, activation: .softmax),
        ]))
        spec.loss = .categoricalCrossentropy
        let parsed = try ModelSpec.parse(Data(spec.encoded().utf8), path: "m.json")
        XCTAssertEqual(parsed.encoded(), spec.encoded())
        XCTAssertEqual(try parsed.build().outputShapes, try spec.build().outputShapes)
    }

    // MARK: bad files get clear messages

    func assertBadModel(_ json: String, mentions words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModelSpec.parse(Data(json.utf8), path: "model.json").build(), file: file, line: line) { error in
            let text = "\(error)"
            for w in words { XCTAssertTrue(text.contains(w), "'\(w)' not in: \(text)", file: file, line: line) }
        }
    }

    func testBadModelFiles() {
        assertBadModel("{ not json", mentions: ["model.json", "not valid JSON"])
        assertBadModel(#"{"input_shape": [8, 8, 1], "layers": [{"class_name": "LSTM", "config": {}}]}"#,
                       mentions: ["unknown class_name \"LSTM\"", "Conv2D"])
        assertBadModel(#"{"input_shape": [2, 2, 1], "layers": [{"class_name": "Conv2D", "config": {"filters": 1, "kernel_size": [3, 3]}}]}"#,
                       mentions: ["does not fit", "2×2"])
        assertBadModel(#"{"layers": []}"#, mentions: ["input_shape"])
        assertBadModel(#"{"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2, "activation": "swish"}}]}"#,
                       mentions: ["unknown activation \"swish\""])
        // Sizes that would exhaust memory are refused before anything is allocated.
        assertBadModel(#"{"input_shape": [100000, 100000, 3], "layers": [{"class_name": "Flatten"}]}"#,
                       mentions: ["too large"])
        assertBadModel(#"{"input_shape": [30000], "layers": [{"class_name": "Dense", "config": {"units": 60000}}]}"#,
                       mentions: ["would need 1800000000 weights"])
        assertBadModel(#"{"input_shape": [30000], "layers": [{"class_name": "Dense", "config": {"units": 100000}}]}"#,
                       mentions: ["\"units\" 100000 is too large: at most 65536 units"])
    }

    func testBadWeightsFiles() throws {
        let folder = temporaryFolder().appendingPathComponent("model")
        let spec = Coursework.spec(imageSize: 8)
        let model = try spec.build(seed: 1)
        try SavedModel(spec: spec, model: model).save(to: folder)
        let weightsURL = folder.appendingPathComponent(SavedModel.weightsFile)
        let good = try Data(contentsOf: weightsURL)

        func assertLoadFails(_ data: Data, mentions word: String, line: UInt = #line) throws {
            try data.write(to: weightsURL)
            XCTAssertThrowsError(try SavedModel.load(from: folder), line: line) { error in
                XCTAssertTrue("\(error)".contains(word), "'\(word)' not in: \(error)", line: line)
            }
        }
        try assertLoadFails(good.prefix(good.count - 10), mentions: "truncated")
        try assertLoadFails(good.prefix(5), mentions: "too short")
        // A header whose shape overflows when multiplied out.
        let hostile = #"{"conv2d.kernel": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}}"#
        var bytes = Data()
        withUnsafeBytes(of: UInt64(hostile.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(Data(hostile.utf8))
        try assertLoadFails(bytes, mentions: "impossible shape")
        var named = SavedModel.namedWeights(model).filter { $0.name != "dense.bias" }
        try assertLoadFails(Safetensors.encode(named), mentions: "'dense.bias' is missing")
        named = SavedModel.namedWeights(model).map { $0.name == "conv2d.bias" ? ($0.name, Tensor.zeros([31])) : $0 }
        try assertLoadFails(Safetensors.encode(named), mentions: "'conv2d.bias' has shape [31]")
        XCTAssertThrowsError(try SavedModel.load(from: folder.appendingPathComponent("nope")))
    }
}
