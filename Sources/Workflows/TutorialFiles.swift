import CNNCore
import Foundation
import ImageFiles
import Lessons

/// Writes a walkthrough to `ROOT/NAME/`: one PNG frame per step, a thumbnail, `index.html` and
/// `walkthrough.json` (which records the tutorial's language); then regenerates `ROOT/index.html`,
/// listing every tutorial, each in its own language.
/// The folder is filled under a temporary name and swapped into place (`AtomicWrite.folder`),
/// so a crash never leaves half a tutorial looking complete.
public enum TutorialFiles {
    /// The default output root, relative to the current directory.
    public static let defaultRoot = "output/tutorials"

    /// The thumbnail's width on the index: a third of a step frame, enough to recognise it.
    static let thumbnailWidth = 360

    @discardableResult
    public static func write(_ w: Walkthrough, to root: URL, comingNext: Set<String> = []) throws -> URL {
        let folder = root.appendingPathComponent(w.name)
        try OutputFolder.claim(root)
        // The pages a link may go to: those present, this one, and those about to be written.
        let written = Set(tutorialFolders(root)).union([w.name]).union(comingNext)
        try AtomicWrite.folder(at: folder) { temp in
            for (i, step) in w.steps.enumerated() {
                let frame = PictureRenderer.frame(step, index: i, count: w.steps.count, language: w.language)
                try ImageFile.write(frame, to: temp.appendingPathComponent(TutorialPage.frameName(i)))
                if i == TutorialPage.thumbnailStep(w) {
                    let height = max(1, frame.height * thumbnailWidth / max(frame.width, 1))
                    let small = Resize.resize(frame, width: thumbnailWidth, height: height, interpolation: .bilinear)
                    try ImageFile.write(small, to: temp.appendingPathComponent(TutorialPage.thumbnailName))
                }
            }
            try AtomicWrite.file(Data(TutorialPage.page(w, written: written).utf8), to: temp.appendingPathComponent("index.html"))
            try AtomicWrite.file(Data(JSONRenderer.text(w).utf8), to: temp.appendingPathComponent("walkthrough.json"))
        }
        try writeIndex(root, language: w.language)
        return folder
    }

    /// Runs every lesson of `language` with its own numbers and writes them all, so the index
    /// and every link between lessons lead to a page (`cnnviz tutorial all`). Returns them in order.
    @discardableResult
    public static func writeAll(language: Language = .en, library: LessonLibrary = .locate(),
                                outputRoot: URL) throws -> [(Walkthrough, URL)] {
        let names = library.lessons(language).map(\.name)
        // Run every lesson first: a bad lesson file stops the run before anything is written.
        let walks = try names.map { name in
            try TutorialRunner.walkthrough(try library.lesson(named: name, language: language), language: language)
        }
        return try walks.map { ($0, try write($0, to: outputRoot, comingNext: Set(names))) }
    }

    /// Runs the lesson called `name` with its default numbers and writes it under `root`.
    /// Returns the walkthrough and its folder. This is what `cnnviz tour` uses.
    public static func runAndWrite(name: String, language: Language = .en, options: Settings = Settings(),
                                   library: LessonLibrary = .locate(), outputRoot: URL) throws -> (Walkthrough, URL) {
        let lesson = try library.lesson(named: name, language: language)
        let walk = try TutorialRunner.walkthrough(lesson, options: options, language: language)
        return (walk, try write(walk, to: outputRoot))
    }

    /// The tutorial folders under `root` (each with an index.html).
    static func tutorialFolders(_ root: URL) -> [String] {
        let fm = FileManager.default
        return ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }
            .filter { fm.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("index.html").path) }
    }

    /// Regenerates ROOT/index.html: every tutorial, the ones present (each with a walkthrough.json)
    /// linked with their thumbnail and told in the language their walkthrough.json records. The
    /// page's own words follow those languages (`TutorialPage.index`); `language`, the run's, is
    /// used only when no tutorial in ROOT says its language.
    public static func writeIndex(_ root: URL, language: Language = .en) throws {
        let fm = FileManager.default
        let entries = tutorialFolders(root).map { name -> TutorialPage.IndexEntry in
            let folder = root.appendingPathComponent(name)
            let thumb = fm.fileExists(atPath: folder.appendingPathComponent(TutorialPage.thumbnailName).path) ? TutorialPage.thumbnailName : nil
            guard let data = try? RegularFile.read(folder.appendingPathComponent("walkthrough.json"), limit: Limits.maxJSONBytes),
                  let o = (try? JSONDecoder().decode(JSONValue.self, from: data))?.objectValue else {
                return TutorialPage.IndexEntry(name: name, title: name, steps: "", agrees: "", thumbnail: thumb)
            }
            return TutorialPage.IndexEntry(name: name, title: o["title"]?.stringValue ?? name,
                                           steps: "\(o["steps"]?.arrayValue?.count ?? 0)",
                                           agrees: o["agrees"]?.boolValue == true ? "✓" : "✗", thumbnail: thumb,
                                           language: o["language"]?.stringValue.flatMap(Language.init(rawValue:)))
        }
        try OutputFolder.create(root)
        try AtomicWrite.file(Data(TutorialPage.index(entries, language: language).utf8), to: root.appendingPathComponent("index.html"))
    }
}
