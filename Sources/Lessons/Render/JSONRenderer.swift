import CNNCore

/// The whole worked computation as JSON (`--json`): settings, every step's numbers, "output" as
/// an array of rows, the other results, and each check against the engine.
///
/// Written by hand rather than with JSONEncoder's pretty printer so that a matrix reads as a
/// matrix: one row per line, numbers side by side, keys sorted.
public enum JSONRenderer {
    public static func value(_ w: Walkthrough) -> JSONValue {
        let steps: [JSONValue] = w.steps.enumerated().map { i, s in
            var o = s.data
            o["index"] = .int(i + 1)
            o["title"] = .string(s.title)
            o["lines"] = .array(s.lines.map(JSONValue.string))
            return .object(o)
        }
        var results: [String: JSONValue] = [:]
        for r in w.results { results[r.name] = Support.json(r.matrix) }
        var settings: [String: JSONValue] = [:]
        for s in w.settings { settings[s.key] = .string(s.value) }
        let checks: [JSONValue] = w.checks.map {
            .object(["what": .string($0.what), "layer": .string($0.layer), "agrees": .bool($0.agrees),
                     "step_by_step": Support.json($0.stepByStep), "engine": Support.json($0.engine)])
        }
        return .object([
            "tutorial": .string(w.tutorial), "name": .string(w.name), "language": .string(w.language.rawValue),
            "title": .string(w.title), "lesson": .string(w.lessonSource), "settings": .object(settings),
            "steps": .array(steps), "output": Support.json(w.output), "results": .object(results),
            "checks": .array(checks), "agrees": .bool(w.agrees),
        ])
    }

    public static func text(_ w: Walkthrough) -> String { write(value(w), indent: "") + "\n" }

    /// JSON text: objects and lists of lists indented, lists of plain values on one line.
    static func write(_ v: JSONValue, indent: String) -> String {
        let inner = indent + "  "
        switch v {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return number(n)
        case let .string(s): return quoted(s)
        case let .array(items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy(isScalar) { return "[" + items.map { write($0, indent: inner) }.joined(separator: ", ") + "]" }
            return "[\n" + items.map { inner + write($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case let .object(fields):
            if fields.isEmpty { return "{}" }
            return "{\n" + fields.keys.sorted().map { key in
                inner + quoted(key) + ": " + write(fields[key] ?? .null, indent: inner)
            }.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    /// Numbers, booleans and null share a line; strings and containers get their own.
    static func isScalar(_ v: JSONValue) -> Bool {
        switch v {
        case .array, .object, .string: return false
        default: return true
        }
    }

    /// Integers without a decimal point; Float32 values with the digits a Float needs, not a Double's.
    static func number(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int(n)) }
        let f = Float(n)
        return Double(f) == n ? "\(f)" : "\(n)"
    }

    /// A JSON string literal, escaped by Foundation's encoder (the same one `JSONValue` uses).
    static func quoted(_ s: String) -> String {
        JSONValue.string(s).compactString()
    }
}
