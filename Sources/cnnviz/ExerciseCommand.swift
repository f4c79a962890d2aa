import ArgumentParser
import Foundation
import Lessons
import Workflows

/// `cnnviz exercise`: sheets for teachers (`cnnviz exercise TOPIC`, the default subcommand `sheet`)
/// and marking (`cnnviz exercise check FILE`). A group, so that `check` is never read as a topic.
struct ExerciseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercise",
        abstract: "Exercise sheets with worked answer keys (`cnnviz exercise TOPIC`), and marking (`cnnviz exercise check FILE`).",
        discussion: "Topics: \(ExerciseTopic.names.joined(separator: ", ")). `cnnviz exercise TOPIC` is short for `cnnviz exercise sheet TOPIC`; its options: `cnnviz exercise sheet --help`.",
        subcommands: [ExerciseSheetCommand.self, ExerciseCheckCommand.self],
        defaultSubcommand: ExerciseSheetCommand.self
    )
}

/// `cnnviz exercise [sheet] TOPIC`: a printable sheet of problems with a worked answer key.
struct ExerciseSheetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet",
        abstract: "Write a printable exercise sheet and its worked answer key (keys computed by the real layers).",
        discussion: """
        Topics: \(ExerciseTopic.names.joined(separator: ", ")).
        Writes sheet.html (the problems, blank grids), answers.html (the key, every step worked out),
        exercise.json (the problems, answer grids of null) and answers-template.txt (the same grids as
        text) to OUTPUT/TOPIC-seed-SEED/. The same seed always gives the same sheet. Students check
        their answers with `cnnviz exercise check FILE`.
        """
    )

    @Argument(help: "The topic: \(ExerciseTopic.names.joined(separator: ", ")).")
    var topic: String?

    @Option(help: "The sheet's seed, a whole number from 0 to \(ExerciseLimits.maxSeed): the same seed gives the same problems.")
    var seed: String = "1"

    @Option(help: "How many problems, from 1 to \(ExerciseLimits.maxCount).")
    var count: String = "\(ExerciseLimits.defaultCount)"

    @Flag(help: "Also print the answers (worked out) with the problems, or put them in --json.")
    var answers = false

    @Flag(help: "Print the problems as JSON (fields input, kernel, bias, stride, padding, pool_size, mode, output).")
    var json = false

    @Option(help: "Language of the sheet and the key: en or es.")
    var lang: Language?

    @Option(help: "The folder that receives TOPIC-seed-SEED/ (created if new; only folders cnnviz made are replaced).")
    var output: String = ExerciseFiles.defaultRoot

    func validate() throws {
        guard let topic else {
            throw ValidationError("give a topic: \(ExerciseTopic.names.joined(separator: ", ")). Expected form: `cnnviz exercise convolution --seed 7`")
        }
        guard ExerciseTopic(rawValue: topic) != nil else {
            throw ValidationError("'\(topic)' is not an exercise topic; the topics are \(ExerciseTopic.names.joined(separator: ", ")). Expected form: `cnnviz exercise convolution --seed 7`")
        }
        _ = try Self.seed(seed)
        _ = try Self.count(count)
    }

    static func seed(_ text: String) throws -> UInt64 {
        guard let v = UInt64(text.trimmingCharacters(in: .whitespaces)), v <= ExerciseLimits.maxSeed else {
            throw ValidationError("--seed: '\(text.prefix(40))' is not a whole number from 0 to \(ExerciseLimits.maxSeed). Expected form: --seed 7")
        }
        return v
    }

    static func count(_ text: String) throws -> Int {
        guard let v = Int(text.trimmingCharacters(in: .whitespaces)), (1...ExerciseLimits.maxCount).contains(v) else {
            throw ValidationError("--count: '\(text.prefix(40))' is not a whole number from 1 to \(ExerciseLimits.maxCount). Expected form: --count 4")
        }
        return v
    }

    func run() throws {
        try CLIError.guarding {
            guard let topic = ExerciseTopic(rawValue: topic ?? "") else { throw ValidationError("give a topic") }
            let language = lang ?? .en
            let sheet = try ExerciseSheet(topic: topic, seed: try Self.seed(seed), count: try Self.count(count), language: language)
            let folder = try ExerciseFiles.write(sheet, to: URL(fileURLWithPath: output))
            let files = [ExerciseFiles.sheetName, ExerciseFiles.answersName, ExerciseFiles.jsonName, ExerciseFiles.templateName]
                .map { folder.appendingPathComponent($0).path }
            if json {
                print(sheet.jsonText(answers: answers), terminator: "")
                StandardStreams.error("wrote \(files.joined(separator: ", "))")
                return
            }
            print(ExerciseText.terminal(sheet, answers: answers))
            print("")
            print(language.pick("Sheet:      ", "Hoja:       ") + files[0])
            print(language.pick("Answer key: ", "Soluciones: ") + files[1])
            print(language.pick("For `exercise check`: ", "Para `exercise check`: ") + files[2] + ", " + files[3])
        }
    }
}

/// `cnnviz exercise check FILE`: marks a student's answers against the key, recomputed from the
/// sheet's topic and seed. Exit status 0 when every cell is right, 1 when some are wrong, 2 when
/// the file cannot be read as answers (as `cmp` and `diff` do).
struct ExerciseCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Mark answers (exercise.json or answers-template.txt filled in) and show the right computation for each wrong cell.",
        discussion: "Exit status: 0 all right, 1 some cells wrong or blank, 2 the file is not an answer file."
    )

    @Argument(help: "The filled-in exercise.json or answers-template.txt.")
    var file: String

    @Flag(help: "Print the marks as JSON (each wrong cell with its problem, row, column, given and correct value, and the work).")
    var json = false

    @Option(help: "Language of the marks and the worked steps: en or es (default: the language of exercise.json, else en).")
    var lang: Language?

    func validate() throws {
        if file.isEmpty { throw ValidationError("give the answer file. Expected form: `cnnviz exercise check output/exercises/convolution-seed-1/answers-template.txt`") }
    }

    func run() throws {
        var language = lang ?? .en
        let grade: ExerciseGrade
        do {
            let answers = try StudentAnswers.read(URL(fileURLWithPath: file))
            language = lang ?? answers.language ?? .en
            grade = try ExerciseGrade(answers, source: file, language: language)
        } catch {
            StandardStreams.error("error: \(error)")
            throw ExitCode(2)
        }
        print(json ? grade.jsonText() : grade.text(language), terminator: json ? "" : "\n")
        if !grade.allRight { throw ExitCode.failure }
    }
}
