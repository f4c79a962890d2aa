import ArgumentParser
import Foundation
import Lessons
import Workflows

extension Language: ExpressibleByArgument {}

/// `cnnviz tutorial NAME`: one operation of the network, step by step, on numbers you can check by hand.
struct TutorialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tutorial",
        abstract: "Step through one operation of the network on small matrices, through the real layers.",
        discussion: """
        Tutorials, in order: \(TutorialRegistry.names.joined(separator: ", ")). `cnnviz tutorial list` describes them.
        Each one prints its steps, checks them against CNNCore's layers, and writes PNG frames and an
        index.html with a step slider to output/tutorials/NAME/. `cnnviz tutorial all` writes all of them. The default numbers live in the lesson
        files in Tutorials/<lang>/; options override them. Matrices: rows split by ';', values by spaces
        or commas, channels by '|'.
        """
    )

    @Argument(help: "The tutorial to run (e.g. convolution), `all` to write every one, or `list`.")
    var name: String?

    @Option(help: "Run this lesson file instead of a built-in name (Markdown with a header block; see Tutorials/).")
    var file: String?

    @Option(parsing: .unconditional, help: "The input matrix, e.g. \"1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1\" (channels separated by '|').")
    var input: String?

    @Option(parsing: .unconditional, help: "The kernel, e.g. \"1 0; 0 -1\" (for flatten-dense: the Dense weights, one per flattened value).")
    var kernel: String?

    @Option(parsing: .unconditional, help: "The bias added to every output cell, e.g. 0.5.")
    var bias: String?

    @Option(help: "How many cells the window moves each time (1 or more).")
    var stride: String?

    @Option(help: "Border handling: valid (no padding) or same (zeros so that out = ⌈n/stride⌉).")
    var padding: String?

    @Option(name: .customLong("pool-size"), help: "Pooling window size, e.g. 2 for 2×2.")
    var poolSize: String?

    @Option(help: "Pooling mode: max or average.")
    var mode: String?

    @Option(help: "edges: a JPEG or PNG to run the kernels on (default: a picture the program draws).")
    var image: String?

    @Option(parsing: .unconditional, help: "pooling: the gradient arriving at the pooled output, one value per output cell, e.g. \"1 2; 3 4\" (default 1, 2, 3, … so each value's route shows).")
    var gradient: String?

    @Option(parsing: .unconditional, help: "backprop: the target output, e.g. \"0 0 0; 0 0 0; 0 0 0\".")
    var target: String?

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "backprop: the SGD learning rate, e.g. 0.01.")
    var learningRate: String?

    @Option(help: "backprop: the loss, squared (L = ½Σ(y − target)²) or sum (L = Σy).")
    var loss: String?

    @Option(help: "edges: the side of the square the picture is resized to (default 64, as the coursework).")
    var size: String?

    @Option(help: "Language of the lesson and the step text: en or es.")
    var lang: Language?

    @Flag(help: "Print the whole worked computation as JSON instead of the steps.")
    var json = false

    @Flag(name: .customLong("no-color"), help: "Plain text, no ANSI colours (also automatic when stdout is not a terminal).")
    var noColor = false

    @Flag(help: "Wait for Enter between steps (only when reading from a terminal).")
    var step = false

    @Option(help: "Where to write the pictures and pages.")
    var output: String = TutorialFiles.defaultRoot

    // Matrices and numbers may start with a minus sign ("-1 2; 3 4"), so those options take the
    // next argument whatever it looks like (`.unconditional`).

    /// The options as lesson settings, each remembering which option it came from.
    var options: Settings {
        var s = Settings()
        let pairs: [(String, String?)] = [("input", input), ("kernel", kernel), ("bias", bias), ("stride", stride),
                                          ("padding", padding), ("pool-size", poolSize), ("mode", mode), ("image", image),
                                          ("target", target), ("learning-rate", learningRate), ("loss", loss), ("size", size),
                                          ("gradient", gradient)]
        for (key, value) in pairs { if let value { s.set(key, value, source: "--\(key)") } }
        return s
    }

    func validate() throws {
        if name != nil, file != nil {
            throw ValidationError("give either a tutorial name or --file, not both. Expected form: `cnnviz tutorial convolution` or `cnnviz tutorial --file my-lesson.md`")
        }
        do {
            // Check the form of every given option now, so a typo is reported before anything runs.
            if let input { _ = try MatrixParser.channels(input, source: "--input", example: "1 2; 3 4") }
            if let kernel {
                // One row without ';' or '|' may be flatten-dense's weight list, longer than a matrix row.
                if kernel.contains(";") || kernel.contains("|") {
                    _ = try MatrixParser.channels(kernel, source: "--kernel", example: "1 0; 0 -1")
                } else {
                    _ = try MatrixParser.vector(kernel, source: "--kernel", example: "1 0 -1")
                }
            }
            if let target { _ = try MatrixParser.matrix(target, source: "--target", example: "0 0; 0 0") }
            if let gradient { _ = try MatrixParser.matrix(gradient, source: "--gradient", example: "1 2; 3 4") }
            if let bias { _ = try MatrixParser.number(bias, source: "--bias", example: "0.5") }
            if let learningRate { _ = try MatrixParser.number(learningRate, source: "--learning-rate", example: "0.01") }
            if let stride {
                _ = try MatrixParser.integer(stride, source: "--stride", minimum: 1, maximum: TutorialLimits.maxStride,
                                             limitName: "TutorialLimits.maxStride", example: "2")
            }
            if let poolSize {
                _ = try MatrixParser.integer(poolSize, source: "--pool-size", minimum: 1, maximum: TutorialLimits.maxPoolSize,
                                             limitName: "TutorialLimits.maxPoolSize", example: "2")
            }
            _ = try options.choice("padding", default: "valid", among: ["valid", "same"])
            _ = try options.choice("mode", default: "max", among: ["max", "average"])
            _ = try options.choice("loss", default: "squared", among: ["squared", "sum"])
            if let size {
                _ = try MatrixParser.integer(size, source: "--size", minimum: 3, maximum: TutorialLimits.maxPictureSide,
                                             limitName: "TutorialLimits.maxPictureSide", example: "64")
            }
        } catch let error as LessonError {
            throw ValidationError(error.description)
        }
        if name == "all", !options.values.isEmpty || json || step {
            throw ValidationError("`cnnviz tutorial all` writes every lesson with its own numbers, so it takes only --lang and --output. Expected form: `cnnviz tutorial all --lang es`, or one tutorial with options: `cnnviz tutorial convolution --input \"1 2; 3 4\" --kernel \"1 0; 0 -1\"`")
        }
    }

    func run() throws {
        try CLIError.guarding {
            let library = LessonLibrary.locate()
            for problem in library.problems { warn("warning: skipped a lesson file: \(problem)") }
            if file == nil, name == nil || name == "list" {
                print(list(library))
                return
            }
            if file == nil, name == "all" {
                let written = try TutorialFiles.writeAll(language: lang ?? .en, library: library, outputRoot: URL(fileURLWithPath: output))
                for (walk, folder) in written {
                    print("\(walk.agrees ? "✓" : "✗") \(walk.title)  →  \(folder.appendingPathComponent("index.html").path)")
                }
                print((lang ?? .en).pick("Index: ", "Índice: ") + URL(fileURLWithPath: output).appendingPathComponent("index.html").path)
                if !written.allSatisfy({ $0.0.agrees }) { throw ExitCode.failure }
                return
            }
            let lesson: Lesson
            if let file {
                lesson = try LessonFile.read(URL(fileURLWithPath: file))
            } else {
                lesson = try library.lesson(named: name ?? "", language: lang ?? .en)
                if lesson.source == "built-in" { warn("note: \(library.foundHow)") }
            }
            let walk = try TutorialRunner.walkthrough(lesson, options: options, language: lang ?? lesson.language ?? .en)
            let folder = try TutorialFiles.write(walk, to: URL(fileURLWithPath: output))
            if json {
                print(JSONRenderer.text(walk))
                warn("wrote \(folder.appendingPathComponent("index.html").path)")
            } else {
                show(walk, folder: folder)
            }
            if !walk.agrees { throw ExitCode.failure }
        }
    }

    /// Prints the steps, pausing between them with --step when a person is at the keyboard.
    func show(_ walk: Walkthrough, folder: URL) {
        let env = ProcessInfo.processInfo.environment
        let color = !noColor && isatty(STDOUT_FILENO) != 0 && env["NO_COLOR"] == nil && env["TERM"] != "dumb"
        let renderer = TerminalRenderer(color: color)
        print(renderer.header(walk))
        var pausing = step && isatty(STDIN_FILENO) != 0
        for (i, s) in walk.steps.enumerated() {
            print(renderer.step(s, index: i, count: walk.steps.count, language: walk.language))
            if pausing, i < walk.steps.count - 1 {
                print(walk.language.pick("  [Enter: next step]", "  [Intro: siguiente paso]"), terminator: "")
                fflush(stdout)
                if readLine() == nil { pausing = false }  // end of input: run on without waiting
            }
        }
        print(renderer.footer(walk, folder: folder))
    }

    func list(_ library: LessonLibrary) -> String {
        let language = lang ?? .en
        let lessons = library.lessons(language)
        let width = (lessons.map(\.name.count).max() ?? 10) + 2
        var lines = [language.pick("Tutorials (run one with `cnnviz tutorial NAME`):", "Tutoriales (ejecuta uno con `cnnviz tutorial NOMBRE`):")]
        for lesson in lessons {
            let summary = TutorialRegistry.named(lesson.tutorial)?.summary(language) ?? lesson.title
            lines.append("  " + lesson.name.padding(toLength: width, withPad: " ", startingAt: 0) + summary)
            lines.append("  " + String(repeating: " ", count: width) + "(" + lesson.source + ")")
        }
        lines.append(library.folder == nil ? "note: \(library.foundHow)" : language.pick("Lessons from ", "Lecciones de ") + (library.folder?.path ?? ""))
        return lines.joined(separator: "\n")
    }

    func warn(_ text: String) { StandardStreams.error(text) }
}
