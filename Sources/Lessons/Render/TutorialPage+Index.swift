import Visualize

/// The page listing every tutorial (`ROOT/index.html`), in the language of the tutorials it lists.
///
/// A folder can hold tutorials written in both languages (`cnnviz tutorial convolution --lang es`,
/// then `cnnviz tutorial pooling`). Each card is then told in its own tutorial's language, marked
/// with `lang`, and the page's own words follow what is in the folder, never the order of the runs:
/// - all the tutorials in one language: the page in that language;
/// - a mix: the page in both, Spanish first (`<html lang="es">`, the English marked `lang="en"`),
///   because the coursework is in Spanish and English is only the command's default: a mixed folder
///   is most likely a Spanish-speaking student's who once left out `--lang es`;
/// - no tutorial that says its language: the language of the run that wrote the index.
extension TutorialPage {
    /// One tutorial folder as the index lists it, from its walkthrough.json.
    public struct IndexEntry {
        public var name: String, title: String, steps: String, agrees: String
        /// The thumbnail's file name inside the folder, when there is one.
        public var thumbnail: String?
        /// The language the tutorial was written in (walkthrough.json's "language"); nil when
        /// the folder does not say.
        public var language: Language?
        public init(name: String, title: String, steps: String, agrees: String, thumbnail: String? = nil, language: Language? = nil) {
            self.name = name; self.title = title; self.steps = steps; self.agrees = agrees
            self.thumbnail = thumbnail; self.language = language
        }
    }

    /// The languages the index's own words are written in, the page's main one first.
    static func indexLanguages(_ entries: [IndexEntry], fallback: Language) -> [Language] {
        let present = Set(entries.compactMap(\.language))
        if present.count > 1 { return [.es, .en] }
        return [present.first ?? fallback]
    }

    /// The page listing every tutorial in the order a newcomer should take them: the ones written
    /// link to their page with a thumbnail; the others say the command that writes them. Each row
    /// has the tutorial's name as its id, the target of lessons' links to a tutorial not yet written.
    /// `language` is the last run's, used only when no entry says its own (see the type's note).
    public static func index(_ entries: [IndexEntry], language fallback: Language = .en) -> String {
        let languages = indexLanguages(entries, fallback: fallback)
        let l = languages[0], bilingual = languages.count > 1
        /// The page's words: in its language, or Spanish then English (marked) when mixed.
        func say(_ english: String, _ spanish: String, separator: String = " · ") -> String {
            bilingual ? spanish + separator + "<span lang=\"en\">" + english + "</span>" : l.pick(english, spanish)
        }
        let order = TutorialRegistry.names
        let extra = entries.filter { !order.contains($0.name) }.sorted { $0.name < $1.name }
        var page = HTMLPage(title: bilingual ? "Tutoriales de CNNViz · CNNViz tutorials" : l.pick("CNNViz tutorials", "Tutoriales de CNNViz"))
        page.raw("<h1>" + say("CNNViz tutorials", "Tutoriales de CNNViz") + "</h1>")
        let intro = (en: "<p>Each tutorial runs one operation of the network on numbers small enough to check by hand, through the same layer code training uses, in the order a newcomer should take them. Write them all with <code>cnnviz tutorial all</code>, one with <code>cnnviz tutorial NAME</code>; list them with <code>cnnviz tutorial list</code>.</p>",
                     es: "<p>Cada tutorial hace una operación de la red con números lo bastante pequeños para comprobarlos a mano, con el mismo código de capas que usa el entrenamiento, en el orden en que conviene seguirlos. Escríbelos todos con <code>cnnviz tutorial all --lang es</code>, uno con <code>cnnviz tutorial NOMBRE --lang es</code>; la lista, con <code>cnnviz tutorial list --lang es</code>.</p>")
        if bilingual {
            page.raw(intro.es)
            page.raw("<p class=\"mixed\">Aquí hay tutoriales en español y en inglés: cada uno se muestra en su idioma. Para tenerlos todos en español, <code>cnnviz tutorial all --lang es</code>.</p>")
            // Folded, so on a phone the cards are not pushed a screen down by a second introduction.
            page.raw("<details lang=\"en\" class=\"other-language\"><summary>In English</summary>" + intro.en
                     + "<p class=\"mixed\">These tutorials are in Spanish and English: each is shown in its own language. To have them all in English, <code>cnnviz tutorial all</code>.</p></details>")
        } else {
            page.raw(l.pick(intro.en, intro.es))
        }
        var cards: [String] = []
        for (i, name) in (order + extra.map(\.name)).enumerated() {
            cards.append(card(number: i + 1, name: name, entry: entries.first { $0.name == name }, page: l, bilingual: bilingual))
        }
        page.raw("<ol class=\"cards\">" + cards.joined() + "</ol>")
        page.extraCSS = indexCSS
        return withLanguage(page.render(), l)
    }

