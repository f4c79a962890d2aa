/// Builds a layer from its Keras class name and config (the entries of model.json).
enum LayerFactory {
    static let known = ["Conv2D", "MaxPooling2D", "AveragePooling2D", "Flatten", "Dense", "Dropout", "Activation"]

    static func make(className: String, config c: [String: JSONValue], position: Int, path: String) throws -> Layer {
        func bad(_ reason: String) -> CNNError { .badModelFile(path: path, reason: "layer \(position) (\(className)): \(reason)") }
        func pair(_ key: String, default value: (Int, Int)?) throws -> (Int, Int) {
            guard let v = c[key], v != .null else {
                if let value { return value }
                throw bad("\"\(key)\" is missing")
            }
            guard let p = v.intPair, p.0 > 0, p.1 > 0 else { throw bad("\"\(key)\" must be a positive integer or a pair like [3, 3]") }
            guard p.0 <= Limits.maxImageSide, p.1 <= Limits.maxImageSide else {
                throw bad("\"\(key)\" \(p.0 == p.1 ? String(p.0) : "[\(p.0), \(p.1)]") is too large: at most \(Limits.maxImageSide) a side")
            }
            return p
        }
        func padding() throws -> Padding {
            let text = c["padding"]?.stringValue ?? "valid"
            guard let p = Padding(rawValue: text) else { throw bad("padding must be \"valid\" or \"same\", not \"\(text)\"") }
            return p
        }
        func activation() throws -> Activation {
            let text = c["activation"]?.stringValue ?? "linear"
            guard let a = Activation(rawValue: text) else {
                throw bad("unknown activation \"\(text)\"; use one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return a
        }
        func positiveInt(_ key: String) throws -> Int {
            guard let n = c[key]?.intValue, n > 0 else { throw bad("\"\(key)\" must be a positive integer") }
            guard n <= Limits.maxUnits else { throw bad("\"\(key)\" \(n) is too large: at most \(Limits.maxUnits) \(key)") }
            return n
        }
        let name = c["name"]?.stringValue ?? ""
        let useBias = c["use_bias"]?.boolValue ?? true
        switch className {
        case "Conv2D":
            return Conv2D(filters: try positiveInt("filters"), kernelSize: try pair("kernel_size", default: nil),
                          strides: try pair("strides", default: (1, 1)), padding: try padding(),
                          activation: try activation(), useBias: useBias, name: name)
        case "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D":
            let size = try pair("pool_size", default: (2, 2))
            let strides = c["strides"] == nil || c["strides"] == .null ? size : try pair("strides", default: size)
            return Pooling2D(className.hasPrefix("Max") ? .max : .average, poolSize: size, strides: strides,
                             padding: try padding(), name: name)
        case "Flatten":
            return Flatten(name: name)
        case "Dense":
            return Dense(units: try positiveInt("units"), activation: try activation(), useBias: useBias, name: name)
        case "Dropout":
            guard let rate = c["rate"]?.doubleValue, rate >= 0, rate < 1 else { throw bad("\"rate\" must be a number in [0, 1)") }
            return Dropout(rate: Float(rate), name: name)
        case "Activation":
            return ActivationLayer(try activation(), name: name)
        default:
            throw CNNError.badModelFile(path: path, reason: "layer \(position) has unknown class_name \"\(className)\"; known layers are \(known.joined(separator: ", "))")
        }
    }
}
