/// A lesson's words made to fit the numbers a run actually used.
///
/// Two conventions in the lesson files (Tutorials/README.md explains them to teachers):
/// - **Placeholders.** `{input}`, `{kernel}`, `{output}` … in the title and text are replaced by
///   sizes computed from the numbers used, so `--input` with a 5×5 matrix makes the title say
///   "a 5×5 input becomes 4×4". `{KEY}` is the size of the matrix setting KEY ("4×4"), or the
///   setting's value when it is not a matrix ("2" for `{pool-size}`); `{KEY-channels}` its number
///   of channels; `{output}` the size of the tutorial's result.
/// - **Worked sections.** A section whose heading is followed by the line `<!-- numbers -->` works
///   an example out on the numbers in the lesson's header (GitHub hides the comment). When a run
///   uses other numbers, the page replaces the first such section by the same example worked out
///   on the run's numbers (`WorkedExample`) and leaves out the others, so it never shows numbers
///   the run did not use.
public enum LessonText {
    /// The marker line of a worked section.
    public static let numbersMarker = "<!-- numbers -->"

    /// The placeholder values for a run: one per setting used, plus `output`.
    static func facts(used: [(key: String, value: String)], output: Matrix, extra: [String: String]) -> [String: String] {
        var facts: [String: String] = [:]
        for (key, value) in used {
            let isMatrix = value.contains(";") || value.contains("|")
            if isMatrix, let channels = try? MatrixParser.channels(value, source: key), let first = channels.first {
                facts[key] = first.sizeText
                facts[key + "-channels"] = "\(channels.count)"
            } else {
                facts[key] = value
            }
        }
        facts["output"] = output.sizeText
        return facts.merging(extra) { _, new in new }
    }

    /// `text` with every `{key}` of `facts` replaced; other braces are left alone.
    public static func fill(_ text: String, _ facts: [String: String]) -> String {
        guard text.contains("{") else { return text }
        var out = text
        for (key, value) in facts { out = out.replacingOccurrences(of: "{\(key)}", with: value) }
        return out
    }

    /// The lesson body for the page: worked sections kept when the run used the header's numbers,
    /// otherwise the first replaced by `worked` (heading kept) and the others left out.
    static func body(_ markdown: String, customNumbers: Bool, worked: () -> String) -> String {
        guard markdown.contains(numbersMarker) else { return markdown }
        var out: [String] = []
        var skipping = false
        var replaced = false
        let lines = markdown.components(separatedBy: "\n")
        for (i, line) in lines.enumerated() {
            let isHeading = line.hasPrefix("#")
            if isHeading { skipping = false }
            if line.trimmingCharacters(in: .whitespaces) == numbersMarker { continue }
            if isHeading, customNumbers, i + 1 < lines.count, lines[i + 1].trimmingCharacters(in: .whitespaces) == numbersMarker {
                skipping = true
                if !replaced {
                    replaced = true
                    out.append(line)
                    out.append("")
                    out.append(worked())
                }
                continue
            }
            if !skipping { out.append(line) }
        }
        return out.joined(separator: "\n")
    }

    /// A setting's name as a reader of `language` calls it ("entrada" for input).
    public static func settingName(_ key: String, _ l: Language) -> String {
        guard l == .es else { return key }
        let spanish: [String: String] = [
            "input": "entrada", "kernel": "kernel", "bias": "sesgo", "stride": "paso", "padding": "relleno",
            "pool-size": "tamaño de la ventana", "mode": "modo", "gradient": "gradiente que llega",
            "target": "objetivo", "learning-rate": "tasa de aprendizaje", "loss": "pérdida", "size": "tamaño",
            "image": "imagen", "classes": "clases",
        ]
        return spanish[key] ?? key
    }
}

/// The "By hand" section worked out on a run's own numbers: the matrices used, the first cell's
/// arithmetic (the same lines as its step) and the result.
enum WorkedExample {
    static func markdown(_ w: Walkthrough) -> String {
        let l = w.language
        var parts = [l.pick("Worked out on the numbers of this run (the lesson file works its example out on the numbers in its header):",
                            "Calculado con los números de esta ejecución (el archivo de la lección resuelve su ejemplo con los números de su cabecera):")]
        for (key, value) in w.settings where value.contains(";") {
            let rows = value.components(separatedBy: "|").map {
                $0.components(separatedBy: ";").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
            }.joined(separator: "\n\n")
            parts.append("**\(LessonText.settingName(key, l))** (`--\(key)`):\n\n```\n\(rows)\n```")
        }
        // The first step that works one cell out; else the second step (the first only introduces).
        let index = w.steps.firstIndex { $0.data["cell"] != nil } ?? min(1, w.steps.count - 1)
        if index >= 0, index < w.steps.count, !w.steps[index].lines.isEmpty {
            let step = w.steps[index]
            parts.append(l.pick("\(step.title), step \(index + 1) of the slider above:", "\(step.title), paso \(index + 1) del deslizador de arriba:")
                         + "\n\n```\n" + step.lines.joined(separator: "\n") + "\n```")
        }
        let result = w.output.rowArrays.map { $0.map(NumberFormat.short).joined(separator: " ") }.joined(separator: "\n")
        parts.append(l.pick("The result (\(w.output.sizeText)):", "El resultado (\(w.output.sizeText)):") + "\n\n```\n\(result)\n```")
        parts.append(l.pick("Every other step is in the slider above.", "Los demás pasos están en el deslizador de arriba."))
        return parts.joined(separator: "\n\n")
    }
}
