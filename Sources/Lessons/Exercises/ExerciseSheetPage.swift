import CNNCore
import Visualize

/// The printable pages of a sheet: `sheet.html` (the problems, blank grids to write in) and
/// `answers.html` (the key, every cell worked out as the tutorials show it).
///
/// Both are plain HTML with their own style sheet, meant for paper first: `@page` asks for A4,
/// a problem is never split across two pages, and nothing needs the network or a script.
public enum ExerciseSheetPage {
    public static func sheet(_ s: ExerciseSheet) -> String {
        let l = s.language
        var body = ["<header><h1>\(esc(l.pick("Exercises", "Ejercicios"))): \(esc(s.topic.title(l)))</h1>",
                    meta(s),
                    "<p class=\"name\">\(esc(l.pick("Name", "Nombre"))): <span class=\"line\"></span> \(esc(l.pick("Date", "Fecha"))): <span class=\"line short\"></span></p>",
                    "<p class=\"intro\">\(esc(intro(s)))</p></header>"]
        for p in s.problems {
            body.append(problem(p, l, key: false))
        }
        return document(title: "\(s.topic.title(l)) — \(l.pick("exercises", "ejercicios"))", language: l, body: body)
    }

    public static func answers(_ s: ExerciseSheet) -> String {
        let l = s.language
        var body = ["<header><h1>\(esc(l.pick("Answer key", "Soluciones"))): \(esc(s.topic.title(l)))</h1>",
                    meta(s),
                    "<p class=\"intro\">\(esc(l.pick("Every answer below was computed by CNNViz's own layers (CNNCore) on the sheet's numbers; the steps show how to get it by hand.", "Cada respuesta se ha calculado con las propias capas de CNNViz (CNNCore) sobre los números de la hoja; los pasos muestran cómo obtenerla a mano.")))</p></header>"]
        for p in s.problems {
            body.append(problem(p, l, key: true))
        }
        return document(title: "\(s.topic.title(l)) — \(l.pick("answer key", "soluciones"))", language: l, body: body)
    }

    static func intro(_ s: ExerciseSheet) -> String {
        let l = s.language
        let summary = s.topic.summary(l)
        return l.pick("\(summary.prefix(1).uppercased() + summary.dropFirst()). Work by hand and write each answer in its grid.",
                      "\(summary.prefix(1).uppercased() + summary.dropFirst()). Trabaja a mano y escribe cada respuesta en su cuadrícula.")
    }

    /// The command that writes this sheet again, and how to check answers: under the title, so
    /// it takes no page of its own.
    static func meta(_ s: ExerciseSheet) -> String {
        let l = s.language
        return "<p class=\"meta\"><code>\(esc(s.command))</code> · "
            + "\(esc(l.pick("check answers with", "comprueba las respuestas con"))) <code>cnnviz exercise check answers-template.txt</code></p>"
    }

    /// One problem: its statement, the given numbers, and blank grids (sheet) or the worked key.
    static func problem(_ p: ExerciseProblem, _ l: Language, key: Bool) -> String {
        var html = "<section class=\"problem\"><h2>\(esc(l.pick("Exercise", "Ejercicio"))) \(p.number)</h2>"
        html += "<p>\(esc(p.statement))</p>"
        var figures: [String] = [], facts: [String] = []
        for g in p.given {
            switch g.value {
            case .matrix(let m): figures.append(figure(g.label, grid(m)))
            case .channels(let cs):
                figures.append(figure(g.label, "<div class=\"channels\">" + zip(ChannelsExercise.channelNames, cs).map { name, m in
                    "<div><span class=\"ch\">\(esc(name))</span>" + grid(m) + "</div>"
                }.joined() + "</div>"))
            case .list(let v): figures.append(figure(g.label, grid(Support.row(v))))
            default: facts.append("<span class=\"fact\">\(esc(g.label)) = <b>\(esc(ExerciseText.valueText(g.value)))</b></span>")
            }
        }
        if !facts.isEmpty { html += "<p class=\"facts\">" + facts.joined(separator: " ") + "</p>" }
        let answers = p.answers.map { part in
            figure(part.label, grid(part.key, blank: !key, columns: part.columns), answer: true)
        }
        if key {
            if !figures.isEmpty { html += "<div class=\"row\">" + figures.joined() + "</div>" }
            html += "<div class=\"work\">" + p.worked.map { "<p>\(esc($0))</p>" }.joined()
            if !p.keyPanels.isEmpty {
                html += "<div class=\"row\">" + p.keyPanels.map { figure($0.label, grid($0.matrix, dimmed: $0.dimmed)) }.joined() + "</div>"
            }
            for part in p.answers {
                html += part.intro.map { "<p>\(esc($0))</p>" }.joined()
                html += part.work.map { "<div class=\"cell\">" + $0.map(esc).joined(separator: "<br>") + "</div>" }.joined()
            }
            html += "</div><div class=\"row answers\">" + answers.joined() + "</div>"
        } else {
            // The blank grids beside the numbers, so a problem takes little height on paper.
            html += "<div class=\"row\">" + figures.joined() + answers.joined() + "</div>"
        }
        return html + "</section>"
    }

