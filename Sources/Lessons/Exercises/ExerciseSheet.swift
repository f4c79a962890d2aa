import CNNCore

/// The bounds of `cnnviz exercise`, each with its reason.
public enum ExerciseLimits {
    /// Problems on one sheet: 1 to 20. Twenty convolutions already fill several A4 pages, and a
    /// class hands out sheets, not books.
    public static let maxCount = 20
    /// Problems when `--count` is not given: about one A4 page of problems.
    public static let defaultCount = 4
    /// A cell of a student's answer is right when it is within this of the key: the keys are
    /// whole numbers or halves (or, after an SGD step, multiples of ¼ at most), and Float32 holds
    /// those exactly, so this only forgives a student's rounding of nothing at all.
    public static let tolerance: Float = 1e-3
    /// The largest seed: 4294967295 (2³² − 1). `exercise.json` stores the seed as a JSON number,
    /// which readers take as a double; every seed up to here comes back exactly.
    public static let maxSeed: UInt64 = 4_294_967_295
}

/// A whole sheet: `count` problems of one topic, drawn from `seed`.
///
/// Problem k is drawn from its own generator, `SeededRNG(seed).fork(topic).fork(k)`, so problem 3
/// of seed 7 is the same whether the sheet has 3 problems or 20, and `exercise check` recomputes
/// the key from the topic, the seed and the problem's number alone.
public struct ExerciseSheet: Sendable {
    public let topic: ExerciseTopic
    public let seed: UInt64
    public let language: Language
    public let problems: [ExerciseProblem]

    public var count: Int { problems.count }

    /// Draws the problems and computes their keys through CNNCore's layers.
    public init(topic: ExerciseTopic, seed: UInt64, count: Int = ExerciseLimits.defaultCount, language: Language = .en) throws {
        guard (1...ExerciseLimits.maxCount).contains(count) else {
            throw LessonError(source: "--count", problem: "must be from 1 to \(ExerciseLimits.maxCount), got \(count)",
                              expected: "--count 4")
        }
        self.topic = topic
        self.seed = seed
        self.language = language
        problems = try (1...count).map { number in
            var dice = Dice(rng: SeededRNG(seed: seed).fork(topic.stream).fork(UInt64(number)))
            return try Self.make(topic, number: number, dice: &dice, language: language)
        }
    }

    static func make(_ topic: ExerciseTopic, number: Int, dice: inout Dice, language l: Language) throws -> ExerciseProblem {
        switch topic {
        case .convolution: return try ConvolutionExercise.make(number: number, dice: &dice, language: l)
        case .pooling: return try PoolingExercise.make(number: number, dice: &dice, language: l)
        case .outputSize: return try OutputSizeExercise.make(number: number, dice: &dice, language: l)
        case .channels: return try ChannelsExercise.make(number: number, dice: &dice, language: l)
        case .relu: return try ReLUExercise.make(number: number, dice: &dice, language: l)
        case .flattenIndex: return try FlattenIndexExercise.make(number: number, dice: &dice, language: l)
        case .dense: return try DenseExercise.make(number: number, dice: &dice, language: l)
        case .backprop: return try BackpropExercise.make(number: number, dice: &dice, language: l)
        }
    }

    /// The first line of the text form and of the page: what recomputes this sheet.
    public var header: String {
        "# cnnviz exercise \(topic.rawValue) seed \(seed) count \(count)" + (language == .en ? "" : " lang \(language.rawValue)")
    }

    /// The command that writes this sheet again.
    public var command: String {
        "cnnviz exercise \(topic.rawValue) --seed \(seed) --count \(count)" + (language == .en ? "" : " --lang \(language.rawValue)")
    }

    /// The sheet as JSON (`exercise.json`, `--json`): the problems, and with `answers` their keys.
    public func json(answers: Bool) -> JSONValue {
        var o: [String: JSONValue] = [
            "cnnviz_exercise": .int(1), "topic": .string(topic.rawValue), "seed": .number(Double(seed)), "count": .int(count),
            "language": .string(language.rawValue), "title": .string(topic.title(language)),
            "problems": .array(problems.map { $0.json(answers: answers) }),
        ]
        if topic == .backprop {
            o["loss"] = .string(BackpropExercise.lossFormula)
        }
        if !answers {
            o["how_to_answer"] = .string(language.pick(
                "Replace each null in the answer grids (\(answerNames)) with your number, then run: cnnviz exercise check THIS-FILE",
                "Sustituye cada null de las cuadrículas de respuesta (\(answerNames)) por tu número y ejecuta: cnnviz exercise check ESTE-ARCHIVO"))
        }
        return .object(o)
    }

    /// The JSON text, matrices one row per line.
    public func jsonText(answers: Bool) -> String { JSONRenderer.write(json(answers: answers), indent: "") + "\n" }

    /// The answer fields of this topic: "output", or "y, output, updated_kernel".
    var answerNames: String { (problems.first?.answers.map(\.name) ?? ["output"]).joined(separator: ", ") }
}
