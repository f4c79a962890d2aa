import Foundation
import Visualize

/// Just enough Markdown for the lessons' text on the tutorial page: headings, paragraphs, lists,
/// fenced code, pipe tables, `code`, **bold**, *emphasis* and links. Everything is escaped first;
/// http(s) links stay links, and a relative link (another lesson's .md file, which does not exist
/// beside the page) becomes whatever `target` makes of it, or plain text when it returns nil.
enum MarkdownHTML {
    /// Where a relative link of the Markdown points on the page, or nil to drop the link.
    typealias LinkTarget = (String) -> String?

    static func render(_ markdown: String, target: LinkTarget = { _ in nil }) -> String {
        func inline(_ text: String) -> String { MarkdownHTML.inline(text, target: target) }
        var html: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        var code: [String]?
        var table: [[String]] = []

        func flushParagraph() {
            if !paragraph.isEmpty { html.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>") }
            paragraph = []
        }
        func flushList() {
            if let l = list {
                let tag = l.ordered ? "ol" : "ul"
                html.append("<\(tag)>" + l.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>")
            }
            list = nil
        }
        func flushTable() {
            guard !table.isEmpty else { return }
            let body = table.filter { row in !row.allSatisfy { $0.allSatisfy { $0 == "-" || $0 == ":" || $0 == " " } } }
            if let head = body.first {
                html.append("<table class=\"lesson\"><thead><tr>" + head.map { "<th>" + inline($0) + "</th>" }.joined() + "</tr></thead><tbody>"
                    + body.dropFirst().map { "<tr>" + $0.map { "<td>" + inline($0) + "</td>" }.joined() + "</tr>" }.joined()
                    + "</tbody></table>")
            }
            table = []
        }
        func flushAll() { flushParagraph(); flushList(); flushTable() }

        for raw in markdown.components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if code != nil {
                if line.hasPrefix("```") {
                    html.append("<pre><code>" + HTMLPage.escape((code ?? []).joined(separator: "\n")) + "</code></pre>")
                    code = nil
                } else {
                    code?.append(raw)
                }
                continue
            }
            if line.hasPrefix("```") { flushAll(); code = []; continue }
            if line.isEmpty { flushAll(); continue }
            if line.hasPrefix("#") {
                flushAll()
                let level = line.prefix { $0 == "#" }.count
                let text = line.dropFirst(level).trimmingCharacters(in: .whitespaces)
                // The page has its own h1; lesson headings move one level down.
                let l = min(level + 1, 6)
                html.append("<h\(l)>" + inline(text) + "</h\(l)>")
                continue
            }
            if line.hasPrefix("|") {
                flushParagraph(); flushList()
                table.append(line.trimmingCharacters(in: CharacterSet(charactersIn: "|")).components(separatedBy: "|")
                    .map { $0.trimmingCharacters(in: .whitespaces) })
                continue
            }
            if line.hasPrefix("- ") || line.hasPrefix("* ") {
                flushParagraph(); flushTable()
                if list?.ordered != false { flushList(); list = (false, []) }
                list?.items.append(String(line.dropFirst(2)))
                continue
            }
            if let dot = line.firstIndex(of: "."), line[..<dot].allSatisfy(\.isNumber), !line[..<dot].isEmpty,
               line[line.index(after: dot)...].hasPrefix(" ") {
                flushParagraph(); flushTable()
                if list?.ordered != true { flushList(); list = (true, []) }
                list?.items.append(line[line.index(after: dot)...].trimmingCharacters(in: .whitespaces))
                continue
            }
            if list != nil, raw.hasPrefix("  ") {  // continuation of a list item
                if var l = list, !l.items.isEmpty { l.items[l.items.count - 1] += " " + line; list = l }
                continue
            }
            flushList(); flushTable()
            paragraph.append(line)
        }
        if let code { html.append("<pre><code>" + HTMLPage.escape(code.joined(separator: "\n")) + "</code></pre>") }
        flushAll()
        return html.joined(separator: "\n")
    }

    /// Inline markup on escaped text.
    static func inline(_ text: String, target: LinkTarget = { _ in nil }) -> String {
        var out = ""
        var rest = Substring(text)
        // Code spans first: their content is not formatted further.
        while let start = rest.firstIndex(of: "`") {
            out += emphasis(String(rest[..<start]), target: target)
            let after = rest[rest.index(after: start)...]
            guard let end = after.firstIndex(of: "`") else { out += HTMLPage.escape(String(rest[start...])); rest = ""; break }
            out += "<code>" + HTMLPage.escape(String(after[..<end])) + "</code>"
            rest = after[after.index(after: end)...]
        }
        return out + emphasis(String(rest), target: target)
    }

    static func emphasis(_ text: String, target: LinkTarget) -> String {
        var s = HTMLPage.escape(text)
        s = replacePairs(s, "**", "<strong>", "</strong>")
        s = replacePairs(s, "*", "<em>", "</em>")
        // Links: [text](url). Absolute http(s) links stay links; relative ones go through `target`.
        var searchFrom = s.startIndex
        while let open = s.range(of: "](", range: searchFrom..<s.endIndex), let lb = s[..<open.lowerBound].lastIndex(of: "["),
              let close = s[open.upperBound...].firstIndex(of: ")") {
            let label = String(s[s.index(after: lb)..<open.lowerBound])
            let url = String(s[open.upperBound..<close])
            let replacement: String
            if url.hasPrefix("http://") || url.hasPrefix("https://") {
                replacement = "<a href=\"\(url)\">\(label)</a>"
            } else if let href = target(url.removingHTMLEntities) {
                replacement = "<a href=\"\(HTMLPage.escape(href))\">\(label)</a>"
            } else {
                replacement = label
            }
            let start = s.distance(from: s.startIndex, to: lb)
            s.replaceSubrange(lb...close, with: replacement)
            searchFrom = s.index(s.startIndex, offsetBy: start + replacement.count)
        }
        return s
    }

    static func replacePairs(_ s: String, _ marker: String, _ open: String, _ close: String) -> String {
        let parts = s.components(separatedBy: marker)
        guard parts.count >= 3 else { return s }
        var out = parts[0]
        for i in 1..<parts.count {
            if i % 2 == 1, i == parts.count - 1 { out += marker + parts[i]; break }  // unpaired marker stays
            out += (i % 2 == 1 ? open : close) + parts[i]
        }
        return out
    }
}

private extension String {
    /// The text `HTMLPage.escape` turned into entities, back (a link's target was escaped with the line).
    var removingHTMLEntities: String {
        replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
