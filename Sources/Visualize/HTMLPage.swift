import Foundation

/// A tiny builder for offline HTML pages: escaped text, inline CSS (screen and print), an
/// optional small inline script, and relative links only, so the page works from the file
/// system with no network.
///
///     var page = HTMLPage(title: "conv2d")
///     page.heading("What the filters see")
///     page.paragraph("Each tile is one feature map.")
///     page.image("conv2d_maps.png", alt: "32 feature maps")
///     try AtomicWrite.file(Data(page.render().utf8), to: folder.appendingPathComponent("index.html"))
public struct HTMLPage {
    public var title: String
    /// HTML fragments of the body, in order.
    public private(set) var parts: [String] = []
    /// Extra CSS appended after the built-in style sheet.
    public var extraCSS = ""
    /// A small script put inline at the end of the body (no external scripts are ever linked).
    public var script = ""
    /// The page's `<html lang>`: screen readers, hyphenation and spelling follow it.
    public var language: Language

    public init(title: String, language: Language = .en) {
        self.title = title
        self.language = language
    }

    /// Escapes &, <, >, " and ' for text and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// True for a link that stays inside the page's folder tree: no scheme, no leading "/".
    public static func isRelative(_ reference: String) -> Bool {
        !reference.isEmpty && !reference.hasPrefix("/") && !reference.contains("://") && !reference.hasPrefix("//")
            && !reference.lowercased().hasPrefix("javascript:") && !reference.lowercased().hasPrefix("data:")
    }

    /// Percent-escapes a relative path for an href/src (spaces, quotes, #, ? …), keeping "/".
    public static func path(_ relative: String) -> String {
        precondition(isRelative(relative) || relative.hasPrefix("#"), "HTMLPage links must be relative, got \(relative)")
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#;")
        // A fragment link keeps its '#': escaped, it would name a file called "#…".
        if relative.hasPrefix("#") {
            return "#" + (relative.dropFirst().addingPercentEncoding(withAllowedCharacters: allowed) ?? String(relative.dropFirst()))
        }
        return relative.addingPercentEncoding(withAllowedCharacters: allowed) ?? relative
    }

    /// Every href and src value in `html`, resolved as a browser resolves it (for tests: each
    /// must exist). "#id" stays a link into the page; otherwise a literal '#' or '?' ends the
    /// file's path, and the path is then percent-decoded: "%23layer" is a file named "#layer",
    /// returned as "./#layer".
    public static func references(in html: String) -> [String] {
        var found: [String] = []
        for attribute in ["href=\"", "src=\""] {
            var rest = html[...]
            while let r = rest.range(of: attribute) {
                rest = rest[r.upperBound...]
                guard let end = rest.firstIndex(of: "\"") else { break }
                let value = String(rest[..<end])
                if value.hasPrefix("#") {
                    found.append("#" + (value.dropFirst().removingPercentEncoding ?? String(value.dropFirst())))
                } else {
                    let path = String(value.prefix { $0 != "#" && $0 != "?" })
                    let decoded = path.removingPercentEncoding ?? path
                    found.append(decoded.hasPrefix("#") ? "./" + decoded : decoded)  // a file named "#…", not an anchor
                }
                rest = rest[end...]
            }
        }
        return found
    }

    public mutating func raw(_ html: String) { parts.append(html) }

    public mutating func heading(_ text: String, level: Int = 2, id: String? = nil) {
        let l = min(max(level, 1), 6)
        let idAttribute = id.map { " id=\"\(HTMLPage.escape($0))\"" } ?? ""
        parts.append("<h\(l)\(idAttribute)>\(HTMLPage.escape(text))</h\(l)>")
    }

    public mutating func paragraph(_ text: String, className: String? = nil) {
        let c = className.map { " class=\"\(HTMLPage.escape($0))\"" } ?? ""
        parts.append("<p\(c)>\(HTMLPage.escape(text))</p>")
    }

    /// A figure with a relative image path, alt text and an optional caption.
    public mutating func image(_ src: String, alt: String, caption: String = "") {
        parts.append(HTMLPage.figure(src, alt: alt, caption: caption))
    }

