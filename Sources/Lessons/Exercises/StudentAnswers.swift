import CNNCore
import Foundation

/// A student's answers to one sheet, read from `exercise.json` filled in or from the text form
/// (`answers-template.txt` filled in). Only the sheet's name (topic, seed, count) and the
/// grids are read: the key is always recomputed, never taken from the file.
///
/// The text form, as `ExerciseText.template` writes it:
///
///     # cnnviz exercise convolution seed 7 count 2
///     # (any other line starting with # is a comment)
///     1 output: (3×3)
///     2 1 0
///     ? 4 1.5
///     0 0 -1
///     2 output: (2×2)
///     …
///
/// A label line is `NUMBER NAME:` (the name may be left out for `output`); the rows of the grid
/// follow, numbers split by spaces. `?` or `_` marks a cell left blank; `1,5` and `3/2` are
/// read as 1.5.
public struct StudentAnswers: Sendable, Equatable {
    public var topic: ExerciseTopic
    public var seed: UInt64
    /// The sheet's count when the file says it; otherwise the highest problem number answered.
    public var count: Int
    /// Problem number → answer name → rows of cells (nil: left blank).
    public var grids: [Int: [String: [[Float?]]]]
    /// Problem number → the given values the JSON form carries (to catch a file of another seed).
    public var given: [Int: [String: JSONValue]] = [:]
    /// The sheet's language, when the JSON form says it (`exercise check` answers in it unless --lang).
    public var language: Language?

    /// The largest answer file read: 1 MB, hundreds of times a filled-in sheet of 20 problems.
    public static let maxBytes = 1 << 20
    /// Rows or columns in one answer grid: 64, far above any key (the largest is 4×4).
    static let maxSide = 64

    /// Reads a file in either form (JSON if its first character is `{`).
    public static func read(_ url: URL) throws -> StudentAnswers {
        let data: Data
        do {
            data = try RegularFile.read(url, limit: maxBytes)
        } catch let problem as RegularFile.Problem {
            throw LessonError(source: problem.path, problem: problem.reason, expected: "an exercise.json or answers-template.txt filled in (\(problem.hint))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LessonError(source: url.path, problem: "the file is not UTF-8 text", expected: formHint)
        }
        return try parse(text, source: url.path)
    }

    static let formHint = "the exercise.json or answers-template.txt that `cnnviz exercise` wrote, with your numbers in it"

    public static func parse(_ text: String, source: String) throws -> StudentAnswers {
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        return trimmed.hasPrefix("{") ? try parseJSON(String(trimmed), source: source) : try parseText(text, source: source)
    }

    // MARK: - The text form

    static func parseText(_ text: String, source: String) throws -> StudentAnswers {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var sheet: (ExerciseTopic, UInt64, Int?, Language?)?
        var grids: [Int: [String: [[Float?]]]] = [:]
        var current: (number: Int, name: String)?
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let place = "\(source), line \(i + 1)"
            if line.isEmpty { continue }
            if sheet == nil {
                sheet = try header(line, source: place)
                continue
            }
            if line.hasPrefix("#") { continue }
            if let colon = line.firstIndex(of: ":") {
                let label = line[..<colon].split(separator: " ").map(String.init)
                guard (1...2).contains(label.count), let number = Int(label[0]), number >= 1 else {
                    throw LessonError(source: place, problem: "'\(line)' is neither a row of numbers nor a label such as '1:' or '2 output:'",
                                      expected: "1 output: followed by the rows of your answer")
                }
                let name = label.count == 2 ? (label[1].lowercased() == "salida" ? "output" : label[1].lowercased()) : "output"
                guard grids[number]?[name] == nil else {
                    throw LessonError(source: place, problem: "problem \(number) '\(name)' is answered twice", expected: "one label per answer grid")
                }
                grids[number, default: [:]][name] = []
                current = (number, name)
                var rest = String(line[line.index(after: colon)...])
                if let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") { rest.removeSubrange(open...close) }
                if !rest.trimmingCharacters(in: .whitespaces).isEmpty { try add(row: rest, to: current, in: &grids, source: place) }
                continue
            }
            guard current != nil else {
                throw LessonError(source: place, problem: "numbers before any problem label", expected: "a label line such as '1 output:' above the rows")
            }
            try add(row: line, to: current, in: &grids, source: place)
        }
        guard let (topic, seed, count, language) = sheet else {
            throw LessonError(source: source, problem: "the file is empty", expected: formHint)
        }
        return StudentAnswers(topic: topic, seed: seed, count: count ?? grids.keys.max() ?? 1, grids: grids, language: language)
    }

