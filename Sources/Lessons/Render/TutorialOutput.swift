import CNNCore
import Foundation
import ImageIO
import Visualize

/// Writes a walkthrough to `ROOT/NAME/`: one PNG frame per step, `index.html` (a step slider,
/// the numbers as tables) and `walkthrough.json`; then regenerates `ROOT/index.html`, listing
/// every tutorial folder present. The folder is filled under a temporary name and renamed into
/// place, so a crash never leaves half a tutorial looking complete.
public enum TutorialOutput {
    /// The default output root, relative to the current directory.
    public static let defaultRoot = "output/tutorials"

    @discardableResult
    public static func write(_ w: Walkthrough, to root: URL) throws -> URL {
        let folder = root.appendingPathComponent(w.name)
        try OutputFolder.claim(root)
        try AtomicWrite.folder(at: folder) { temp in
            for (i, step) in w.steps.enumerated() {
                let frame = PictureRenderer.frame(step, index: i, count: w.steps.count, language: w.language)
                try ImageFile.write(frame, to: temp.appendingPathComponent(frameName(i)))
            }
            // Fresh files inside the temporary folder: the folder's rename is what makes them appear at once.
            try writeNew(Data(page(w).utf8), to: temp.appendingPathComponent("index.html"))
            try writeNew(Data(JSONRenderer.text(w).utf8), to: temp.appendingPathComponent("walkthrough.json"))
        }
        try writeIndex(root)
        return folder
    }

    /// "step-01.png" … (two digits keep them in order in a file browser).
    public static func frameName(_ index: Int) -> String { String(format: "step-%02d.png", index + 1) }

    /// The tutorial's page: lesson text, the numbers used, the steps behind a slider, the checks.
    static func page(_ w: Walkthrough) -> String {
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

    /// Regenerates ROOT/index.html from the tutorial folders present (each with a walkthrough.json).
    public static func writeIndex(_ root: URL) throws {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }
            .filter { fm.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("index.html").path) }
        let order = TutorialRegistry.names
        let sorted = names.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        var page = HTMLPage(title: "CNNViz tutorials")
        page.heading("CNNViz tutorials", level: 1)
        page.raw("<p>Each tutorial runs one operation of the network on numbers small enough to check by hand, through the same layer code training uses, in the order a newcomer should take them. Regenerate one with <code>cnnviz tutorial NAME</code>; list them with <code>cnnviz tutorial list</code>.</p>")
        var rows: [[String]] = []
        for name in sorted {
            let json = root.appendingPathComponent(name).appendingPathComponent("walkthrough.json")
            var title = name, steps = "", agrees = ""
            if let data = try? Data(contentsOf: json), let v = try? JSONDecoder().decode(JSONValue.self, from: data), let o = v.objectValue {
                title = o["title"]?.stringValue ?? name
                steps = "\(o["steps"]?.arrayValue?.count ?? 0)"
                agrees = o["agrees"]?.boolValue == true ? "✓" : "✗"
            }
            rows.append([HTMLPage.link("\(name)/index.html", name), HTMLPage.escape(title), steps, agrees])
        }
        page.table(header: ["tutorial", "title", "steps", "matches CNNCore"], rows: rows, htmlCells: true)
        try OutputFolder.create(root)
        try replaceFile(Data(page.render().utf8), at: root.appendingPathComponent("index.html"))
    }

    /// Writes a file inside the temporary folder; a failure names the file and the reason
    /// ("No space left on device"), not Foundation's error number.
    static func writeNew(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url)
        } catch {
            throw CNNError.writeFailed(path: url.path, reason: FileErrorText.describe(error))
        }
    }

    /// Replaces `url` atomically (CNNCore's `AtomicWrite.file`: temporary file, then rename(2)).
    static func replaceFile(_ data: Data, at url: URL) throws {
        try AtomicWrite.file(data, to: url)
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