    /// A picture with its caption; clicking it opens `href` (the picture itself by default).
    public static func figure(_ src: String, alt: String, caption: String = "", href: String? = nil) -> String {
        var html = "<figure><a href=\"\(path(href ?? src))\"><img src=\"\(path(src))\" alt=\"\(escape(alt))\" loading=\"lazy\"></a>"
        if !caption.isEmpty { html += "<figcaption>\(escape(caption))</figcaption>" }
        return html + "</figure>"
    }

    /// `<a href="...">text</a>` with a relative target.
    public static func link(_ href: String, _ text: String) -> String {
        "<a href=\"\(path(href))\">\(escape(text))</a>"
    }

    /// A table; cells are plain text (escaped) unless `htmlCells` is true.
    public mutating func table(header: [String], rows: [[String]], htmlCells: Bool = false, className: String = "") {
        parts.append(HTMLPage.table(header: header, rows: rows, htmlCells: htmlCells, className: className))
    }

    public static func table(header: [String], rows: [[String]], htmlCells: Bool = false, className: String = "") -> String {
        var html = className.isEmpty ? "<table>" : "<table class=\"\(escape(className))\">"
        if !header.isEmpty { html += "<thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>" }
        html += "<tbody>"
        for row in rows { html += "<tr>" + row.map { "<td>\(htmlCells ? $0 : escape($0))</td>" }.joined() + "</tr>" }
        return html + "</tbody></table>"
    }

    /// Opens a `<section>`; close it with `endSection()`.
    public mutating func beginSection(id: String? = nil, className: String = "") {
        let idAttribute = id.map { " id=\"\(HTMLPage.escape($0))\"" } ?? ""
        let c = className.isEmpty ? "" : " class=\"\(HTMLPage.escape(className))\""
        parts.append("<section\(idAttribute)\(c)>")
    }

    public mutating func endSection() { parts.append("</section>") }

    /// The whole document.
    public func render() -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<title>\(HTMLPage.escape(title))</title>\n<style>\n\(HTMLPage.css)\(extraCSS)</style>\n</head>\n<body>\n<main>\n"
        html += parts.joined(separator: "\n")
        html += "\n</main>\n"
        if !script.isEmpty { html += "<script>\n\(script)\n</script>\n" }
        return html + "</body>\n</html>\n"
    }

    /// Readable on a laptop (a comfortable column, system fonts) and in print (no shadows,
    /// figures kept whole, link targets shown).
    public static let css = """
    :root { color-scheme: light; }
    body { margin: 0; background: #f8f9fa; color: #212529; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; background: #fff; }
    h1 { font-size: 1.9rem; margin: 0.2em 0 0.4em; }
    h2 { font-size: 1.35rem; margin: 2em 0 0.5em; padding-top: 0.6em; border-top: 2px solid #dee2e6; }
    h3 { font-size: 1.1rem; margin: 1.4em 0 0.4em; }
    p { max-width: 72ch; }
    code, .mono { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
    p code { white-space: nowrap; }
    table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.95rem; }
    th, td { border: 1px solid #dee2e6; padding: 4px 10px; text-align: left; vertical-align: top; }
    th { background: #f1f3f5; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    figure { margin: 0.8em 0 1.4em; }
    figure img { display: block; max-width: 100%; height: auto; border: 1px solid #dee2e6; image-rendering: pixelated; }
    figcaption { font-size: 0.9rem; color: #495057; margin-top: 4px; max-width: 90ch; }
    .what { font-size: 1.05rem; background: #e7f5ff; border-left: 4px solid #1c7ed6; padding: 6px 12px; max-width: 90ch; }
    .muted { color: #6c757d; font-size: 0.9rem; }
    .files a { margin-right: 1em; white-space: nowrap; }
    nav.toc a { margin-right: 1.2em; white-space: nowrap; }
    .verdict { font-size: 1.3rem; font-weight: 600; }
    @media print {
      body { background: #fff; font-size: 11pt; }
      main { max-width: none; padding: 0; }
      nav.toc { display: none; }
      h2 { break-before: auto; break-after: avoid; }
      figure, table, .what { break-inside: avoid; }
      figure img { max-height: 24cm; }
      a { color: inherit; text-decoration: none; }
      .files a::after { content: " (" attr(href) ")"; font-size: 0.8em; color: #495057; }
    }

    """
}
