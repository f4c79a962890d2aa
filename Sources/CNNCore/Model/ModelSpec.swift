import Foundation

/// How images become model input: what `flow_from_directory` and `ImageDataGenerator` did.
public struct Preprocessing: Equatable, Sendable {
    /// Multiplies every pixel value (Keras' `rescale`, 1/255 in the coursework).
    public var rescale: Float = 1.0 / 255
    /// (height, width) images are resized to.
    public var targetSize: (Int, Int) = (64, 64)
    /// "nearest" (Keras' default) or "bilinear".
    public var interpolation: String = "nearest"

    public init(rescale: Float = 1.0 / 255, targetSize: (Int, Int) = (64, 64), interpolation: String = "nearest") {
        self.rescale = rescale
        self.targetSize = targetSize
        self.interpolation = interpolation
    }

    public static func == (a: Preprocessing, b: Preprocessing) -> Bool {
        a.rescale == b.rescale && a.targetSize == b.targetSize && a.interpolation == b.interpolation
    }

    var json: JSONValue {
        .object(["rescale": .number(Double(rescale)), "target_size": .ints([targetSize.0, targetSize.1]),
                 "interpolation": .string(interpolation), "color_mode": .string("rgb")])
    }
}

/// Everything in `model.json`: the architecture, the input, the classes and the preprocessing.
///
/// The layer list uses Keras' `{"class_name": "Conv2D", "config": {...}}` form with Keras' config
/// keys, so it reads like `model.to_json()`. An architecture file given to `--architecture` has the
/// same form; `class_names` and `preprocessing` may be left out there.
public struct ModelSpec {
    public var name: String = "sequential"
    public var inputShape: [Int]
    public var layers: [(className: String, config: [String: JSONValue])]
    public var classNames: [String] = []
    public var preprocessing = Preprocessing()
    public var loss: Loss = .binaryCrossentropy
    public var optimizer: JSONValue = .object(["name": .string("Adam"), "learning_rate": .number(0.001)])

    public init(name: String = "sequential", inputShape: [Int], layers: [(className: String, config: [String: JSONValue])]) {
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
    }

    /// The spec of a built model.
    public init(model: Sequential, name: String = "sequential", classNames: [String] = [], preprocessing: Preprocessing = Preprocessing()) {
        self.init(name: name, inputShape: model.inputShape, layers: model.layers.map { ($0.kind.rawValue, $0.config) })
        self.classNames = classNames
        self.preprocessing = preprocessing
    }

    /// Builds the layers and the model, with weights drawn from `seed`. `path` names the file the
    /// spec came from in errors; nil for a spec made in code (the coursework's).
    public func build(seed: UInt64 = 0, path: String? = nil) throws -> Sequential {
        let built = try makeLayers(path: path)
        return try naming(path) { try Sequential(inputShape: inputShape, layers: built, seed: seed) }
    }

    /// The model's shapes and sizes, checked against `Limits`, without allocating any weight:
    /// what a command checks before it loads data for a model.
    public func plan(path: String? = nil) throws -> ModelPlan {
        let built = try makeLayers(path: path)
        Sequential.assignKerasNames(built)
        return try naming(path) { try ModelPlan(inputShape: inputShape, layers: built) }
    }

    func makeLayers(path: String?) throws -> [Layer] {
        try layers.enumerated().map { index, layer in
            try LayerFactory.make(className: layer.className, config: layer.config, position: index + 1, path: path ?? "model.json")
        }
    }

    /// Runs `body`, turning a layer that cannot take its input, or a model beyond `Limits`, into
    /// an error of the file at `path` (when the spec came from one): the file is what to fix.
    func naming<T>(_ path: String?, _ body: () throws -> T) throws -> T {
        guard let path else { return try body() }
        do {
            return try body()
        } catch let CNNError.impossibleLayer(layer, reason) {
            throw CNNError.badModelFile(path: path, reason: "layer '\(layer)': \(reason)")
        } catch let CNNError.invalidInput(message, _) {
            throw CNNError.badModelFile(path: path, reason: message)
        }
    }

    /// The JSON text of `model.json`.
    public func encoded() -> String {
        JSONValue.object([
            "format": .string("cnnviz-model"), "version": .int(1), "name": .string(name),
            "input_shape": .ints(inputShape), "class_names": .array(classNames.map { .string($0) }),
            "preprocessing": preprocessing.json,
            "compile": .object(["loss": .string(loss.rawValue), "optimizer": optimizer, "metrics": .array([.string("accuracy")])]),
            "layers": .array(layers.map { .object(["class_name": .string($0.className), "config": .object($0.config)]) }),
        ]).encodedString() + "\n"
    }

