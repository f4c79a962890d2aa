import CNNCore

/// The kinds of exercise `cnnviz exercise TOPIC` writes, one per operation the tutorials teach.
public enum ExerciseTopic: String, CaseIterable, Sendable {
    case convolution
    case pooling
    case outputSize = "output-size"
    case channels
    case relu
    case flattenIndex = "flatten-index"
    case dense
    case backprop

    /// The names the command line takes, in teaching order.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// The sheet's title.
    public func title(_ l: Language) -> String {
        switch self {
        case .convolution: return l.pick("Convolution", "Convolución")
        case .pooling: return l.pick("Pooling", "Pooling (agrupación)")
        case .outputSize: return l.pick("Output size", "Tamaño de la salida")
        case .channels: return l.pick("Convolution over three channels", "Convolución con tres canales")
        case .relu: return "ReLU"
        case .flattenIndex: return l.pick("Flatten: where does a value go?", "Flatten: ¿adónde va cada valor?")
        case .dense: return l.pick("One Dense unit", "Una neurona Dense")
        case .backprop: return l.pick("Backpropagation and one SGD step", "Retropropagación y un paso de SGD")
        }
    }

    /// One line for `--help` and the sheet's introduction.
    public func summary(_ l: Language) -> String {
        switch self {
        case .convolution:
            return l.pick("slide the kernel over the input: window × kernel, summed, plus the bias (valid/same padding, stride 1–2)",
                          "desliza el núcleo sobre la entrada: ventana × núcleo, sumado, más el sesgo (relleno valid/same, paso 1–2)")
        case .pooling:
            return l.pick("keep the largest value (max) or the mean (average) of each window",
                          "quédate con el valor más grande (max) o con la media (average) de cada ventana")
        case .outputSize:
            return l.pick("the shape Keras gives after a Conv2D or MaxPooling2D, with valid or same padding",
                          "la forma que da Keras tras una Conv2D o una MaxPooling2D, con relleno valid o same")
        case .channels:
            return l.pick("an RGB window times a 3×3×3 kernel: one sum over the three channels, plus the bias",
                          "una ventana RGB por un núcleo 3×3×3: una sola suma sobre los tres canales, más el sesgo")
        case .relu:
            return l.pick("ReLU keeps positive values and turns negative ones into 0", "ReLU deja los valores positivos y convierte los negativos en 0")
        case .flattenIndex:
            return l.pick("the position of a value in the flattened vector, in Keras' (H, W, C) order",
                          "la posición de un valor en el vector aplanado, en el orden (H, W, C) de Keras")
        case .dense:
            return l.pick("one Dense unit: the weighted sum of its inputs plus the bias", "una neurona Dense: la suma ponderada de sus entradas más el sesgo")
        case .backprop:
            return l.pick("the output y, dL/dK of a 2×2 kernel under the squared loss, and the kernel after one SGD step",
                          "la salida y, dL/dK de un núcleo 2×2 con la pérdida cuadrática, y el núcleo tras un paso de SGD")
        }
    }

    /// A stream number per topic, so a topic's problems do not shift when another topic changes.
    var stream: UInt64 { UInt64((ExerciseTopic.allCases.firstIndex(of: self) ?? 0) + 1) }
}

/// Small random numbers for exercises, drawn from `SeededRNG` by plain arithmetic.
///
/// Swift's `Int.random(in:using:)` is free to change how it uses the generator between compiler
/// versions; a sheet must stay the same for a seed, so the draws are written out here.
struct Dice {
    var rng: SeededRNG

    /// A whole number from `low` to `high`, both included.
    mutating func int(_ low: Int, _ high: Int) -> Int {
        low + Int(rng.next() % UInt64(high - low + 1))
    }

    /// A whole number from `low` to `high`, as a Float.
    mutating func value(_ low: Int, _ high: Int) -> Float { Float(int(low, high)) }

    /// A multiple of ½ from `low` to `high`.
    mutating func half(_ low: Float, _ high: Float) -> Float { Float(int(Int(low * 2), Int(high * 2))) / 2 }

    /// One of the choices.
    mutating func pick<T>(_ choices: [T]) -> T { choices[int(0, choices.count - 1)] }

    mutating func bool() -> Bool { int(0, 1) == 1 }

    /// A rows×cols matrix of whole numbers from `low` to `high`.
    mutating func matrix(_ rows: Int, _ cols: Int, _ low: Int, _ high: Int) -> Matrix {
        Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in value(low, high) })
    }
}
