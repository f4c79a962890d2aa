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
        let m = try single(text.replacingOccurrences(of: ";", with: " "), source: source, what: "", example: example)
        return m.values
    }

    /// One number, e.g. a bias.
    public static func number(_ text: String, source: String, example: String) throws -> Float {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let v = parseNumber(trimmed) else {
            throw LessonError(source: source, problem: "'\(trimmed)' is not a number", expected: expected(source, example))
        }
        return v
    }

    /// A whole number at least `minimum`, e.g. a stride.
    public static func integer(_ text: String, source: String, minimum: Int, example: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let v = Int(trimmed) else {
            throw LessonError(source: source, problem: "'\(trimmed)' is not a whole number", expected: expected(source, example))
        }
        guard v >= minimum else {
            throw LessonError(source: source, problem: "must be \(minimum) or more, got \(v)", expected: expected(source, example))
        }
        return v
    }

    private static func single(_ text: String, source: String, what: String, example: String) throws -> Matrix {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw LessonError(source: source, problem: "the \(what)matrix is empty", expected: expected(source, example))
        }
        var rows: [[Float]] = []
        let rowTexts = trimmed.split(separator: ";", omittingEmptySubsequences: false)
        for (r, rowText) in rowTexts.enumerated() {
            let tokens = rowText.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" })
            if tokens.isEmpty {
                // A trailing ";" is forgiven; an empty row in the middle is not.
                if r == rowTexts.count - 1, r > 0 { continue }
                throw LessonError(source: source, problem: "row \(r + 1) of the \(what)matrix is empty",
                                  expected: expected(source, example))
            }
            var row: [Float] = []
            for token in tokens {
                guard let v = parseNumber(String(token)) else {
                    throw LessonError(source: source,
                                      problem: "'\(token)' in row \(r + 1) of the \(what)matrix is not a number",
                                      expected: expected(source, example))
                }
                row.append(v)
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

    /// Accepts "3", "-1.5", "+2", ".5", "1e-3" and the Unicode minus "−"; rejects nan and inf.
    static func parseNumber(_ token: String) -> Float? {
        let t = token.replacingOccurrences(of: "−", with: "-")
        guard let v = Float(t), v.isFinite else { return nil }
        return v
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
