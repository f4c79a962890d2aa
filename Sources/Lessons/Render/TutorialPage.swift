import CNNCore
import Foundation
import ImageFiles
import Visualize

/// A walkthrough as a page: `index.html` with a step slider and the numbers as tables, the
/// names of its PNG frames, and the page listing every tutorial. Drawing only: `TutorialFiles`
/// (in Workflows) writes them.
public enum TutorialPage {
    /// "step-01.png" … (two digits keep them in order in a file browser).
    public static func frameName(_ index: Int) -> String { String(format: "step-%02d.png", index + 1) }

    /// The tutorial's page: lesson text, the numbers used, the steps behind a slider, the checks.
    public static func page(_ w: Walkthrough) -> String {
        let l = w.language
        var page = HTMLPage(title: w.title)
        page.raw("<p class=\"nav\">" + HTMLPage.link("../index.html", l.pick("← all tutorials", "← todos los tutoriales")) + "</p>")
        page.heading(w.title, level: 1)
        page.paragraph(l.pick("Tutorial '\(w.tutorial)', lesson: \(w.lessonSource)", "Tutorial '\(w.tutorial)', lección: \(w.lessonSource)"), className: "meta")
        page.table(header: [l.pick("setting", "ajuste"), l.pick("value", "valor")], rows: w.settings.map { [$0.key, $0.value] }, className: "settings")

        page.heading(l.pick("Step by step", "Paso a paso"), id: "steps")
        page.raw("""
        <div class="player">
          <button type="button" id="prev">◀</button>
          <input type="range" id="slider" min="1" max="\(w.steps.count)" value="1" aria-label="step">
          <button type="button" id="next">▶</button>
          <span id="counter">1 / \(w.steps.count)</span>
        </div>
        """)
        for (i, step) in w.steps.enumerated() {
            var html = "<section class=\"step\" data-step=\"\(i + 1)\">"
            html += "<h3>\(HTMLPage.escape(l.pick("Step", "Paso") + " \(i + 1)/\(w.steps.count): \(step.title)"))</h3>"
            html += "<ul class=\"lines\">" + step.lines.map { line in
                let c = line.hasPrefix("✓") ? " class=\"ok\"" : line.hasPrefix("✗") ? " class=\"bad\"" : ""
                return "<li\(c)>\(HTMLPage.escape(line))</li>"
            }.joined() + "</ul>"
            html += "<div class=\"panels\">" + step.panels.map(panelTable).joined() + "</div>"
            html += HTMLPage.figure(frameName(i), alt: l.pick("step \(i + 1) as a picture", "paso \(i + 1) como imagen"))
            page.raw(html + "</section>")
        }

        page.heading(l.pick("The same numbers through CNNCore", "Los mismos números en CNNCore"), id: "checks")
        page.table(header: [l.pick("result", "resultado"), l.pick("engine code", "código del motor"), l.pick("agrees", "coincide"),
                            l.pick("largest difference", "mayor diferencia")],
                   rows: w.checks.map { [$0.what, $0.layer, $0.agrees ? "✓" : "✗", NumberFormat.short($0.stepByStep.maxDifference(to: $0.engine))] })

        page.heading(l.pick("The lesson", "La lección"), id: "lesson")
        // The page's own h1 is the lesson's title; the text starts after it.
        var bodyLines = w.body.components(separatedBy: "\n")
        if let t = bodyLines.firstIndex(where: { $0.hasPrefix("# ") }) { bodyLines.remove(at: t) }
        page.raw("<div class=\"lesson\">" + MarkdownHTML.render(bodyLines.joined(separator: "\n")) + "</div>")
        page.raw("<p class=\"meta\">" + HTMLPage.link("walkthrough.json", "walkthrough.json") + l.pick(" — every number of this page, as JSON.", " — todos los números de esta página, en JSON.") + "</p>")
        page.extraCSS = css
        page.script = script
        return page.render()
    }

    /// A panel as an HTML table with the same marks as the pictures (image panels: a short note).
    static func panelTable(_ p: Panel) -> String {
        let m = p.matrix
        var html = "<figure class=\"matrix \(p.role.rawValue)\"><figcaption>\(HTMLPage.escape(p.label)) <small>\(m.sizeText)</small></figcaption>"
        if p.display != .numbers || m.cols > 16 || m.rows > 16 {
            let lo = m.values.min() ?? 0, hi = m.values.max() ?? 0
            return html + "<p class=\"note\">\(m.sizeText): min \(NumberFormat.short(lo)), max \(NumberFormat.short(hi))</p></figure>"
        }
        let highlighted = Set(p.highlighted), marked = Set(p.marked), hidden = Set(p.hidden), dimmed = Set(p.dimmed)
        html += "<table>"
        for r in 0..<m.rows {
            html += "<tr>"
            for c in 0..<m.cols {
                let cell = Cell(r, c)
                var classes: [String] = []
                if highlighted.contains(cell) { classes.append("win") }
                if marked.contains(cell) { classes.append("mark") }
                if dimmed.contains(cell) { classes.append("pad") }
                if hidden.contains(cell) { classes.append("todo") }
                let text = hidden.contains(cell) ? "·" : NumberFormat.short(m[r, c])
                html += classes.isEmpty ? "<td>\(text)</td>" : "<td class=\"\(classes.joined(separator: " "))\">\(text)</td>"
            }
            html += "</tr>"
        }
        return html + "</table></figure>"
    }

