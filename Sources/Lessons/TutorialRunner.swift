import Foundation

/// Runs a lesson: its header's numbers, overridden by options, through its tutorial.
///
///     let library = LessonLibrary.locate()
///     let lesson = try library.lesson(named: "convolution", language: .es)
///     let walk = try TutorialRunner.walkthrough(lesson, options: Settings(), language: .es)
///     let folder = try TutorialOutput.write(walk, to: URL(fileURLWithPath: "output/tutorials"))
public enum TutorialRunner {
    /// Computes every step of `lesson`. Options (e.g. from the command line) win over the lesson header.
    public static func walkthrough(_ lesson: Lesson, options: Settings = Settings(), language: Language? = nil) throws -> Walkthrough {
        guard let tutorial = TutorialRegistry.named(lesson.tutorial) else {
            throw LessonError(source: lesson.source == "built-in" ? "tutorial name" : "\(lesson.source), header key 'tutorial'",
                              problem: "'\(lesson.tutorial)' is not a tutorial this program knows",
                              expected: "tutorial: one of " + TutorialRegistry.names.joined(separator: ", "))
        }
        let settings = lesson.settings.merging(options)
        try TutorialRegistry.checkKeys(settings, for: tutorial)
        let lang = language ?? lesson.language ?? .en
        let result = try tutorial.run(settings, language: lang)
        // `TutorialLimits.maxMagnitude` keeps every value finite; should a tutorial still overflow,
        // the user hears which result and what to do, not "mismatch, please report this".
        if let overflow = result.checks.first(where: { !$0.isFinite }) {
            throw LessonError(source: "the lesson's numbers (\(lesson.source))",
                              problem: "the \(overflow.what) became infinity or NaN: the values are too large for 32-bit floats",
                              expected: "smaller numbers in the matrices, bias and learning rate, e.g. between -1000 and 1000")
        }
        return Walkthrough(name: lesson.name, tutorial: tutorial.name, language: lang, title: lesson.title, intro: lesson.intro,
                           body: lesson.body, lessonSource: lesson.source, settings: result.used, steps: result.steps,
                           output: result.output, results: result.results, checks: result.checks)
    }

    /// Runs the lesson called `name` with its default numbers and writes `root/NAME/` (PNG frames,
    /// index.html, walkthrough.json) and `root/index.html`. Returns the walkthrough and its folder.
    /// This is what `cnnviz tour` uses for the convolution and pooling tutorials.
    public static func runAndWrite(name: String, language: Language = .en, options: Settings = Settings(),
                                   library: LessonLibrary = .locate(), outputRoot: URL) throws -> (Walkthrough, URL) {
        let lesson = try library.lesson(named: name, language: language)
        let walk = try walkthrough(lesson, options: options, language: language)
        return (walk, try TutorialOutput.write(walk, to: outputRoot))
    }
}
