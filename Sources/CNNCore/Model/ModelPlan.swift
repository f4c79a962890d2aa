/// The shapes and sizes of a model, worked out before any weight is allocated.
///
/// `Sequential.init` makes its plan first: every size a model file can set (input shape,
/// kernel, stride, pooling window, filters, units, number of layers) is checked against
/// `Limits` with overflow-safe arithmetic, so an absurd model is refused with a message naming
/// the layer and the limit instead of trapping on an overflow or aborting in an allocation.
public struct ModelPlan: Equatable, Sendable {
    /// Per-sample input shape, e.g. [64, 64, 3].
    public let inputShape: [Int]
    /// Per-sample output shape of each layer.
    public let outputShapes: [[Int]]
    /// Number of weights of each layer (kernel and bias; for BatchNormalization also its
    /// non-trainable moving statistics, as Keras' "Param #").
    public let parameterCounts: [Int]
    /// Number of weights of the whole model, trainable or not.
    public let parameters: Int
    /// Values one sample's activations take: the input and every layer's output.
    public let activationsPerSample: Int

    /// Plans `layers` on `inputShape`, checking every size against `Limits`. Layers must be named.
    public init(inputShape: [Int], layers: [Layer]) throws {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw CNNError.invalidInput("the input shape \(CNNError.format(inputShape)) is not valid",
                                        hint: "give positive sizes, e.g. [64, 64, 3] for 64×64 RGB images")
        }
        if inputShape.count == 3 {
            guard inputShape[0] <= Limits.maxImageSide, inputShape[1] <= Limits.maxImageSide, inputShape[2] <= Limits.maxUnits else {
                throw CNNError.invalidInput("the input shape \(CNNError.format(inputShape)) is too large: images at most \(Limits.maxImageSide) pixels a side and \(Limits.maxUnits) channels",
                                            hint: "use smaller images, e.g. [64, 64, 3]")
            }
        }
        guard !layers.isEmpty else {
            throw CNNError.invalidInput("a model needs at least one layer", hint: "add layers to the model")
        }
        guard layers.count <= Limits.maxLayers else {
            throw CNNError.invalidInput("the model has \(layers.count) layers, too many: at most \(Limits.maxLayers) layers",
                                        hint: "use fewer layers")
        }
        var shape = inputShape
        var shapes: [[Int]] = [], counts: [Int] = []
        var activations = try Limits.checkElements(inputShape, "the input")
        for layer in layers {
            try ModelPlan.checkSettings(layer)
            let output = try layer.outputShape(for: shape)
            let elements: Int
            do {
                elements = try Limits.checkElements(output, "its output")
            } catch let CNNError.invalidInput(message, _) {
                throw CNNError.impossibleLayer(layer: layer.name, reason: message)
            }
            let weights = try ModelPlan.weights(of: layer, input: shape)
            guard let total = Limits.sum([activations, elements]) else {
                throw CNNError.impossibleLayer(layer: layer.name, reason: "the activations are too large to count")
            }
            activations = total
            counts.append(weights)
            shapes.append(output)
            shape = output
        }
        guard let parameters = Limits.sum(counts), parameters <= Limits.maxParameters else {
            throw CNNError.invalidInput("the model would have \(Limits.sum(counts).map(String.init) ?? "too many") weights, too many: at most \(Limits.maxParameters) weights",
                                        hint: "use smaller images, fewer filters or fewer units")
        }
        self.inputShape = inputShape
        outputShapes = shapes
        parameterCounts = counts
        self.parameters = parameters
        activationsPerSample = activations
    }

    /// Refuses kernels, windows, strides, filters and units beyond `Limits` before any
    /// arithmetic is done with them.
    static func checkSettings(_ layer: Layer) throws {
        func side(_ what: String, _ pair: (Int, Int)) throws {
            guard pair.0 <= Limits.maxImageSide, pair.1 <= Limits.maxImageSide else {
                throw CNNError.impossibleLayer(layer: layer.name, reason: "its \(what) \(pair.0)×\(pair.1) is too large: at most \(Limits.maxImageSide) a side")
            }
        }
        func width(_ what: String, _ n: Int) throws {
            guard n <= Limits.maxUnits else {
                throw CNNError.impossibleLayer(layer: layer.name, reason: "its \(n) \(what) are too many: at most \(Limits.maxUnits) \(what)")
            }
        }
        if let conv = layer as? Conv2D {
            try side("kernel_size", conv.kernelSize)
            try side("strides", conv.strides)
            try width("filters", conv.filters)
        } else if let pool = layer as? Pooling2D {
            try side("pool_size", pool.poolSize)
            try side("strides", pool.strides)
        } else if let dense = layer as? Dense {
            try width("units", dense.units)
        }
    }

    /// The number of weights `layer` gets on `input`, checked: each weight array at most
    /// `Limits.maxTensorElements`.
    static func weights(of layer: Layer, input: [Int]) throws -> Int {
        var arrays: [[Int]] = []
        if let conv = layer as? Conv2D, input.count == 3 {
            arrays = [[conv.kernelSize.0, conv.kernelSize.1, input[2], conv.filters]] + (conv.useBias ? [[conv.filters]] : [])
        } else if let dense = layer as? Dense, input.count == 1 {
            arrays = [[input[0], dense.units]] + (dense.useBias ? [[dense.units]] : [])
        } else if let norm = layer as? BatchNormalization, let channels = input.last {
            // gamma, beta (when on), moving_mean and moving_variance: Keras counts all four.
            arrays = [[Int]](repeating: [channels], count: (norm.scale ? 1 : 0) + (norm.center ? 1 : 0) + 2)
        }
        var total = 0
        for shape in arrays {
            guard let n = Limits.product(shape), n <= Limits.maxTensorElements, let sum = Limits.sum([total, n]) else {
                let count = Limits.product(shape).map(String.init) ?? "more than \(Int.max)"
                throw CNNError.impossibleLayer(layer: layer.name, reason: "its weight array of shape \(CNNError.format(shape)) would need \(count) weights, too many: a tensor holds at most \(Limits.maxTensorElements) values")
            }
            total = sum
        }
        return total
    }

    /// Bytes a model of this plan takes: its weights and their gradients.
    public var modelBytes: Int? { Limits.product([parameters, 2, MemoryLayout<Float>.size]) }

    /// Bytes a training step on batches of `batch` takes, roughly: weights, gradients and
    /// Adam's two moments, then for every sample its activations, their gradients and what
    /// the layers keep for the backward pass (three copies).
    public func trainingBytes(batch: Int) -> Int? {
        guard let weights = Limits.product(parameters, 4), let perBatch = Limits.product([batch, activationsPerSample, 3]),
              let values = Limits.sum([weights, perBatch]) else { return nil }
        return Limits.product(values, MemoryLayout<Float>.size)
    }

    /// Throws unless training on batches of `batch` fits `Limits` and the machine's memory:
    /// every batch tensor at most `Limits.maxTensorElements` values.
    public func checkTraining(batch: Int) throws {
        for (i, shape) in ([inputShape] + outputShapes).enumerated() {
            guard let n = Limits.product([batch] + shape), n <= Limits.maxTensorElements else {
                let what = i == 0 ? "the input" : "the output of layer \(i)"
                throw CNNError.invalidInput("a batch of \(batch) makes \(what) of shape \(CNNError.format([batch] + shape)) too large: a tensor holds at most \(Limits.maxTensorElements) values",
                                            hint: "use a smaller batch or smaller images")
            }
        }
        try Limits.checkMemory(trainingBytes(batch: batch), for: "training this model on batches of \(batch)")
    }
}
