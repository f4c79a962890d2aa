import Foundation

/// The steps as terminal text: matrices side by side, the current window and marked cells shown
/// in colour (ANSI) or, without colour, with brackets a copy-paste keeps: [window] <marked> (padding) · not yet.
public struct TerminalRenderer {
    public var color: Bool
    /// Lines are kept within this many columns where the matrices allow.
    public var width = 100

    public init(color: Bool) { self.color = color }

    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    private func bold(_ t: String) -> String { paint(t, "1") }

    /// Title, introduction and the numbers used.
    public func header(_ w: Walkthrough) -> String {
        var out = [bold(w.title), ""]
        if !w.intro.isEmpty { out += wrap(w.intro) + [""] }
        out.append(w.language.pick("Numbers used:", "Números usados:"))
        for (k, v) in w.settings {
            out.append(w.language == .en ? "  \(k): \(v)" : "  \(LessonText.settingName(k, w.language)) (--\(k)): \(v)")
        }
        return out.joined(separator: "\n")
    }

    /// One step: "Step 3/11 · output[0][1]", its panels, then its arithmetic lines.
    public func step(_ s: Step, index: Int, count: Int, language l: Language) -> String {
        var out = ["", paint(l.pick("Step", "Paso") + " \(index + 1)/\(count) · \(s.title)", "1;36")]
        out += layout(s.panels.map(panel))
        if s.panels.contains(where: { !$0.highlighted.isEmpty || !$0.marked.isEmpty || !$0.dimmed.isEmpty || !$0.hidden.isEmpty }), !color {
            out.append(l.pick("  ([ ] window, < > marked, ( ) padding, · not computed yet)",
                              "  ([ ] ventana, < > marcada, ( ) relleno, · aún sin calcular)"))
        }
        out.append("")
        for line in s.lines {
            let styled = line.hasPrefix("✓") ? paint(line, "32") : line.hasPrefix("✗") ? paint(line, "1;31") : line
            out.append("  " + styled)
        }
        return out.joined(separator: "\n")
    }

    /// The closing lines: agreement with the engine, and where the pictures are.
    public func footer(_ w: Walkthrough, folder: URL?) -> String {
        let l = w.language
        var out = [""]
        let n = w.checks.count
        out.append(w.agrees
            ? paint(n == 1 ? l.pick("The step-by-step result matches CNNCore's layer.", "El resultado paso a paso coincide con la capa de CNNCore.")
                           : l.pick("All \(n) step-by-step results match CNNCore's layers.", "Los \(n) resultados paso a paso coinciden con las capas de CNNCore."), "32")
            : paint(l.pick("Some step-by-step results differ from CNNCore's layers: see the ✗ lines.",
                           "Algunos resultados paso a paso no coinciden con las capas de CNNCore: mira las líneas ✗."), "1;31"))
        if let folder {
            out.append(l.pick("Pictures and page: ", "Imágenes y página: ") + folder.appendingPathComponent("index.html").path)
        }
        return out.joined(separator: "\n")
    }

    /// A panel as lines of (visible width, text).
    func panel(_ p: Panel) -> [(Int, String)] {
        let label = (p.label.count, bold(p.label))
        let m = p.matrix
        if p.display != .numbers || m.cols > 16 || m.rows > 16 {
            let lo = m.values.min() ?? 0, hi = m.values.max() ?? 0
            let text = "\(m.sizeText) (min \(NumberFormat.short(lo)), max \(NumberFormat.short(hi)))"
            return [label, (text.count, text)]
        }
        let texts = m.values.map(NumberFormat.short)
        let cellWidth = (texts.map(\.count).max() ?? 1) + 2
        let highlighted = Set(p.highlighted), marked = Set(p.marked), hidden = Set(p.hidden), dimmed = Set(p.dimmed)
        var lines = [label]
        for r in 0..<m.rows {
            var line = "", visible = 0
            for c in 0..<m.cols {
                let cell = Cell(r, c)
                var t = texts[r * m.cols + c]
                if hidden.contains(cell) { t = "·" }
                let pad = String(repeating: " ", count: cellWidth - 2 - t.count)
                var piece: String
                if color {
                    piece = " " + pad + t + " "
                    if hidden.contains(cell) { piece = paint(piece, "2") }
                    else if marked.contains(cell) { piece = paint(piece, "1;97;41") }
                    else if highlighted.contains(cell) { piece = paint(piece, "30;103") }
                    else if dimmed.contains(cell) { piece = paint(piece, "2") }
                } else {
                    let (open, close) = marked.contains(cell) ? ("<", ">") : highlighted.contains(cell) ? ("[", "]")
                        : dimmed.contains(cell) ? ("(", ")") : (" ", " ")
                    piece = pad + open + t + close
                }
                line += piece
                visible += cellWidth
            }
            lines.append((visible, line))
        }
        return lines
    }

    /// Places panels side by side, starting a new block when the line would be too wide.
    func layout(_ panels: [[(Int, String)]]) -> [String] {
        var out: [String] = []
        var block: [[(Int, String)]] = []
        var used = 0
        func flush() {
            guard !block.isEmpty else { return }
            let widths = block.map { $0.map(\.0).max() ?? 0 }
            let height = block.map(\.count).max() ?? 0
            for row in 0..<height {
                var line = "  "
                for (i, p) in block.enumerated() {
                    let (w, t) = row < p.count ? p[row] : (0, "")
                    line += t + String(repeating: " ", count: max(widths[i] - w, 0)) + (i < block.count - 1 ? "    " : "")
                }
                while line.hasSuffix(" ") { line.removeLast() }
                out.append(line)
            }
            block = []
            used = 0
        }
        for p in panels {
            let w = (p.map(\.0).max() ?? 0) + 4
            if used + w > width { flush() }
            block.append(p)
            used += w
        }
        flush()
        return out
    }

    /// Wraps a paragraph text to the terminal width.
    func wrap(_ text: String) -> [String] {
        var out: [String] = []
        for paragraph in text.components(separatedBy: "\n") {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if !line.isEmpty, line.count + 1 + word.count > width { out.append(line); line = "" }
                line += (line.isEmpty ? "" : " ") + word
            }
            out.append(line)
        }
        return out
    }
}
