import CNNCore
import Foundation
import XCTest

/// The files beside the repository in ../shared: Keras' own model files and their answers, and
/// the cats-and-dogs photos. Tests that need them skip (with the path) when they are absent.
enum SharedFiles {
    /// The repository root: three levels above this file (Tests/KerasFilesTests/X.swift).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = repository.appendingPathComponent("../shared").standardizedFileURL
    static let kerasModels = shared.appendingPathComponent("models/keras")
    static let testSet = shared.appendingPathComponent("datasets/cats-and-dogs/test_set")
    static let fixtures = repository.appendingPathComponent("Tests/KerasFilesTests/Fixtures")

    static func kerasModel(_ name: String) throws -> URL {
        let url = kerasModels.appendingPathComponent(name)
        try XCTSkipUnless(FileManager.default.fileExists(atPath: url.path), "Keras model not present at \(url.path)")
        return url
    }

    /// Keras' probabilities: model name → (classes, image "cats/cat.4001.jpg" → outputs).
    static func expected() throws -> [String: (classes: [String], outputs: [String: [Double]])] {
        let data = try Data(contentsOf: try kerasModel("expected.json"))
        guard let root = try JSONDecoder().decode(JSONValue.self, from: data).objectValue else { return [:] }
        var result: [String: (classes: [String], outputs: [String: [Double]])] = [:]
        for (model, value) in root {
            let object = value.objectValue ?? [:]
            let classes = object["classes"]?.arrayValue?.compactMap(\.stringValue) ?? []
            var outputs: [String: [Double]] = [:]
            for (image, p) in object["probabilities"]?.objectValue ?? [:] {
                outputs[image] = p.doubleValue.map { [$0] } ?? p.arrayValue?.compactMap(\.doubleValue) ?? []
            }
            result[model] = (classes, outputs)
        }
        return result
    }

    /// A scratch folder removed after the test.
    static func scratch(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keras-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