    /// One tutorial's card. A written one is told in its own language (`lang` on the card when it
    /// differs from the page's, so a screen reader switches voice); one not written yet in the
    /// page's language, with the command for each of the page's languages.
    static func card(number: Int, name: String, entry: IndexEntry?, page l: Language, bilingual: Bool) -> String {
        let id = HTMLPage.escape(name)
        guard let entry else {
            let summary = TutorialRegistry.named(name)?.summary(l) ?? ""
            let spanish = "<code>cnnviz tutorial \(id) --lang es</code>", english = "<code>cnnviz tutorial \(id)</code>"
            let command = bilingual ? spanish + " · <span lang=\"en\">in English: \(english)</span>" : l == .es ? spanish : english
            return "<li class=\"card\" id=\"\(id)\"><div class=\"thumb missing\"></div><div><h2>\(number). \(id)</h2><p>\(HTMLPage.escape(summary))</p>"
                + "<p class=\"meta\">" + l.pick("Not written yet: ", "Aún no está escrito: ") + command + "</p></div></li>"
        }
        let t = entry.language ?? l
        let lang = bilingual || t != l ? " lang=\"\(t.rawValue)\"" : ""
        let href = "\(name)/index.html"
        var html = "<li class=\"card\" id=\"\(id)\"\(lang)>"
        if let thumb = entry.thumbnail {
            html += "<a class=\"thumb\" href=\"\(HTMLPage.path(href))\"><img src=\"\(HTMLPage.path("\(name)/\(thumb)"))\" alt=\"\(HTMLPage.escape(entry.title))\" loading=\"lazy\"></a>"
        }
        html += "<div><h2>\(number). " + HTMLPage.link(href, entry.title) + "</h2>"
        // The summary describes the default numbers; a written page may use others, and its title says which.
        html += "<p class=\"meta\">" + t.pick("\(entry.steps) steps", "\(entry.steps) pasos")
            + (entry.agrees == "✓" ? t.pick(" · matches CNNCore ✓", " · coincide con CNNCore ✓")
               : entry.agrees == "✗" ? t.pick(" · differs from CNNCore ✗", " · no coincide con CNNCore ✗") : "")
        if bilingual { html += " · " + t.pick("in English", "en español") }
        return html + "</p></div></li>"
    }

    static let indexCSS = """
    ol.cards { list-style: none; padding: 0; margin: 1em 0; display: grid; gap: 14px; }
    li.card { display: flex; gap: 16px; align-items: flex-start; border: 1px solid #dee2e6; border-radius: 6px; padding: 12px; }
    li.card h2 { border: 0; margin: 0 0 0.3em; padding: 0; font-size: 1.15rem; }
    li.card p { margin: 0.2em 0; } .meta { color: #6c757d; font-size: 0.9rem; }
    h1 span[lang] { color: #6c757d; font-weight: normal; } .other-language { color: #495057; font-size: 0.92rem; margin: 0.5em 0; } .other-language summary { cursor: pointer; color: #1f5f99; }
    .thumb { flex: 0 0 240px; } .thumb img { width: 240px; height: 150px; object-fit: cover; object-position: left top; border: 1px solid #dee2e6; display: block; }
    .thumb.missing { height: 150px; background: #f1f3f5; border: 1px dashed #adb5bd; }
    .thumb img { box-sizing: border-box; max-width: 100%; } li.card > div { min-width: 0; } li.card code { overflow-wrap: anywhere; }
    @media (max-width: 600px) { li.card { flex-direction: column; } .thumb, .thumb img { width: 100%; flex-basis: auto; } .thumb.missing { display: none; } }
    """
}
