import CNNCore
import Foundation
import Lessons

/// Writes an exercise sheet to `ROOT/<topic>-seed-<S>/`: `sheet.html` (the problems, to print and
/// hand out), `answers.html` (the key, worked out), `exercise.json` (the problems with blank
/// answer grids, for `exercise check` or other tools) and `answers-template.txt` (the text form).
///
/// The folder is filled under a temporary name and swapped into place (`AtomicWrite.folder`), and
/// only a folder cnnviz wrote is ever replaced (`OutputFolder`), as for the tutorials.
public enum ExerciseFiles {
    /// The default output root, relative to the current directory.
    public static let defaultRoot = "output/exercises"

    /// The names written, in the order a teacher reads them.
    public static let sheetName = "sheet.html"
    public static let answersName = "answers.html"
    public static let jsonName = "exercise.json"
    public static let templateName = "answers-template.txt"

    /// The folder a sheet goes to under `root`.
    public static func folder(for s: ExerciseSheet, in root: URL) -> URL {
        root.appendingPathComponent("\(s.topic.rawValue)-seed-\(s.seed)")
    }

    /// Writes the four files; returns the folder.
    @discardableResult
    public static func write(_ s: ExerciseSheet, to root: URL) throws -> URL {
        let folder = folder(for: s, in: root)
        try OutputFolder.claim(root)
        try AtomicWrite.folder(at: folder) { temp in
            try AtomicWrite.file(Data(ExerciseSheetPage.sheet(s).utf8), to: temp.appendingPathComponent(sheetName))
            try AtomicWrite.file(Data(ExerciseSheetPage.answers(s).utf8), to: temp.appendingPathComponent(answersName))
            try AtomicWrite.file(Data(s.jsonText(answers: false).utf8), to: temp.appendingPathComponent(jsonName))
            try AtomicWrite.file(Data(ExerciseText.template(s).utf8), to: temp.appendingPathComponent(templateName))
        }
        return folder
    }
}
