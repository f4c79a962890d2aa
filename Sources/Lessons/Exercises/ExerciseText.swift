import CNNCore

/// The sheet as plain text: the answer template a student fills in, and the terminal's view.
public enum ExerciseText {
    /// `answers-template.txt`: the header `exercise check` reads, then one labelled blank grid per
    /// answer (`?` for each cell). See `StudentAnswers` for the form.
    public static func template(_ s: ExerciseSheet) -> String {
        let l = s.language
        var lines = [s.header,
                     l.pick("# Replace each ? with your number: one row per line, numbers separated by spaces (1.5, 1,5 and 3/2 all work).",
                            "# Sustituye cada ? por tu número: una fila por línea, números separados por espacios (valen 1.5, 1,5 y 3/2)."),
                     l.pick("# Then run: cnnviz exercise check answers-template.txt", "# Después ejecuta: cnnviz exercise check answers-template.txt"),
                     ""]
        for p in s.problems {
            for part in p.answers {
                let columns = part.columns.map { ": " + $0.joined(separator: " ") } ?? ""
                lines.append("\(p.number) \(part.name): (\(part.key.sizeText)\(columns))")
                for _ in 0..<part.key.rows { lines.append(Array(repeating: "?", count: part.key.cols).joined(separator: " ")) }
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// The problems for the terminal; with `answers`, each key grid and its worked cells too.
    public static func terminal(_ s: ExerciseSheet, answers: Bool) -> String {
        let l = s.language
        var lines = ["\(l.pick("Exercise", "Ejercicio")): \(s.topic.title(l)) — \(s.command)"]
        for p in s.problems {
            lines.append("")
            lines.append("\(p.number). \(p.statement)")
            for g in p.given { lines.append("   \(g.label): \(valueText(g.value))") }
            guard answers else { continue }
            for line in p.worked { lines.append("   " + line) }
            for panel in p.keyPanels { lines.append("   \(panel.label): " + Worked.matrix(panel.matrix)) }
            for part in p.answers {
                lines += part.intro.map { "   " + $0 }
                lines.append("   \(part.label) = " + Worked.matrix(part.key))
                for cellWork in part.work { lines += cellWork.map { "     " + $0 } }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A given value on one line, in the tutorials' option form ("1 2; 3 4", "a | b | c").
    static func valueText(_ v: GivenValue.Value) -> String {
        switch v {
        case .matrix(let m): return MatrixText.text(m)
        case .channels(let c): return MatrixText.text(c)
        case .list(let values): return values.map(Worked.f).joined(separator: " ")
        case .integers(let values): return "(" + values.map(String.init).joined(separator: ", ") + ")"
        case .number(let x): return Worked.f(x)
        case .integer(let n): return "\(n)"
        case .word(let w): return w
        }
    }
}