    /// "# cnnviz exercise convolution seed 7 count 4" → (topic, seed, count).
    static func header(_ line: String, source: String) throws -> (ExerciseTopic, UInt64, Int?, Language?) {
        let words = line.split(separator: " ").map { $0.lowercased() }
        let expected = "a first line such as '# cnnviz exercise convolution seed 7 count 4', as in answers-template.txt"
        guard words.count >= 6, words[0] == "#", words[1] == "cnnviz", words[2] == "exercise", words[4] == "seed" else {
            throw LessonError(source: source, problem: "this is not a cnnviz exercise answer file (its first line is '\(line.prefix(60))')", expected: expected)
        }
        guard let topic = ExerciseTopic(rawValue: words[3]) else {
            throw LessonError(source: source, problem: "'\(words[3])' is not an exercise topic (\(ExerciseTopic.names.joined(separator: ", ")))", expected: expected)
        }
        guard let seed = UInt64(words[5]), seed <= ExerciseLimits.maxSeed else {
            throw LessonError(source: source, problem: "'\(words[5])' is not a seed (a whole number from 0 to \(ExerciseLimits.maxSeed))", expected: expected)
        }
        var count: Int?, language: Language?
        var k = 6
        while k + 1 < words.count {
            if words[k] == "count" {
                guard let n = Int(words[k + 1]), (1...ExerciseLimits.maxCount).contains(n) else {
                    throw LessonError(source: source, problem: "'\(words[k + 1])' is not a count from 1 to \(ExerciseLimits.maxCount)", expected: expected)
                }
                count = n
            } else if words[k] == "lang" {
                language = Language(rawValue: words[k + 1])
            }
            k += 2
        }
        return (topic, seed, count, language)
    }

    static func add(row: String, to part: (number: Int, name: String)?, in grids: inout [Int: [String: [[Float?]]]], source: String) throws {
        guard let part else { return }
        let cells = try row.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { try cell(String($0), source: source) }
        var grid = grids[part.number]?[part.name] ?? []
        guard grid.count < maxSide, cells.count <= maxSide else {
            throw LessonError(source: source, problem: "the answer grid is larger than \(maxSide)×\(maxSide)", expected: "the grid's size as the sheet shows it")
        }
        grid.append(cells)
        grids[part.number, default: [:]][part.name] = grid
    }

    /// One cell: a number (also "1,5" and "3/2"), or nil for "?" and "_".
    static func cell(_ token: String, source: String) throws -> Float? {
        if token == "?" || token == "_" { return nil }
        let t = token.replacingOccurrences(of: ",", with: ".")
        if let slash = t.firstIndex(of: "/"),
           let a = MatrixParser.parseNumber(String(t[..<slash])), let b = MatrixParser.parseNumber(String(t[t.index(after: slash)...])), b != 0 {
            return a / b
        }
        guard let v = MatrixParser.parseNumber(t) else {
            throw LessonError(source: source, problem: "'\(token)' is not a number", expected: "numbers such as 3, -1.5, 1,5 or 3/2, and ? for a blank cell")
        }
        return v
    }

    // MARK: - The JSON form

    static func parseJSON(_ text: String, source: String) throws -> StudentAnswers {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw LessonError(source: source, problem: "the file starts with '{' but is not valid JSON", expected: "the exercise.json that `cnnviz exercise` wrote, with nulls replaced by numbers")
        }
        let expected = "the exercise.json that `cnnviz exercise` wrote (it has \"topic\", \"seed\" and \"problems\")"
        guard let o = value.objectValue, let topicName = o["topic"]?.stringValue, let seedValue = o["seed"]?.doubleValue,
              let problems = o["problems"]?.arrayValue else {
            throw LessonError(source: source, problem: "this JSON is not a cnnviz exercise", expected: expected)
        }
        guard let topic = ExerciseTopic(rawValue: topicName) else {
            throw LessonError(source: source, problem: "\"topic\" '\(topicName)' is not an exercise topic (\(ExerciseTopic.names.joined(separator: ", ")))", expected: expected)
        }
        guard seedValue >= 0, seedValue <= Double(ExerciseLimits.maxSeed), seedValue == seedValue.rounded() else {
            throw LessonError(source: source, problem: "\"seed\" must be a whole number from 0 to \(ExerciseLimits.maxSeed)", expected: expected)
        }
        var grids: [Int: [String: [[Float?]]]] = [:]
        var given: [Int: [String: JSONValue]] = [:]
        for (i, p) in problems.enumerated() {
            guard let fields = p.objectValue, let number = fields["number"]?.intValue, number >= 1, number <= ExerciseLimits.maxCount else {
                throw LessonError(source: source, problem: "problem \(i + 1) in \"problems\" has no \"number\" from 1 to \(ExerciseLimits.maxCount)", expected: expected)
            }
            given[number] = fields
            for (name, v) in fields {
                guard let rows = v.arrayValue, rows.allSatisfy({ $0.arrayValue != nil }), !rows.isEmpty, rows.count <= maxSide else { continue }
                grids[number, default: [:]][name] = try rows.map { row in
                    try (row.arrayValue ?? []).prefix(maxSide).map { cell -> Float? in
                        switch cell {
                        case .null: return nil
                        case .number(let n): return Float(n)
                        case .string(let s): return try self.cell(s, source: "\(source), problem \(number) \"\(name)\"")
                        default: return .nan  // a list inside a cell: never equal to the key
                        }
                    }
                }
            }
        }
        let count = o["count"]?.intValue ?? grids.keys.max() ?? 1
        guard (1...ExerciseLimits.maxCount).contains(count) else {
            throw LessonError(source: source, problem: "\"count\" must be from 1 to \(ExerciseLimits.maxCount)", expected: expected)
        }
        return StudentAnswers(topic: topic, seed: UInt64(seedValue), count: count, grids: grids, given: given,
                              language: o["language"]?.stringValue.flatMap(Language.init(rawValue:)))
    }
}
