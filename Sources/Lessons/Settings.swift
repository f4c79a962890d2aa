import Foundation

/// The numbers a tutorial runs on, each with where it came from.
///
/// Three layers, later ones winning: the tutorial's built-in defaults, the lesson file's header,
/// the command-line options. Keeping the source lets an error say "--kernel: …" or
/// "my-lesson.md, header key 'kernel': …", whichever the user has to fix.
public struct Settings: Sendable {
    public struct Value: Sendable, Equatable {
        public var text: String
        /// "--kernel", "Tutorials/en/01-convolution.md, header key 'kernel'", or "built-in default 'kernel'".
        public var source: String
        public init(text: String, source: String) { self.text = text; self.source = source }
    }

    public private(set) var values: [String: Value] = [:]

    public init() {}

    /// Sets `key` (a lesson-file key such as "pool-size") from `source`.
    public mutating func set(_ key: String, _ text: String, source: String) {
        values[key] = Value(text: text, source: source)
    }

    /// Later settings override earlier ones.
    public func merging(_ other: Settings) -> Settings {
        var out = self
        for (k, v) in other.values { out.values[k] = v }
        return out
    }

    public func has(_ key: String) -> Bool { values[key] != nil }
    public func text(_ key: String) -> String? { values[key]?.text }
    public func source(_ key: String) -> String { values[key]?.source ?? "'\(key)'" }

    /// The value, or an error saying it is missing.
    func required(_ key: String, example: String) throws -> Value {
        guard let v = values[key] else {
            throw LessonError(source: "'\(key)'", problem: "this tutorial needs a value for '\(key)' and none was given",
                              expected: "--\(key) \"\(example)\" or a line '\(key): \(example)' in the lesson header")
        }
        return v
    }

    public func matrix(_ key: String, example: String) throws -> Matrix {
        let v = try required(key, example: example)
        return try MatrixParser.matrix(v.text, source: v.source, example: example)
    }

    public func channels(_ key: String, example: String) throws -> [Matrix] {
        let v = try required(key, example: example)
        return try MatrixParser.channels(v.text, source: v.source, example: example)
    }

    public func vector(_ key: String, example: String) throws -> [Float] {
        let v = try required(key, example: example)
        return try MatrixParser.vector(v.text, source: v.source, example: example)
    }

    public func number(_ key: String, default fallback: Float, example: String) throws -> Float {
        guard let v = values[key] else { return fallback }
        return try MatrixParser.number(v.text, source: v.source, example: example)
    }

    /// A whole number from `minimum` to `maximum` (`limitName` names the constant behind it).
    public func integer(_ key: String, default fallback: Int, minimum: Int, maximum: Int, limitName: String,
                        example: String) throws -> Int {
        guard let v = values[key] else { return fallback }
        return try MatrixParser.integer(v.text, source: v.source, minimum: minimum, maximum: maximum, limitName: limitName,
                                        example: example)
    }

    /// One of a fixed set of words, e.g. padding valid|same.
    public func choice(_ key: String, default fallback: String, among options: [String]) throws -> String {
        guard let v = values[key] else { return fallback }
        let word = v.text.trimmingCharacters(in: .whitespaces).lowercased()
        guard options.contains(word) else {
            let form = v.source.hasPrefix("--") ? "\(v.source) \(options[0])" : "\(key): \(options[0])"
            throw LessonError(source: v.source, problem: "'\(v.text)' is not one of \(options.joined(separator: ", "))",
                              expected: form)
        }
        return word
    }
}