    /// One row of the tutorials' index: a tutorial folder and what its walkthrough.json says.
    public struct IndexEntry {
        public var name: String, title: String, steps: String, agrees: String
        public init(name: String, title: String, steps: String, agrees: String) {
            self.name = name; self.title = title; self.steps = steps; self.agrees = agrees
        }
    }

    /// The page listing the tutorials, in the order a newcomer should take them.
    public static func index(_ entries: [IndexEntry]) -> String {
        let order = TutorialRegistry.names
        let sorted = entries.sorted { (order.firstIndex(of: $0.name) ?? order.count, $0.name) < (order.firstIndex(of: $1.name) ?? order.count, $1.name) }
        var page = HTMLPage(title: "CNNViz tutorials")
        page.heading("CNNViz tutorials", level: 1)
        page.raw("<p>Each tutorial runs one operation of the network on numbers small enough to check by hand, through the same layer code training uses, in the order a newcomer should take them. Regenerate one with <code>cnnviz tutorial NAME</code>; list them with <code>cnnviz tutorial list</code>.</p>")
        let rows = sorted.map { [HTMLPage.link("\($0.name)/index.html", $0.name), HTMLPage.escape($0.title), $0.steps, $0.agrees] }
        page.table(header: ["tutorial", "title", "steps", "matches CNNCore"], rows: rows, htmlCells: true)
        return page.render()
    }

    static let css = """
    .nav { margin: 0; } .meta { color: #6c757d; font-size: 0.9rem; }
    table.settings td:first-child { font-family: ui-monospace, monospace; }
    .player { position: sticky; top: 0; background: #fff; padding: 8px 0; display: flex; gap: 10px; align-items: center; z-index: 1; border-bottom: 1px solid #dee2e6; }
    .player input { flex: 1; } .player button { font-size: 1rem; padding: 2px 12px; }
    .step h3 { margin-top: 1em; } .lines { font-family: ui-monospace, monospace; font-size: 0.92rem; padding-left: 1.2em; }
    .lines li.ok { color: #1e7b34; } .lines li.bad { color: #b02a37; font-weight: bold; }
    .panels { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; margin: 8px 0 12px; }
    figure.matrix { margin: 0; } figure.matrix figcaption { font-weight: 600; font-size: 0.9rem; }
    figure.matrix table { border-collapse: collapse; margin: 4px 0 0; }
    figure.matrix td { border: 1px solid #adb5bd; min-width: 2.6em; height: 2.2em; text-align: center; font-family: ui-monospace, monospace; padding: 0 4px; }
    td.win { background: #fff0a0; } td.pad { background: #e9ecef; color: #868e96; } td.todo { background: #ced4da; color: #495057; }
    td.mark { outline: 3px solid #d62728; outline-offset: -3px; font-weight: bold; }
    figure.matrix.input figcaption { color: #1f5f99; } figure.matrix.kernel figcaption { color: #8e44ad; }
    figure.matrix.output figcaption { color: #1e7b34; } figure.matrix.gradient figcaption { color: #b03a2e; }
    .step figure img { max-width: 100%; border: 1px solid #dee2e6; }
    .js .step { display: none; } .js .step.current { display: block; }
    @media print { .player { display: none; } .js .step { display: block; } }
    """

    /// Shows one step at a time (without script, or in print, every step is shown).
    static let script = """
    (function () {
      document.body.classList.add('js');
      var steps = document.querySelectorAll('.step'), slider = document.getElementById('slider');
      var counter = document.getElementById('counter');
      function show(n) {
        n = Math.max(1, Math.min(steps.length, n));
        for (var i = 0; i < steps.length; i++) steps[i].classList.toggle('current', i === n - 1);
        slider.value = n; counter.textContent = n + ' / ' + steps.length;
        if (history.replaceState) history.replaceState(null, '', '#step-' + n);
      }
      slider.addEventListener('input', function () { show(+slider.value); });
      document.getElementById('prev').addEventListener('click', function () { show(+slider.value - 1); });
      document.getElementById('next').addEventListener('click', function () { show(+slider.value + 1); });
      document.addEventListener('keydown', function (e) {
        if (e.key === 'ArrowLeft') show(+slider.value - 1);
        if (e.key === 'ArrowRight') show(+slider.value + 1);
      });
      var fromHash = /^#step-([0-9]+)$/.exec(location.hash);
      show(fromHash ? +fromHash[1] : 1);
    })();
    """
}