    static func figure(_ label: String, _ content: String, answer: Bool = false) -> String {
        "<figure\(answer ? " class=\"answer\"" : "")><figcaption>\(esc(label))</figcaption>\(content)</figure>"
    }

    /// A matrix as a table of cells; `blank` leaves every cell empty to write in; `dimmed` cells
    /// (zero padding) are greyed.
    static func grid(_ m: Matrix, blank: Bool = false, columns: [String]? = nil, dimmed: [Cell] = []) -> String {
        var html = "<table class=\"grid\(blank ? " blank" : "")\">"
        if let columns { html += "<tr>" + columns.map { "<th>\(esc($0))</th>" }.joined() + "</tr>" }
        let grey = Set(dimmed)
        for (r, row) in m.rowArrays.enumerated() {
            html += "<tr>" + row.enumerated().map { c, v in
                "<td\(grey.contains(Cell(r, c)) ? " class=\"pad\"" : "")>\(blank ? "" : esc(Worked.f(v)))</td>"
            }.joined() + "</tr>"
        }
        return html + "</table>"
    }

    static func esc(_ s: String) -> String { HTMLPage.escape(s) }

    static func document(title: String, language: Language, body: [String]) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title>
        <style>
        \(css)</style>
        </head>
        <body>
        <main>
        \(body.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
    }

    /// Paper first: A4 with margins, problems kept whole, grids large enough to write in by hand.
    static let css = """
    @page { size: A4; margin: 14mm 14mm 16mm; }
    :root { color-scheme: light; }
    body { margin: 0; color: #111; background: #fff; font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
    main { max-width: 182mm; margin: 0 auto; padding: 12px 16px 24px; }
    h1 { font-size: 18pt; margin: 0 0 6px; }
    h2 { font-size: 12.5pt; margin: 0 0 2px; }
    p { margin: 4px 0; }
    .name { display: flex; gap: 6px; align-items: flex-end; margin: 10px 0; }
    .line { flex: 3; border-bottom: 1px solid #333; height: 1em; margin-right: 12px; } .line.short { flex: 1; margin-right: 0; }
    .intro { color: #333; }
    .problem { break-inside: avoid; page-break-inside: avoid; border-top: 1px solid #999; padding: 8px 0 10px; margin-top: 6px; }
    .facts { display: flex; flex-wrap: wrap; gap: 2px 18px; }
    .row { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: flex-start; margin-top: 6px; }
    figure { margin: 0; } figcaption { font-size: 9.5pt; font-weight: 600; margin-bottom: 2px; }
    .channels { display: flex; gap: 10px; } .ch { display: block; font-size: 9pt; color: #444; }
    table.grid { border-collapse: collapse; }
    table.grid td, table.grid th { border: 1px solid #444; min-width: 2em; height: 1.8em; padding: 0 4px; text-align: center;
      font: 10.5pt ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-variant-numeric: tabular-nums; }
    table.grid th { font-weight: 600; background: #eee; height: 1.4em; }
    table.grid.blank td { min-width: 3em; height: 2.4em; }
    figure.answer table.grid:not(.blank) td { font-weight: 700; background: #eef6ee; }
    .work { margin: 6px 0 4px; font: 9pt/1.35 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
    .work p { margin: 3px 0; max-width: none; } .work .row { margin: 4px 0; font-family: system-ui, sans-serif; }
    .work .cell { margin: 3px 0 3px 1em; padding-left: 6px; border-left: 2px solid #bbb; overflow-wrap: anywhere; }
    table.grid td.pad { color: #888; background: #f0f0f0; }
    .meta { font-size: 8.5pt; color: #555; margin: 0 0 4px; }
    code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.95em; overflow-wrap: anywhere; }
    @media (max-width: 600px) {
      main { padding: 8px 10px 16px; } h1 { font-size: 15pt; }
      table.grid td, table.grid th { min-width: 1.7em; font-size: 10pt; } table.grid.blank td { min-width: 2.4em; }
    }
    @media print {
      body { font-size: 10pt; } main { max-width: none; padding: 0; } a { color: inherit; }
      h1 { font-size: 16pt; } .problem { padding: 5px 0 6px; margin-top: 2px; }
      table.grid td, table.grid th { min-width: 1.7em; height: 1.5em; font-size: 9.5pt; }
      table.grid.blank td { min-width: 2.6em; height: 2.1em; }
      .work { font-size: 8.5pt; line-height: 1.3; } .work .cell { margin: 2px 0 2px 1em; }
    }

    """
}
