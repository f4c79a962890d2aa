import CNNCore
import Foundation

/// What a tutorial hands back: its steps, its result, and the checks against the engine.
public struct TutorialResult: Sendable {
    public var steps: [Step]
    public var output: Matrix
    public var results: [(name: String, matrix: Matrix)]
    public var checks: [Check]
    /// The settings the tutorial actually used, in a readable order.
    public var used: [(key: String, value: String)]
    /// Sizes computed from the numbers used, for the lesson's placeholders: "input" → "5×5"
    /// fills `{input}` in the title and text (see `Placeholders`).
    public var facts: [String: String]

    public init(steps: [Step], output: Matrix, results: [(name: String, matrix: Matrix)] = [],
                checks: [Check], used: [(key: String, value: String)], facts: [String: String] = [:]) {
        self.steps = steps
        self.output = output
        self.results = results
        self.checks = checks
        self.used = used
        self.facts = facts
    }
}

/// One computation of the network, told one step at a time.
///
/// A tutorial reads its numbers from `Settings` (built-in defaults, then the lesson header, then
/// command-line options), runs them through CNNCore's real layer, writes the same arithmetic out
/// by hand, and returns both so the renderers can show the steps and a check that they agree.
public protocol Tutorial: Sendable {
    /// The name used on the command line and in lesson headers, e.g. "convolution".
    var name: String { get }
    /// One line for `cnnviz tutorial list`.
    func summary(_ language: Language) -> String
    /// The settings keys it reads, each with an example value (used to check lesson headers and in messages).
    var keys: [(key: String, example: String)] { get }
    func run(_ settings: Settings, language: Language) throws -> TutorialResult
}

/// Every tutorial, in the order a newcomer should take them.
public enum TutorialRegistry {
    public static let all: [any Tutorial] = [
        ConvolutionTutorial(), PoolingTutorial(), PaddingStrideTutorial(), ChannelsTutorial(),
        ReLUTutorial(), FlattenDenseTutorial(), EdgesTutorial(), BackpropTutorial(),
    ]

    public static func named(_ name: String) -> (any Tutorial)? {
        all.first { $0.name == name.lowercased() }
    }

    public static var names: [String] { all.map(\.name) }

    /// Throws unless every settings key is one the tutorial reads: a typo in a lesson header
    /// ("kernal") should be an error, not a silently ignored line.
    static func checkKeys(_ settings: Settings, for tutorial: any Tutorial) throws {
        let known = Set(tutorial.keys.map(\.key))
        for (key, value) in settings.values.sorted(by: { $0.key < $1.key }) where !known.contains(key) {
            throw LessonError(source: value.source,
                              problem: "'\(key)' is not a setting of the '\(tutorial.name)' tutorial",
                              expected: "one of: " + tutorial.keys.map { "\($0.key): \($0.example)" }.joined(separator: ", "))
        }
    }
}
