import Foundation

/// Element-wise activation functions, as Keras names them.
///
/// Used as a layer option (`Conv2D(activation: .relu)`) and as a layer of its own (`ActivationLayer`).
/// Backward is written from the output y, which is all each of these needs.
public enum Activation: String, Codable, CaseIterable, Sendable {
    case linear, relu, sigmoid, tanh, softmax

    /// y = f(z). Softmax runs over the last axis (the classes).
    public func apply(_ z: Tensor) -> Tensor {
        var y = z
        switch self {
        case .linear: break
        case .relu: for i in y.data.indices where y.data[i] < 0 { y.data[i] = 0 }
        case .sigmoid: for i in y.data.indices { y.data[i] = Activation.sigmoid(y.data[i]) }
        case .tanh: for i in y.data.indices { y.data[i] = Foundation.tanh(y.data[i]) }
        case .softmax:
            let width = z.shape.last ?? 1
            y.data.withUnsafeMutableBufferPointer { buffer in
                var start = 0
                while start < buffer.count {
                    let row = UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + width)])
                    let top = row.max() ?? 0  // subtract the maximum so exp never overflows
                    var sum: Float = 0
                    for i in row.indices { row[i] = exp(row[i] - top); sum += row[i] }
                    for i in row.indices { row[i] /= sum }
                    start += width
                }
            }
        }
        return y
    }

    /// dL/dz from dL/dy and the output y = f(z).
    public func backward(output y: Tensor, outputGradient dy: Tensor) -> Tensor {
        var dz = dy
        switch self {
        case .linear: break
        case .relu: for i in dz.data.indices where y.data[i] <= 0 { dz.data[i] = 0 }
        case .sigmoid: for i in dz.data.indices { dz.data[i] *= y.data[i] * (1 - y.data[i]) }
        case .tanh: for i in dz.data.indices { dz.data[i] *= 1 - y.data[i] * y.data[i] }
        case .softmax:
            // dz_i = y_i (dy_i − Σ_j dy_j y_j), per row.
            let width = y.shape.last ?? 1
            var start = 0
            while start < y.count {
                var dot: Float = 0
                for j in start..<(start + width) { dot += dy.data[j] * y.data[j] }
                for j in start..<(start + width) { dz.data[j] = y.data[j] * (dy.data[j] - dot) }
                start += width
            }
        }
        return dz
    }

    /// The logistic function, computed without overflow for large |z|.
    public static func sigmoid(_ z: Float) -> Float {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }
}

/// An activation as a layer of its own, like `keras.layers.Activation("relu")` or `ReLU()`.
public final class ActivationLayer: Layer {
    public var name: String
    public let activation: Activation
    public var kind: LayerKind { .activation }
    public var parameters: [Parameter] { [] }
    public var needsInputGradient = true
    private var lastOutput: Tensor?
    private var inputShape: [Int] = []

    public init(_ activation: Activation, name: String = "") {
        self.activation = activation
        self.name = name
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    public func build(inputShape: [Int], rng: inout SeededRNG) throws { self.inputShape = inputShape }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try check(input, against: inputShape)
        let y = activation.apply(input)
        lastOutput = y
        return y
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let y = lastOutput else { throw CNNError.invalidInput("backward before forward in '\(name)'", hint: "run forward first") }
        return activation.backward(output: y, outputGradient: outputGradient)
    }

    public var config: [String: JSONValue] { ["name": .string(name), "activation": .string(activation.rawValue)] }
}
