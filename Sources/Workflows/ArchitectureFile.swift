import CNNCore
import Foundation
import KerasFiles

/// An architecture file for `--architecture`: CNNViz's model.json form, or the JSON Keras'
/// `model.to_json()` writes (told apart by its top-level `class_name`/`config`).
public enum ArchitectureFile {
    public static func load(_ url: URL) throws -> ModelSpec {
        let data = try RegularFile.read(url, limit: Limits.maxJSONBytes, failure: CNNError.badModelFile)
        if let root = try? JSONDecoder().decode(JSONValue.self, from: data), KerasArchitecture.isKerasJSON(root) {
            var spec = try KerasArchitecture.parse(root, path: url.path)
            if spec.inputShape.count == 3 { spec.preprocessing.targetSize = (spec.inputShape[0], spec.inputShape[1]) }
            return spec
        }
        return try ModelSpec.parse(data, path: url.path)
    }
}
