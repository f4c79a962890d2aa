import Foundation

/// Finds the lesson files: `Tutorials/<lang>/*.md`, with built-in copies as a fallback.
///
/// Where it looks, in order: the folder named by `CNNVIZ_TUTORIALS`; `Tutorials/` in the current
/// directory; `Tutorials/` beside `Package.swift` in a folder above the executable (so a built
/// binary finds the lessons of its own checkout from anywhere). If none exists, the lessons'
/// numbers compiled into the program are used (`BuiltinLessons`) and `foundHow` says so.
public struct LessonLibrary: Sendable {
    /// The Tutorials folder, or nil when only the built-in copies are available.
    public let folder: URL?
    /// How the folder was found, or why the built-in copies are used (printed as a note).
    public let foundHow: String
    /// Lesson files that could not be read, reported but not fatal for the others.
    public private(set) var problems: [LessonError] = []
    private var lessons: [Language: [Lesson]] = [:]

    /// Looks for the Tutorials folder and reads every lesson in it.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                              executable: URL? = Bundle.main.executableURL) -> LessonLibrary {
        let fm = FileManager.default
        func isDirectory(_ url: URL) -> Bool {
            var d: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &d) && d.boolValue
        }
        var looked: [String] = []
        if let env = environment["CNNVIZ_TUTORIALS"], !env.isEmpty {
            let url = URL(fileURLWithPath: env, relativeTo: currentDirectory).standardizedFileURL
            if isDirectory(url) { return LessonLibrary(folder: url, foundHow: "CNNVIZ_TUTORIALS=\(env)") }
            looked.append("CNNVIZ_TUTORIALS=\(env) (not a folder)")
        }
        let here = currentDirectory.appendingPathComponent("Tutorials")
        if isDirectory(here) { return LessonLibrary(folder: here, foundHow: "./Tutorials") }
        looked.append(here.path)
        if let exe = executable?.resolvingSymlinksInPath() {
            var dir = exe.deletingLastPathComponent()
            while dir.path != "/" && !dir.path.isEmpty {
                let candidate = dir.appendingPathComponent("Tutorials")
                if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path), isDirectory(candidate) {
                    return LessonLibrary(folder: candidate, foundHow: "beside \(dir.appendingPathComponent("Package.swift").path)")
                }
                dir = dir.deletingLastPathComponent()
            }
            looked.append("the folders above \(exe.path)")
        }
        return LessonLibrary(folder: nil, foundHow: "no Tutorials folder found (looked at \(looked.joined(separator: "; "))); using the lessons' numbers built into the program. Run from the CNNViz folder or set CNNVIZ_TUTORIALS=/path/to/Tutorials")
    }

    /// A library of the lessons in `folder` (nil: built-in copies only).
    public init(folder: URL?, foundHow: String) {
        self.folder = folder
        self.foundHow = foundHow
        for language in Language.allCases {
            var found: [Lesson] = []
            if let folder {
                let dir = folder.appendingPathComponent(language.rawValue)
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
                    .filter { $0.hasSuffix(".md") }.sorted()
                for file in files {
                    // A FIFO or device named *.md is refused by LessonFile.read (RegularFile), never
                    // waited on: it becomes one of `problems`, reported as a warning.
                    do {
                        var lesson = try LessonFile.read(dir.appendingPathComponent(file))
                        lesson.language = lesson.language ?? language
                        found.append(lesson)
                    } catch let error as LessonError {
                        problems.append(error)
                    } catch {
                        problems.append(LessonError(source: file, problem: "\(error)", expected: "a lesson file"))
                    }
                }
            }
            // Built-in copies fill in whatever the folder lacks (or everything, without a folder).
            for builtin in BuiltinLessons.lessons(language) where !found.contains(where: { $0.name == builtin.name }) {
                found.append(builtin)
            }
            lessons[language] = found
        }
    }

    /// The lessons in one language, in course order: the built-in tutorial order, then any extra lessons by file name.
    public func lessons(_ language: Language) -> [Lesson] {
        let all = lessons[language] ?? []
        let order = TutorialRegistry.names
        return all.enumerated().sorted { a, b in
            let ia = order.firstIndex(of: a.element.name) ?? order.count
            let ib = order.firstIndex(of: b.element.name) ?? order.count
            return ia != ib ? ia < ib : a.offset < b.offset
        }.map(\.element)
    }

    /// The lesson called `name`, in `language` (falling back to English), or an error listing the names.
    public func lesson(named name: String, language: Language) throws -> Lesson {
        let key = name.lowercased()
        if let l = lessons(language).first(where: { $0.name == key }) { return l }
        if let l = lessons(.en).first(where: { $0.name == key }) { return l }
        let names = lessons(language).map(\.name)
        var problem = "there is no tutorial called '\(name)'"
        if !problems.isEmpty { problem += " (and \(problems.count) lesson file\(problems.count == 1 ? "" : "s") could not be read: \(problems.map(\.source).joined(separator: ", ")))" }
        throw LessonError(source: "tutorial name", problem: problem,
                          expected: "one of " + names.joined(separator: ", ") + " (see `cnnviz tutorial list`), e.g. `cnnviz tutorial convolution`")
    }
}
