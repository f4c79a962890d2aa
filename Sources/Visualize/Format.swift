import Foundation

/// Short number texts for pictures and pages, where space is a few characters.
public enum Format {
    /// Up to 3 significant digits, exponent form for very large or small magnitudes:
    /// 0 → "0", 0.12345 → "0.123", -1.5 → "-1.5", 1234 → "1234", 0.00012 → "1.2e-4".
    public static func short(_ v: Float) -> String { short(Double(v)) }

    public static func short(_ v: Double) -> String {
        if v == 0 { return "0" }
        if !v.isFinite { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        let a = abs(v)
        if a >= 1e4 || a < 1e-3 {
            let exponent = Int(floor(log10(a)))
            let mantissa = v / pow(10, Double(exponent))
            return trimmed(String(format: "%.1f", mantissa)) + "e\(exponent)"
        }
        let decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3
        return trimmed(String(format: "%.\(decimals)f", v))
    }

    /// A number for a matrix cell: a fixed number of decimals ("0.12", "-0.05", "12.30"),
    /// falling back to `short` when that would not fit in `maxCharacters`.
    public static func cell(_ v: Float, decimals: Int = 2, maxCharacters: Int = 6) -> String {
        var text = String(format: "%.\(decimals)f", Double(v))
        if text == "-0" || text.hasPrefix("-0.") && text.dropFirst(3).allSatisfy({ $0 == "0" }) { text.removeFirst() }
        return text.count <= maxCharacters ? text : short(v)
    }

    /// A share as a percentage: 0.4712 → "47.1%".
    public static func percent(_ share: Float) -> String { String(format: "%.1f%%", Double(share) * 100) }

    /// Removes trailing zeros after a decimal point: "1.50" → "1.5", "2.0" → "2".
    static func trimmed(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t == "-0" ? "0" : t
    }

    /// A shape as Keras prints it: [62, 62, 32] → "(62, 62, 32)".
    public static func shape(_ shape: [Int]) -> String { "(" + shape.map(String.init).joined(separator: ", ") + ")" }
}

extension BitmapFont {
    /// Splits `text` into lines no wider than `maxWidth` pixels at `scale`, breaking at spaces.
    public static func wrap(_ text: String, maxWidth: Int, scale: Int = 1) -> [String] {
        let maxChars = max(1, (maxWidth / max(scale, 1) + 1) / advance)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                if candidate.count <= maxChars || line.isEmpty {
                    line = candidate
                } else {
                    lines.append(line)
                    line = String(word)
                }
            }
            lines.append(line)
        }
        return lines
    }
}
