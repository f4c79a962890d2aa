import Foundation

/// Runs a lesson: its header's numbers, overridden by options, through its tutorial.
///
///     let library = LessonLibrary.locate()
///     let lesson = try library.lesson(named: "convolution", language: .es)
///     let walk = try TutorialRunner.walkthrough(lesson, options: Settings(), language: .es)
///     let page = TutorialPage.page(walk)   // TutorialFiles.write (Workflows) writes it
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
        // Titles and text follow the sizes actually used (`LessonText`): a 5×5 --input is never
        // called "a 4×4 input".
        let facts = LessonText.facts(used: result.used, output: result.output, extra: result.facts)
        let custom = options.values.contains { key, value in lesson.settings.text(key) != value.text }
        return Walkthrough(name: lesson.name, tutorial: tutorial.name, language: lang, title: LessonText.fill(lesson.title, facts),
                           intro: LessonText.fill(lesson.intro, facts), body: LessonText.fill(lesson.body, facts),
                           lessonSource: lesson.source, settings: result.used, steps: result.steps,
                           output: result.output, results: result.results, checks: result.checks, customNumbers: custom)
    }
}
