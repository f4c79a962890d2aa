import CNNCore
import Visualize

/// The optimizer `cnnviz train` uses, with Keras' defaults: `--optimizer adam` (the coursework's,
/// learning rate 0.001) or `--optimizer sgd` (learning rate 0.01, momentum 0, no Nesterov), as
/// `keras.optimizers.Adam()` and `keras.optimizers.SGD()` are built with no arguments.
public struct OptimizerChoice: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case adam, sgd
    }

    public var kind: Kind = .adam
    /// Nil: Keras' default for the kind.
    public var learningRate: Double?
    public var momentum: Double = 0
    public var nesterov = false

    public init(kind: Kind = .adam, learningRate: Double? = nil, momentum: Double = 0, nesterov: Bool = false) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    /// Keras' default learning rate of each optimizer.
    public var effectiveLearningRate: Double { learningRate ?? (kind == .adam ? 0.001 : 0.01) }

    /// The settings a person can get wrong, each named with what to do.
    public func check() throws {
        let lr = effectiveLearningRate
        guard lr.isFinite, lr > 0, lr <= 10 else {
            throw CNNError.invalidInput("--learning-rate must be a number above 0 and at most 10, got \(lr)",
                                        hint: "Keras' defaults are 0.001 for Adam and 0.01 for SGD")
        }
        guard momentum.isFinite, momentum >= 0, momentum < 1 else {
            throw CNNError.invalidInput("--momentum must be at least 0 and below 1, got \(momentum)", hint: "0.9 is the usual choice")
        }
        if kind == .adam, momentum != 0 || nesterov {
            throw CNNError.invalidInput("--momentum and --nesterov are settings of SGD; Adam keeps its own moments",
                                        hint: "add --optimizer sgd, or leave them out")
        }
        if nesterov, momentum == 0 {
            throw CNNError.invalidInput("--nesterov needs a --momentum above 0", hint: "add --momentum 0.9, for example")
        }
    }

    /// A fresh optimizer with these settings.
    public func make() -> Optimizer {
        switch kind {
        case .adam: return Adam(learningRate: Float(effectiveLearningRate))
        case .sgd: return SGD(learningRate: Float(effectiveLearningRate), momentum: Float(momentum), nesterov: nesterov)
        }
    }

    /// "Adam (learning rate 0.001)", "SGD (learning rate 0.01, momentum 0.9, Nesterov)".
    public var description: String { description(.en) }

    /// The same in `language` ("SGD (tasa de aprendizaje 0.01, momento 0.9, Nesterov)").
    public func description(_ l: Language) -> String {
        let lr = l.pick("learning rate ", "tasa de aprendizaje ") + NumberText.plain(effectiveLearningRate)
        switch kind {
        case .adam: return "Adam (\(lr))"
        case .sgd:
            return "SGD (\(lr)" + (momentum == 0 ? "" : l.pick(", momentum ", ", momento ") + NumberText.plain(momentum)) + (nesterov ? ", Nesterov" : "") + ")"
        }
    }

    /// What a resumed run must share with the run it continues.
    var fingerprint: JSONValue {
        .object(["name": .string(kind.rawValue), "learning_rate": .number(effectiveLearningRate),
                 "momentum": .number(momentum), "nesterov": .bool(nesterov)])
    }
}
