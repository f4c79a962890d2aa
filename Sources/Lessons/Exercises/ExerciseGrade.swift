import CNNCore

/// A student's answers marked against the key, which is recomputed from the sheet's topic, seed
/// and count through CNNCore (the file's own numbers are never trusted as the key).
public struct ExerciseGrade: Sendable {
    /// One answer cell that is wrong (or blank), with the work that gives the right value.
    public struct Mistake: Sendable {
        public let problem: Int
        public let part: String
        public let label: String
        public let symbol: String
        /// Whether the answer is a single number (then no [row][col] is written).
        public let single: Bool
        public let row: Int
        public let col: Int
        /// nil when the cell was left blank or the grid had another size.
        public let given: Float?
        public let correct: Float
        public let work: [String]
    }

    public let sheet: ExerciseSheet
    public let mistakes: [Mistake]
    /// Grids that are missing or of another size than the key, as sentences.
    public let notes: [String]
    public let totalCells: Int

    public var rightCells: Int { totalCells - mistakes.count }
    public var allRight: Bool { mistakes.isEmpty }

    /// Recomputes the sheet and compares every answer cell with `ExerciseLimits.tolerance`.
    public init(_ answers: StudentAnswers, source: String, language l: Language = .en) throws {
        let sheet = try ExerciseSheet(topic: answers.topic, seed: answers.seed, count: answers.count, language: l)
        if let extra = answers.grids.keys.filter({ $0 > sheet.count }).min() {
            throw LessonError(source: source, problem: "problem \(extra) is answered, but the sheet \(sheet.header.dropFirst(2)) has \(sheet.count) problems",
                              expected: "the problem numbers of your sheet, from 1 to \(sheet.count)")
        }
        for p in sheet.problems {
            for g in p.given {
                guard let theirs = answers.given[p.number]?[g.key], !Self.same(theirs, g.json) else { continue }
                throw LessonError(source: source,
                                  problem: "problem \(p.number)'s \"\(g.key)\" is not the one of \(sheet.header.dropFirst(2)); the file was made with other numbers",
                                  expected: "the exercise.json of that very sheet, or fix \"topic\" and \"seed\" to the sheet's")
            }
        }
        var mistakes: [Mistake] = [], notes: [String] = [], total = 0
        for p in sheet.problems {
            for part in p.answers {
                total += part.key.values.count
                let given = answers.grids[p.number]?[part.name]
                let fits = given.map { $0.count == part.key.rows && $0.allSatisfy { $0.count == part.key.cols } } ?? false
                if let given, !fits {
                    let size = "\(given.count)×\(given.map(\.count).max() ?? 0)"
                    notes.append(l.pick("problem \(p.number), \(part.symbol): the answer is \(size) but the key is \(part.key.sizeText)",
                                        "problema \(p.number), \(part.symbol): la respuesta es de \(size) pero la solución es de \(part.key.sizeText)"))
                } else if given == nil {
                    notes.append(l.pick("problem \(p.number), \(part.symbol): no answer", "problema \(p.number), \(part.symbol): sin respuesta"))
                }
                for r in 0..<part.key.rows {
                    for c in 0..<part.key.cols {
                        let value: Float? = fits ? given?[r][c] : nil
                        let correct = part.key[r, c]
                        if let value, abs(value - correct) <= ExerciseLimits.tolerance { continue }
                        mistakes.append(Mistake(problem: p.number, part: part.name, label: part.label, symbol: part.symbol,
                                                single: part.key.values.count == 1, row: r, col: c,
                                                given: value, correct: correct, work: part.work(row: r, col: c)))
                    }
                }
            }
        }
        self.sheet = sheet
        self.mistakes = mistakes
        self.notes = notes
        totalCells = total
    }

    /// Two given values as the same numbers (JSON numbers compared as numbers).
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return abs(x - y) < 1e-6
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy(same)
        case let (.string(x), .string(y)): return x.lowercased() == y.lowercased()
        default: return a == b
        }
    }

    /// What `exercise check` prints: the score, then each wrong cell with its correct computation.
    public func text(_ l: Language) -> String {
        let name = "\(sheet.topic.rawValue), seed \(sheet.seed)"
        var lines = [l.pick("\(name): \(rightCells) of \(totalCells) cells right.", "\(name): \(rightCells) de \(totalCells) celdas bien.")]
        if allRight { lines.append(l.pick("✓ Everything is right.", "✓ Todo está bien.")) }
        lines += notes.map { "• " + $0 }
        for m in mistakes {
            let at = m.single ? m.symbol : "\(m.symbol)[\(m.row)][\(m.col)]"
            let yours = m.given.map { l.pick("you wrote \(Worked.f($0))", "escribiste \(Worked.f($0))") } ?? l.pick("blank", "en blanco")
            lines.append(l.pick("✗ problem \(m.problem), \(at): \(yours), the key is \(Worked.f(m.correct))",
                                "✗ problema \(m.problem), \(at): \(yours), la solución es \(Worked.f(m.correct))"))
            lines += m.work.map { "    " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// The grade as JSON (`exercise check --json`).
    public func json() -> JSONValue {
        .object([
            "topic": .string(sheet.topic.rawValue), "seed": .number(Double(sheet.seed)), "count": .int(sheet.count),
            "total_cells": .int(totalCells), "right_cells": .int(rightCells), "all_right": .bool(allRight),
            "notes": .array(notes.map(JSONValue.string)),
            "wrong": .array(mistakes.map { m in
                .object(["problem": .int(m.problem), "answer": .string(m.part), "row": .int(m.row), "col": .int(m.col),
                         "given": m.given.map { .number(Double($0)) } ?? .null, "correct": .number(Double(m.correct)),
                         "work": .array(m.work.map(JSONValue.string))])
            }),
        ])
    }

    public func jsonText() -> String { JSONRenderer.write(json(), indent: "") + "\n" }
}
