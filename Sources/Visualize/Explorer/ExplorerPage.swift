import CNNCore
import Foundation

/// The interactive page `cnnviz inspect` writes as `index.html`: an overview of every layer on one
/// screen, and for any cell a view of how it was computed, with the real numbers.
///
/// Four files: `index.html` (this shell), `explorer.css`, `explorer.js` (`ExplorerScript`) and
/// `explorer-data.js` (`ExplorerData`). All relative, no network: it opens from the file system.
public enum ExplorerPage {
    /// File name → contents, for one inspected image.
    public static func files(_ trace: TraceView, context: InspectionPage.Context) throws -> [(name: String, text: String)] {
        [("index.html", html(context)), ("explorer.css", style), ("explorer.js", ExplorerScript.text),
         ("explorer-data.js", try ExplorerData.script(trace, context: context))]
    }

    static func html(_ c: InspectionPage.Context) -> String {
        let e = HTMLPage.escape, l = c.language
        return """
        <!DOCTYPE html>
        <html lang="\(l.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(c.modelName)): \(e(URL(fileURLWithPath: c.imagePath).lastPathComponent)) → \(e(c.predictedClass))</title>
        <link rel="stylesheet" href="explorer.css">
        </head>
        <body>
        <header>
        \(c.indexLink.map { "<p class=\"note\">" + HTMLPage.link($0.href, "← " + $0.title) + "</p>" } ?? "")
        <h1><a href="#">\(e(URL(fileURLWithPath: c.imagePath).lastPathComponent))</a> → <span class="answer">\(e(c.predictedClass))</span>
        <small>(p = \(String(format: "%.4f", c.probability)))</small></h1>
        <p class="note">\(e(c.modelDescription)). \(l.pick("Click any map, cell, unit or the output to see how it was computed. Arrows move the selected cell; Escape comes back here.", "Haz clic en cualquier mapa, celda, unidad o en la salida para ver cómo se calculó. Las flechas mueven la celda elegida; Escape vuelve aquí."))</p>
        <p class="tools"><label><input type="checkbox" id="shared-scale"> \(l.pick("one colour scale for all maps of a layer", "una sola escala de color para todos los mapas de una capa"))</label>
        · <a href="pictures.html">\(l.pick("the same numbers as pictures", "los mismos números como imágenes"))</a> · <a href="manifest.json">manifest.json</a> \(l.pick("(the .npy files, for Python)", "(los archivos .npy, para Python)"))</p>
        </header>
        <main id="main"><noscript>\(l.pick("This page needs JavaScript to draw the numbers; pictures.html shows them without it.", "Esta página necesita JavaScript para dibujar los números; pictures.html los muestra sin él."))</noscript></main>
        <script src="explorer-data.js"></script>
        <script src="explorer.js"></script>
        </body>
        </html>

        """
    }

    static let style = """
    /* The explorer's look: one screen of columns, then one cell's computation. */
    body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
    header { padding: 10px 16px; background: #fff; border-bottom: 1px solid #ddd; }
    h1 { font-size: 20px; margin: 0 0 4px; } h1 a { color: inherit; text-decoration: none; }
    h2 { font-size: 16px; margin: 0 0 6px; } h2 small, h1 small { color: #777; font-weight: normal; }
    .note { color: #666; font-size: 13px; margin: 4px 0; }
    .answer { color: #b31; font-weight: bold; }
    main { padding: 12px 16px; }
    .overview { display: flex; gap: 10px; align-items: flex-start; overflow-x: auto; padding-bottom: 8px; }
    .column { flex: none; width: min-content; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px; min-width: 96px; }
    .column h2 { overflow-wrap: anywhere; }
    .maps { display: grid; grid-template-columns: repeat(4, 36px); gap: 3px; }
    .tile { position: relative; display: block; line-height: 0; }
    .tile span { position: absolute; right: 1px; bottom: 1px; font-size: 9px; line-height: 1; background: rgba(255,255,255,.75); padding: 0 2px; color: #333; }
    .tile.dead canvas { opacity: .25; outline: 2px dashed #999; }
    .tile.dead span { color: #b31; font-weight: bold; }
    canvas.map { width: 36px; height: 36px; image-rendering: pixelated; display: block; }
    canvas.photo { width: 153px; height: 153px; image-rendering: pixelated; display: block; margin-bottom: 6px; }
    .photo-frame { position: relative; width: 153px; }
    canvas.cam { position: absolute; left: 0; top: 0; width: 153px; height: 153px; pointer-events: none; }
    canvas.strip { width: 180px; image-rendering: pixelated; display: block; }
    canvas.big { width: min(420px, calc(100vw - 64px)); height: auto; aspect-ratio: 1; image-rendering: pixelated; display: block; cursor: crosshair; }
    .bars { display: flex; align-items: flex-end; gap: 0; height: 60px; flex-wrap: nowrap; }
    .bar { display: block; width: 1px; min-width: 1px; background: #3a7; } .bars.few .bar { width: 8px; margin-right: 2px; } .bar.neg { background: #c33; } .bar.zero { background: #ccc; }
    .output canvas.plot, .detail canvas.plot { display: block; margin: 4px 0; }
    .detail { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
    .split { display: flex; gap: 18px; flex-wrap: wrap; align-items: flex-start; }
    .explain { flex: 1 1 360px; min-width: 0; }
    .bigframe { position: relative; }
    .cursor { position: absolute; outline: 2px solid #f0f; pointer-events: none; }
    .value { font-size: 16px; } .value b { font-size: 18px; }
    .controls button { font: inherit; margin-right: 6px; padding: 4px 10px; }
    .channels { display: flex; gap: 12px; flex-wrap: wrap; }
    .channel h4 { margin: 4px 0; font-size: 13px; }
    table.nums { border-collapse: collapse; margin: 0 6px 6px 0; display: inline-table; font: 12px ui-monospace, monospace; }
    table.nums caption { font: 11px system-ui, sans-serif; color: #666; text-align: left; }
    table.nums td { border: 1px solid #ccc; padding: 2px 5px; text-align: right; }
    td.neg { color: #1a4fb0; } td.kept { background: #ffe27a; font-weight: bold; } td.pad { color: #aaa; }
    table.contrib { border-collapse: collapse; font-size: 13px; }
    table.contrib td, table.contrib th { border-bottom: 1px solid #eee; padding: 2px 6px; text-align: right; }
    .sum { font-size: 15px; }
    @media (max-width: 600px) {
      .overview { flex-direction: column; overflow-x: visible; align-items: stretch; }
      .column { width: auto; }
      .column { width: auto; }
      .maps { grid-template-columns: repeat(8, 1fr); }
      canvas.map { width: 100%; height: auto; aspect-ratio: 1; }
      canvas.strip { width: 100%; }
      .bars { max-width: 100%; }
    }
    """
}