    /// Parses `model.json` (or an architecture file), with a clear message for each mistake.
    public static func parse(_ data: Data, path: String) throws -> ModelSpec {
        func bad(_ reason: String) -> CNNError { .badModelFile(path: path, reason: reason) }
        let root: JSONValue
        do { root = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw bad("it is not valid JSON (\(JSONErrorText.describe(error)))")
        }
        guard let object = root.objectValue else { throw bad("the top level must be a JSON object") }
        guard let shapeValue = object["input_shape"]?.arrayValue else {
            throw bad("\"input_shape\" is missing; give it as [height, width, channels], e.g. [64, 64, 3]")
        }
        let shape = shapeValue.compactMap(\.intValue)
        guard shape.count == shapeValue.count, !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw bad("\"input_shape\" must be a list of positive integers, e.g. [64, 64, 3]")
        }
        try checkInputShape(shape, path: path)
        guard let layerList = object["layers"]?.arrayValue, !layerList.isEmpty else {
            throw bad("\"layers\" is missing or empty; list the layers as {\"class_name\": ..., \"config\": {...}}")
        }
        guard layerList.count <= Limits.maxLayers else {
            throw bad("\"layers\" lists \(layerList.count) layers, too many: at most \(Limits.maxLayers) layers")
        }
        var layers: [(String, [String: JSONValue])] = []
        for (i, item) in layerList.enumerated() {
            guard let o = item.objectValue, let className = o["class_name"]?.stringValue else {
                throw bad("layer \(i + 1) has no \"class_name\"")
            }
            layers.append((className, o["config"]?.objectValue ?? [:]))
        }
        var spec = ModelSpec(name: object["name"]?.stringValue ?? "sequential", inputShape: shape, layers: layers)
        if let names = object["class_names"], names != .null {
            guard let list = names.arrayValue, case let strings = list.compactMap(\.stringValue), strings.count == list.count else {
                throw bad("\"class_names\" must be a list of names, e.g. [\"cats\", \"dogs\"]")
            }
            spec.classNames = strings
        }
        if let p = object["preprocessing"]?.objectValue {
            if let rescale = p["rescale"], rescale != .null {
                guard let r = rescale.doubleValue, Float(r).isFinite else {
                    throw bad("preprocessing.rescale must be a finite number, e.g. 0.00392156862745098 (1/255)")
                }
                spec.preprocessing.rescale = Float(r)
            }
            if let target = p["target_size"], target != .null {
                guard let t = target.intPair, t.0 > 0, t.1 > 0 else {
                    throw bad("preprocessing.target_size must be [height, width] in pixels, e.g. [64, 64]")
                }
                guard t.0 <= Limits.maxImageSide, t.1 <= Limits.maxImageSide else {
                    throw bad("preprocessing.target_size [\(t.0), \(t.1)] is too large: images at most \(Limits.maxImageSide) pixels a side")
                }
                spec.preprocessing.targetSize = t
            }
            if let i = p["interpolation"]?.stringValue {
                guard ["nearest", "bilinear"].contains(i) else { throw bad("preprocessing.interpolation must be \"nearest\" or \"bilinear\", not \"\(i)\"") }
                spec.preprocessing.interpolation = i
            }
        }
        if let compile = object["compile"]?.objectValue {
            if let l = compile["loss"]?.stringValue {
                guard let loss = Loss(rawValue: l) else { throw bad("unknown loss \"\(l)\"; use binary_crossentropy or categorical_crossentropy") }
                spec.loss = loss
            }
            if let o = compile["optimizer"] { spec.optimizer = o }
        }
        return spec
    }

    /// Reads and parses a file (a regular file of at most `Limits.maxJSONBytes`).
    public static func load(_ url: URL) throws -> ModelSpec {
        let data = try RegularFile.read(url, limit: Limits.maxJSONBytes, failure: CNNError.badModelFile)
        return try parse(data, path: url.path)
    }

    /// Refuses an input shape beyond `Limits` while the file is at hand to name: images at most
    /// `Limits.maxImageSide` pixels a side, any input at most `Limits.maxTensorElements` values.
    static func checkInputShape(_ shape: [Int], path: String) throws {
        let text = "[" + shape.map(String.init).joined(separator: ", ") + "]"
        if shape.count == 3, shape[0] > Limits.maxImageSide || shape[1] > Limits.maxImageSide {
            throw CNNError.badModelFile(path: path, reason: "\"input_shape\" \(text) is too large: images at most \(Limits.maxImageSide) pixels a side")
        }
        guard let count = Limits.product(shape), count <= Limits.maxTensorElements else {
            throw CNNError.badModelFile(path: path, reason: "\"input_shape\" \(text) is too large: an input holds at most \(Limits.maxTensorElements) values")
        }
    }
}

/// Short text for a JSONDecoder error (the full text of DecodingError is long and technical).
enum JSONErrorText {
    static func describe(_ error: Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }
}
