import CNNCore
import Foundation

/// A lesson: a Markdown file whose header block holds the tutorial's numbers.
///
///     ---
///     tutorial: convolution
///     input: 1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1
///     kernel: 2 0; 1 -1
///     bias: 0
///     ---
///     # Convolution: a 4×4 input becomes 3×3
///     The first paragraph is printed before the steps…
///
/// The header is the "front matter" GitHub shows as a table above the text, so the file reads well
/// on its own. `tutorial` names the computation (see `TutorialRegistry`); an optional `name` lets
/// a teacher add a second lesson for the same computation with other numbers. Every other key is a
/// setting of that tutorial; a command-line option with the same name overrides it.
public struct Lesson: Sendable {
    /// What `cnnviz tutorial NAME` calls it; defaults to `tutorial`.
    public var name: String
    /// Which computation runs (a `TutorialRegistry` name).
    public var tutorial: String
    /// The language the text is in, from the `lang` key or the folder it was found in.
    public var language: Language?
    /// The first `# ` heading.
    public var title: String
    /// The paragraphs between the title and the next heading: printed before the steps.
    public var intro: String
    /// The whole Markdown text after the header.
    public var body: String
    /// The header's settings (every key except tutorial, name, lang).
    public var settings: Settings
    /// The file's path, or "built-in" for the copies compiled into the program.
    public var source: String
}

public enum LessonFile {
    /// Keys that describe the lesson itself rather than its numbers.
    public static let lessonKeys: Set<String> = ["tutorial", "name", "lang"]

    /// The largest lesson file read: 4 MB. A lesson is a page of Markdown (the longest shipped is
    /// a few KB); the bound only keeps a device or a huge file from being read whole. It is loose
    /// enough that an oversized matrix in a header (1000×1000 is 2 MB) is reported by
    /// `MatrixParser` with the matrix limit, the more useful message.
    public static let maxFileBytes = 4 << 20

    /// Reads and parses a lesson file.
    ///
    /// Through CNNCore's `RegularFile.read`, so a FIFO or device given as a lesson is refused
    /// instead of blocking open(2) forever.
    public static func read(_ url: URL) throws -> Lesson {
        let expected = "a readable UTF-8 Markdown file, e.g. --file Tutorials/en/01-convolution.md"
        let data: Data
        do {
            data = try RegularFile.read(url, limit: maxFileBytes)
        } catch let problem as RegularFile.Problem {
            throw LessonError(source: url.path, problem: "cannot read the lesson file: \(problem.reason)", expected: expected)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LessonError(source: url.path, problem: "the lesson file is not UTF-8 text", expected: expected)
        }
        var lesson = try parse(text, source: displayPath(url))
        // A lesson without a 'lang' key takes its folder's language: Tutorials/es/… is Spanish.
        lesson.language = lesson.language ?? Language(rawValue: url.deletingLastPathComponent().lastPathComponent)
        return lesson
    }

    /// The path relative to the current directory when the file is below it ("Tutorials/en/01-convolution.md").
    static func displayPath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
    }

    /// Parses lesson text; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws -> Lesson {
        let form = "a header block at the top of the file: a line '---', lines 'key: value' (e.g. 'tutorial: convolution'), and a closing '---'"
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
              lines[start].trimmingCharacters(in: .whitespaces) == "---" else {
            throw LessonError(source: source, problem: "the lesson has no header block (its first line must be '---')", expected: form)
        }
        guard let end = lines[(start + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw LessonError(source: source, problem: "the header block opened on line \(start + 1) is never closed with '---'", expected: form)
        }
        var header: [String: String] = [:]
        var order: [String] = []
        for index in (start + 1)..<end {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw LessonError(source: "\(source), line \(index + 1)", problem: "'\(line)' is not a 'key: value' line", expected: form)
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw LessonError(source: "\(source), line \(index + 1)", problem: "'\(key)' is not a valid key", expected: form)
            }
            guard header[key] == nil else {
                throw LessonError(source: "\(source), line \(index + 1)", problem: "the key '\(key)' appears twice", expected: form)
            }
            header[key] = value
            order.append(key)
        }
        guard let tutorial = header["tutorial"], !tutorial.isEmpty else {
            throw LessonError(source: source, problem: "the header has no 'tutorial' key, so it is not clear which computation to run",
                              expected: "a header line such as 'tutorial: convolution' (see `cnnviz tutorial list`)")
        }
        var language: Language?
        if let lang = header["lang"] {
            guard let l = Language(rawValue: lang.lowercased()) else {
                throw LessonError(source: "\(source), header key 'lang'", problem: "'\(lang)' is not a known language", expected: "lang: en  or  lang: es")
            }
            language = l
        }
        var settings = Settings()
        for key in order where !lessonKeys.contains(key) {
            settings.set(key, header[key] ?? "", source: "\(source), header key '\(key)'")
        }
        let bodyLines = Array(lines[(end + 1)...])
        let (title, intro) = titleAndIntro(bodyLines)
        return Lesson(name: header["name"].map { $0.lowercased() } ?? tutorial.lowercased(),
                      tutorial: tutorial.lowercased(), language: language,
                      title: title ?? tutorial, intro: intro,
                      body: bodyLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
                      settings: settings, source: source)
    }

    /// The first `# ` heading and the paragraphs after it up to the next heading or code block.
    static func titleAndIntro(_ lines: [String]) -> (String?, String) {
        var title: String?
        var intro: [String] = []
        for line in lines {
            let t = line.trimmingCharacters(in: .whitespaces)
            if title == nil {
                if t.hasPrefix("# ") { title = String(t.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
                continue
            }
            if t.hasPrefix("#") || t.hasPrefix("```") { break }
            intro.append(t)
        }
        // Paragraphs become single lines separated by a blank line.
        let paragraphs = intro.split(separator: "", omittingEmptySubsequences: true).map { $0.joined(separator: " ") }
        return (title, paragraphs.joined(separator: "\n\n"))
    }
}
