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

    /// The name of the small picture the tutorials' index shows for a tutorial.
    public static let thumbnailName = "thumbnail.png"

    /// The step whose frame stands for the whole tutorial on the index: the last one with matrices
    /// (the output, or the gradient flowing back).
    public static func thumbnailStep(_ w: Walkthrough) -> Int? {
        w.steps.lastIndex { !$0.panels.isEmpty }
    }

    /// The tutorial's page: lesson text, the numbers used, the steps behind a slider, the checks.
    ///
    /// `written` names the tutorial folders already beside this one: a link to another lesson goes
    /// to its page when it exists, else to its row of the tutorials' index (which says how to make
    /// it), so no link is ever dead.
    public static func page(_ w: Walkthrough, written: Set<String> = []) -> String {
        let l = w.language
        var page = HTMLPage(title: w.title)
        page.raw("<p class=\"nav\">" + HTMLPage.link("../index.html", l.pick("← all tutorials", "← todos los tutoriales")) + "</p>")
        page.heading(w.title, level: 1)
        if !w.intro.isEmpty {
            for paragraph in w.intro.components(separatedBy: "\n\n") {
                page.raw("<p class=\"intro\">" + MarkdownHTML.inline(paragraph) + "</p>")
            }
        }
        page.paragraph(l.pick("Tutorial '\(w.tutorial)', lesson: \(w.lessonSource)", "Tutorial «\(w.tutorial)», lección: \(w.lessonSource)"), className: "meta")
        page.table(header: [l.pick("setting", "ajuste"), l.pick("value", "valor")],
                   rows: w.settings.map { setting in
                       let option = "<code class=\"opt\">--\(HTMLPage.escape(setting.key))</code>"
                       let name = l == .en ? option : HTMLPage.escape(LessonText.settingName(setting.key, l)) + " " + option
                       return [name, "<span class=\"mono\">\(HTMLPage.escape(setting.value))</span>"]
                   }, htmlCells: true, className: "settings")

        page.heading(l.pick("Step by step", "Paso a paso"), id: "steps")
        page.raw("""
        <div class="player">
          <button type="button" id="prev" aria-label="\(l.pick("previous step", "paso anterior"))">◀</button>
          <button type="button" id="play" data-play="\(l.pick("▶ Play", "▶ Reproducir"))" data-pause="\(l.pick("❚❚ Pause", "❚❚ Pausa"))">\(l.pick("▶ Play", "▶ Reproducir"))</button>
          <input type="range" id="slider" min="1" max="\(w.steps.count)" value="1" aria-label="\(l.pick("step", "paso"))">
          <button type="button" id="next" aria-label="\(l.pick("next step", "paso siguiente"))">▶</button>
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
            page.raw(html + "</section>")
        }

        page.heading(l.pick("The same numbers through CNNCore", "Los mismos números en CNNCore"), id: "checks")
        page.table(header: [l.pick("result", "resultado"), l.pick("engine code", "código del motor"), l.pick("agrees", "coincide"),
                            l.pick("largest difference", "mayor diferencia")],
                   rows: w.checks.map { [$0.what, $0.layer, $0.agrees ? "✓" : "✗", NumberFormat.short($0.stepByStep.maxDifference(to: $0.engine))] })

        page.heading(l.pick("The lesson", "La lección"), id: "lesson")
        // The page's own h1 is the lesson's title and the intro is above; the text starts after them.
        var bodyLines = w.body.components(separatedBy: "\n")
        if let t = bodyLines.firstIndex(where: { $0.hasPrefix("# ") }) {
            let next = bodyLines[(t + 1)...].firstIndex { $0.hasPrefix("#") || $0.hasPrefix("```") } ?? bodyLines.endIndex
            bodyLines.removeSubrange(t..<next)
        }
        let body = LessonText.body(bodyLines.joined(separator: "\n"), customNumbers: w.customNumbers) { WorkedExample.markdown(w) }
        page.raw("<div class=\"lesson\">" + MarkdownHTML.render(body) { lessonLink($0, from: w.name, written: written) } + "</div>")

        // The frames are files for whoever wants pictures; the page shows each step once, above.
        page.heading(l.pick("Files", "Archivos"), id: "files")
        let frames = w.steps.indices.map { HTMLPage.link(frameName($0), "\($0 + 1)") }.joined(separator: " · ")
        page.raw("<p class=\"meta\">" + l.pick("Each step as a PNG picture (step-01.png …): ", "Cada paso como imagen PNG (step-01.png …): ") + frames + "</p>")
        page.raw("<p class=\"meta\">" + HTMLPage.link("walkthrough.json", "walkthrough.json") + l.pick(" — every number of this page, as JSON.", " — todos los números de esta página, en JSON.") + "</p>")
        page.raw("<p class=\"nav\">" + HTMLPage.link("../index.html", l.pick("← all tutorials", "← todos los tutoriales")) + "</p>")
        page.extraCSS = css
        page.script = script
        return withLanguage(page.render(), l)
    }

    /// HTMLPage writes `lang="en"`; a Spanish page must say `es` (screen readers, hyphenation, spelling).
    static func withLanguage(_ html: String, _ l: Language) -> String {
        html.replacingOccurrences(of: "<html lang=\"en\">", with: "<html lang=\"\(l.rawValue)\">")
    }

    /// Where a lesson's link to another lesson file ("02-pooling.md", "../es/03-relleno-paso.md")
    /// goes on the page: the numbered lesson's page when it was written, else its row of the index.
    static func lessonLink(_ target: String, from current: String, written: Set<String>) -> String? {
        let file = target.split(separator: "/").last.map(String.init) ?? target
        guard file.hasSuffix(".md"), let number = Int(file.prefix { $0.isNumber }), number >= 1,
              number <= TutorialRegistry.names.count else { return nil }
        let name = TutorialRegistry.names[number - 1]
        return name == current || written.contains(name) ? "../\(name)/index.html" : "../index.html#\(name)"
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

    static let css = """
    .nav { margin: 0; } .meta { color: #6c757d; font-size: 0.9rem; }
    code.opt { white-space: nowrap; color: #495057; }
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
    .intro { font-size: 1.05rem; }
    @media (max-width: 600px) { h1 { font-size: 1.45rem; } .player { flex-wrap: wrap; } .player input { flex-basis: 100%; order: 5; } figure.matrix td { min-width: 1.8em; } }
    .js .step { display: none; } .js .step.current { display: block; }
    @media print { .player { display: none; } .js .step { display: block; } }
    """

    /// Shows one step at a time (without script, or in print, every step is shown); Play steps
    /// through them every 1.6 s and stops at the last one.
    static let script = """
    (function () {
      document.body.classList.add('js');
      var steps = document.querySelectorAll('.step'), slider = document.getElementById('slider');
      var counter = document.getElementById('counter'), play = document.getElementById('play'), timer = null;
      function show(n) {
        n = Math.max(1, Math.min(steps.length, n));
        for (var i = 0; i < steps.length; i++) steps[i].classList.toggle('current', i === n - 1);
        slider.value = n; counter.textContent = n + ' / ' + steps.length;
        if (history.replaceState) history.replaceState(null, '', '#step-' + n);
      }
      function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = play.dataset.play; }
      function start() {
        if (+slider.value >= steps.length) show(1);
        play.textContent = play.dataset.pause;
        timer = setInterval(function () {
          if (+slider.value >= steps.length) { stop(); return; }
          show(+slider.value + 1);
        }, 1600);
      }
      play.addEventListener('click', function () { if (timer) stop(); else start(); });
      slider.addEventListener('input', function () { stop(); show(+slider.value); });
      document.getElementById('prev').addEventListener('click', function () { stop(); show(+slider.value - 1); });
      document.getElementById('next').addEventListener('click', function () { stop(); show(+slider.value + 1); });
      document.addEventListener('keydown', function (e) {
        if (e.target && e.target.tagName === 'INPUT') return;
        if (e.key === 'ArrowLeft') { stop(); show(+slider.value - 1); }
        if (e.key === 'ArrowRight') { stop(); show(+slider.value + 1); }
      });
      var fromHash = /^#step-([0-9]+)$/.exec(location.hash);
      show(fromHash ? +fromHash[1] : 1);
    })();
    """
}
