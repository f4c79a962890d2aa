import CNNCore
import Foundation
import ImageFiles
import Lessons

/// Writes a walkthrough to `ROOT/NAME/`: one PNG frame per step, `index.html` and
/// `walkthrough.json`; then regenerates `ROOT/index.html`, listing every tutorial folder present.
/// The folder is filled under a temporary name and swapped into place (`AtomicWrite.folder`),
/// so a crash never leaves half a tutorial looking complete.
public enum TutorialFiles {
    /// The default output root, relative to the current directory.
    public static let defaultRoot = "output/tutorials"

    @discardableResult
    public static func write(_ w: Walkthrough, to root: URL) throws -> URL {
        let folder = root.appendingPathComponent(w.name)
        try OutputFolder.claim(root)
        try AtomicWrite.folder(at: folder) { temp in
            for (i, step) in w.steps.enumerated() {
                let frame = PictureRenderer.frame(step, index: i, count: w.steps.count, language: w.language)
                try ImageFile.write(frame, to: temp.appendingPathComponent(TutorialPage.frameName(i)))
            }
            try AtomicWrite.file(Data(TutorialPage.page(w).utf8), to: temp.appendingPathComponent("index.html"))
            try AtomicWrite.file(Data(JSONRenderer.text(w).utf8), to: temp.appendingPathComponent("walkthrough.json"))
        }
        try writeIndex(root)
        return folder
    }

    /// Runs the lesson called `name` with its default numbers and writes it under `root`.
    /// Returns the walkthrough and its folder. This is what `cnnviz tour` uses.
    public static func runAndWrite(name: String, language: Language = .en, options: Settings = Settings(),
                                   library: LessonLibrary = .locate(), outputRoot: URL) throws -> (Walkthrough, URL) {
        let lesson = try library.lesson(named: name, language: language)
        let walk = try TutorialRunner.walkthrough(lesson, options: options, language: language)
        return (walk, try write(walk, to: outputRoot))
    }

    /// Regenerates ROOT/index.html from the tutorial folders present (each with a walkthrough.json).
    public static func writeIndex(_ root: URL) throws {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }
            .filter { fm.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("index.html").path) }
        let entries = names.map { name -> TutorialPage.IndexEntry in
            let json = root.appendingPathComponent(name).appendingPathComponent("walkthrough.json")
            guard let data = try? RegularFile.read(json, limit: Limits.maxJSONBytes),
                  let o = (try? JSONDecoder().decode(JSONValue.self, from: data))?.objectValue else {
                return TutorialPage.IndexEntry(name: name, title: name, steps: "", agrees: "")
            }
            return TutorialPage.IndexEntry(name: name, title: o["title"]?.stringValue ?? name,
                                           steps: "\(o["steps"]?.arrayValue?.count ?? 0)",
                                           agrees: o["agrees"]?.boolValue == true ? "✓" : "✗")
        }
        try OutputFolder.create(root)
        try AtomicWrite.file(Data(TutorialPage.index(entries).utf8), to: root.appendingPathComponent("index.html"))
    }
}
