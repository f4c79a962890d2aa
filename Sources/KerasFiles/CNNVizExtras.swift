import CNNCore
import Foundation

/// What a model folder records that Keras' files have no place for: the class names and the
/// rescale of the images. `cnnviz export` writes them where Keras does not look (a "cnnviz" entry
/// in a .keras's metadata.json, a "cnnviz" attribute of a legacy .h5's root), so a file that goes
/// out to Keras and comes back still knows them. Keras' own files have none.
public struct CNNVizExtras: Equatable, Sendable {
    /// Empty when the model's names were not known either.
    public var classNames: [String]
    /// nil when the model's rescale was not known either.
    public var rescale: Float?

    public init(classNames: [String], rescale: Float?) {
        self.classNames = classNames
        self.rescale = rescale
    }

    static let key = "cnnviz"

    var json: JSONValue {
        .object(["class_names": .array(classNames.map { .string($0) }), "rescale": rescale.map { .number(Double($0)) } ?? .null])
    }

    /// The extras in a JSON object's "cnnviz" entry; nil when absent or not in this form.
    init?(in object: JSONValue?) {
        guard let entry = object?.objectValue?[Self.key]?.objectValue,
              let names = entry["class_names"]?.arrayValue, case let strings = names.compactMap(\.stringValue),
              strings.count == names.count else { return nil }
        let rescale = entry["rescale"]?.doubleValue.map(Float.init).flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        self.init(classNames: strings, rescale: rescale)
    }

    /// The extras in JSON text (metadata.json, or the .h5's attribute wrapped as {"cnnviz": …}).
    init?(text: Data?) {
        guard let text, let root = try? JSONDecoder().decode(JSONValue.self, from: text) else { return nil }
        self.init(in: root)
    }
}
