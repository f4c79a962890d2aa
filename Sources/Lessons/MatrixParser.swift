import Foundation

/// Reads matrices as a person types them: rows split by `;`, values by spaces or commas.
///
///     "1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1"   → 4×4
///     "1, 0; 0, -1"                          → 2×2
///     "1 0; 0 1 | 2 0; 0 2 | 0 1; 1 0"       → three 2×2 channels (R | G | B)
///
/// Every error names the source (an option or a lesson-file key) and shows the expected form.
public enum MatrixParser {
    /// One matrix. `source` names where the text came from (e.g. "--input"); `example` is a correct value.
    public static func matrix(_ text: String, source: String, example: String = "1 2; 3 4") throws -> Matrix {
        let channels = try self.channels(text, source: source, example: example)
        guard channels.count == 1 else {
            throw LessonError(source: source,
                              problem: "expected one matrix but found \(channels.count) separated by '|'",
                              expected: expected(source, example))
        }
        return channels[0]
    }

    /// One or more matrices of the same size separated by `|` (the channels of an image or kernel).
    public static func channels(_ text: String, source: String, example: String = "1 2; 3 4") throws -> [Matrix] {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= TutorialLimits.maxChannels else {
            throw LessonError(source: source,
                              problem: "\(parts.count) channels separated by '|' are more than the \(TutorialLimits.maxChannels) a tutorial takes (TutorialLimits.maxChannels)",
                              expected: expected(source, example))
        }
        var result: [Matrix] = []
        for (index, part) in parts.enumerated() {
            let label = parts.count > 1 ? "channel \(index + 1) of " : ""
            let m = try single(part, source: source, what: label, example: example)
            if let first = result.first, first.rows != m.rows || first.cols != m.cols {
                throw LessonError(source: source,
                                  problem: "channel \(index + 1) is \(m.sizeText) but channel 1 is \(first.sizeText); every channel must be the same size",
                                  expected: expected(source, example))
            }
            result.append(m)
        }
        return result
    }

    /// A list of numbers on one line, e.g. dense weights "0.5 -1 2".
    public static func vector(_ text: String, source: String, example: String) throws -> [Float] {
        let m = try single(text.replacingOccurrences(of: ";", with: " "), source: source, what: "", example: example,
                           maxColumns: TutorialLimits.maxVectorLength, noun: "list")
        return m.values
    }

    /// One number, e.g. a bias.
    public static func number(_ text: String, source: String, example: String) throws -> Float {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch parseValue(trimmed) {
        case .number(let v): return v
        case .problem(let why): throw LessonError(source: source, problem: "'\(trimmed)' \(why)", expected: expected(source, example))
        }
    }

    /// A whole number from `minimum` to `maximum`, e.g. a stride. `limitName` names the constant
    /// behind `maximum` in the error ("TutorialLimits.maxStride").
    public static func integer(_ text: String, source: String, minimum: Int, maximum: Int, limitName: String,
                               example: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.hasPrefix("-") || trimmed.hasPrefix("+") ? trimmed.dropFirst() : Substring(trimmed)
        let tooLong = !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
        guard let v = Int(trimmed) else {
            if tooLong {  // digits only, but beyond Int: the same answer as any other number too large
                throw LessonError(source: source, problem: "\(trimmed) is far above the limit of \(maximum) (\(limitName))",
                                  expected: expected(source, example))
            }
            throw LessonError(source: source, problem: "'\(trimmed)' is not a whole number", expected: expected(source, example))
        }
        guard v >= minimum else {
            throw LessonError(source: source, problem: "must be \(minimum) or more, got \(v)", expected: expected(source, example))
        }
        guard v <= maximum else {
            throw LessonError(source: source, problem: "must be at most \(maximum) (\(limitName)), got \(v)", expected: expected(source, example))
        }
        return v
    }

