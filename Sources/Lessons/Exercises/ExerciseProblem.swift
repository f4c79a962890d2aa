import CNNCore

/// One number, list or matrix a problem gives the student, named as the tutorials' options name it.
public struct GivenValue: Sendable {
    public enum Value: Sendable {
        case matrix(Matrix)
        /// Channel matrices (R, G, B), as the tutorials' "a | b | c".
        case channels([Matrix])
        case list([Float])
        case integers([Int])
        case number(Float)
        case integer(Int)
        case word(String)
    }

    /// The JSON field: `input`, `kernel`, `bias`, `stride`, `padding`, `pool_size`, `mode`, …
    public let key: String
    /// How the sheet labels it, in the sheet's language ("entrada", "núcleo K").
    public let label: String
    public let value: Value

    init(_ key: String, _ label: String, _ value: Value) {
        self.key = key
        self.label = label
        self.value = value
    }

    /// The value as JSON: matrices as arrays of rows, channels as an array of those.
    public var json: JSONValue {
        switch value {
        case .matrix(let m): return Support.json(m)
        case .channels(let c): return .array(c.map { Support.json($0) })
        case .list(let v): return .array(v.map { Support.json($0) })
        case .integers(let v): return .ints(v)
        case .number(let v): return Support.json(v)
        case .integer(let v): return .int(v)
        case .word(let w): return .string(w)
        }
    }
}

/// One grid the student fills in, with the key the engine computed and the work for every cell.
public struct AnswerPart: Sendable {
    /// The JSON field and the text form's name: `output`, and for backprop also `y`, `updated_kernel`.
    public let name: String
    /// How the sheet labels it ("salida", "dL/dK").
    public let label: String
    /// The key: computed by CNNCore's layers on the problem's numbers.
    public let key: Matrix
    /// How the worked lines and the marks name a cell: "salida" in salida[0][1], "dL/dK", "K'".
    public let symbol: String
    /// Lines the key shows before this grid's cells (backprop's dL/dy before dL/dK).
    public let intro: [String]
    /// Column headings, when the columns mean different things (output-size: H, W, C).
    public let columns: [String]?
    /// Per cell, row by row: the lines that work it out, as the tutorials write them.
    public let work: [[String]]

    init(_ name: String, _ label: String, symbol: String? = nil, key: Matrix, columns: [String]? = nil,
         intro: [String] = [], work: [[String]]) {
        self.intro = intro
        self.symbol = symbol ?? label
        precondition(work.count == key.rows * key.cols, "one worked cell per answer cell")
        self.name = name
        self.label = label
        self.key = key
        self.columns = columns
        self.work = work
    }

    /// The lines that work out cell (`row`, `col`).
    public func work(row: Int, col: Int) -> [String] { work[row * key.cols + col] }
}

/// One problem of a sheet: what is given, what to compute, and its key worked out step by step.
public struct ExerciseProblem: Sendable {
    public let topic: ExerciseTopic
    /// From 1, as the sheet numbers them.
    public let number: Int
    /// What to do, one sentence in the sheet's language.
    public let statement: String
    public let given: [GivenValue]
    public let answers: [AnswerPart]
    /// Lines the key shows before the cells: sizes, formulas, the loss.
    public let worked: [String]
    /// Matrices the key draws beside its lines (the padded input, dL/dy), with cells to grey out.
    public var keyPanels: [(label: String, matrix: Matrix, dimmed: [Cell])] = []

    /// The problem as JSON; with `answers`, every answer grid filled in from the key, otherwise
    /// grids of `null` of the right size for the student to fill.
    public func json(answers withAnswers: Bool) -> JSONValue {
        var o: [String: JSONValue] = ["number": .int(number), "statement": .string(statement)]
        for g in given { o[g.key] = g.json }
        for part in answers {
            o[part.name] = withAnswers ? Support.json(part.key)
                : .array((0..<part.key.rows).map { _ in .array(Array(repeating: .null, count: part.key.cols)) })
        }
        return .object(o)
    }
}

/// Shorthand for the worked lines.
enum Worked {
    static func f(_ v: Float) -> String { NumberFormat.short(v) }
    static func fx(_ v: Float) -> String { NumberFormat.factor(v) }

    /// "1·2 + 0·(-1) + …".
    static func products(_ a: [Float], _ b: [Float]) -> String {
        zip(a, b).map { "\(fx($0))·\(fx($1))" }.joined(separator: " + ")
    }

    /// "2 + 0 + (-1)".
    static func terms(_ v: [Float]) -> String { v.map(fx).joined(separator: " + ") }

    /// "[1 2; 3 4]".
    static func matrix(_ m: Matrix) -> String { "[" + MatrixText.text(m) + "]" }
}

extension Worked {
    /// The output-size formula of one axis (`ConvArithmetic.axis`), in the sheet's language.
    static func formula(_ axis: ConvArithmetic.Axis, _ l: Language) -> String {
        l == .en ? axis.formula : axis.formula.replacingOccurrences(of: " before, ", with: " antes, ")
            .replacingOccurrences(of: " after", with: " después")
    }
}
