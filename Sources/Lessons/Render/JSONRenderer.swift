import CNNCore

/// The whole worked computation as JSON (`--json`): settings, every step's numbers, "output" as
/// an array of rows, the other results, and each check against the engine.
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

    public static func text(_ w: Walkthrough) -> String { value(w).encodedString() }
}