    /// One matrix (or, with `noun` "list", one row of up to `maxColumns` values). Sizes are checked
    /// row by row as the text is read, so a 1000×1000 matrix is refused after its first row.
    private static func single(_ text: String, source: String, what: String, example: String,
                               maxColumns: Int = TutorialLimits.maxMatrixSide, noun: String = "matrix") throws -> Matrix {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw LessonError(source: source, problem: "the \(what)\(noun) is empty", expected: expected(source, example))
        }
        var rows: [[Float]] = []
        let rowTexts = trimmed.split(separator: ";", omittingEmptySubsequences: false)
        let rowCount = rowTexts.count - (rowTexts.count > 1 && rowTexts.last?.allSatisfy(\.isWhitespace) == true ? 1 : 0)
        guard rowCount <= TutorialLimits.maxMatrixSide else {
            throw LessonError(source: source,
                              problem: "the \(what)matrix has \(rowCount) rows, more than the \(TutorialLimits.maxMatrixSide) a tutorial takes (TutorialLimits.maxMatrixSide)",
                              expected: expected(source, example))
        }
        for (r, rowText) in rowTexts.enumerated() {
            let tokens = rowText.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" })
            guard tokens.count <= maxColumns else {
                let place = noun == "list" ? "the list" : "row \(r + 1) of the \(what)matrix"
                let limit = noun == "list" ? "TutorialLimits.maxVectorLength" : "TutorialLimits.maxMatrixSide"
                throw LessonError(source: source,
                                  problem: "\(place) has \(tokens.count) values, more than the \(maxColumns) a tutorial takes (\(limit))",
                                  expected: expected(source, example))
            }
            if tokens.isEmpty {
                // A trailing ";" is forgiven; an empty row in the middle is not.
                if r == rowTexts.count - 1, r > 0 { continue }
                throw LessonError(source: source, problem: "row \(r + 1) of the \(what)matrix is empty",
                                  expected: expected(source, example))
            }
            var row: [Float] = []
            for token in tokens {
                switch parseValue(String(token)) {
                case .number(let v): row.append(v)
                case .problem(let why):
                    let place = noun == "list" ? "in the list" : "in row \(r + 1) of the \(what)matrix"
                    throw LessonError(source: source, problem: "'\(token)' \(place) \(why)", expected: expected(source, example))
                }
            }
            if let first = rows.first, first.count != row.count {
                throw LessonError(source: source,
                                  problem: "row \(r + 1) of the \(what)matrix has \(row.count) value\(row.count == 1 ? "" : "s") but row 1 has \(first.count); every row needs the same number of values",
                                  expected: expected(source, example))
            }
            rows.append(row)
        }
        return Matrix(rows)
    }

    /// A value read from text, or why it cannot be one (a phrase following the quoted text).
    enum Parsed: Equatable {
        case number(Float)
        case problem(String)
    }

    /// Accepts "3", "-1.5", "+2", ".5", "1e-3" and the Unicode minus "−", up to
    /// `TutorialLimits.maxMagnitude` in size; refuses nan, inf, and larger values, saying why.
    static func parseValue(_ token: String) -> Parsed {
        let t = token.replacingOccurrences(of: "−", with: "-")
        guard let wide = Double(t) else { return .problem("is not a number") }
        if wide.isNaN || (wide.isInfinite && t.lowercased().contains("inf")) {
            return .problem("is not a finite number; give an ordinary number such as 0.5")
        }
        let limit = TutorialLimits.maxMagnitude
        guard abs(wide) <= Double(limit) else {
            let text = TutorialLimits.maxMagnitudeText
            return .problem("is too large: values must lie between -\(text) and \(text) (TutorialLimits.maxMagnitude) because "
                            + "the tutorials' sums and squares of larger ones overflow 32-bit floats (3e38 + 3e38 is already infinity)")
        }
        return .number(Float(wide))
    }

    /// The number, or nil for anything `parseValue` refuses.
    static func parseNumber(_ token: String) -> Float? {
        if case .number(let v) = parseValue(token) { return v }
        return nil
    }

    /// `--input "1 2; 3 4"` for options, `input: 1 2; 3 4` for lesson-file keys.
    static func expected(_ source: String, _ example: String) -> String {
        if source.hasPrefix("--") {
            let option = source.split(separator: " ").first.map(String.init) ?? source
            let quoted = example.contains(where: { $0 == " " || $0 == ";" || $0 == "|" }) ? "\"\(example)\"" : example
            return "\(option) \(quoted)"
        }
        if let key = source.range(of: "key '") {
            let name = source[key.upperBound...].prefix { $0 != "'" }
            return "\(name): \(example)"
        }
        return example
    }
}
