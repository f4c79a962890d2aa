/// Builds a layer from its Keras class name and config (the entries of model.json).
enum LayerFactory {
    static let known = LayerKind.allCases.map(\.rawValue)

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
        guard let kind = LayerKind(kerasName: className) else {
            throw CNNError.badModelFile(path: path, reason: "layer \(position) has unknown class_name \"\(className)\"; known layers are \(known.joined(separator: ", "))")
        }
        switch kind {
        case .conv2D:
            return Conv2D(filters: try positiveInt("filters"), kernelSize: try pair("kernel_size", default: nil),
                          strides: try pair("strides", default: (1, 1)), padding: try padding(),
                          activation: try activation(), useBias: useBias, name: name)
        case .maxPooling2D, .averagePooling2D:
            let size = try pair("pool_size", default: (2, 2))
            let strides = c["strides"] == nil || c["strides"] == .null ? size : try pair("strides", default: size)
            return Pooling2D(kind == .maxPooling2D ? .max : .average, poolSize: size, strides: strides,
                             padding: try padding(), name: name)
        case .flatten:
            return Flatten(name: name)
        case .dense:
            return Dense(units: try positiveInt("units"), activation: try activation(), useBias: useBias, name: name)
        case .dropout:
            guard let rate = c["rate"]?.doubleValue, rate >= 0, rate < 1 else { throw bad("\"rate\" must be a number in [0, 1)") }
            return Dropout(rate: Float(rate), name: name)
        case .activation:
            return ActivationLayer(try activation(), name: name)
        case .batchNormalization:
            return try batchNormalization(c, name: name, bad: bad)
        case .globalAveragePooling2D, .globalMaxPooling2D:
            let format = c["data_format"]?.stringValue ?? "channels_last"
            guard format == "channels_last" else { throw bad("data_format \"\(format)\" is not supported: CNNViz works channels_last (N, H, W, C)") }
            guard c["keepdims"] == nil || c["keepdims"] == .null || c["keepdims"]?.boolValue != nil else { throw bad("\"keepdims\" must be true or false") }
            let keepDims = c["keepdims"]?.boolValue ?? false
            return kind == .globalMaxPooling2D ? GlobalMaxPooling2D(keepDims: keepDims, name: name)
                : GlobalAveragePooling2D(keepDims: keepDims, name: name)
        case .rescaling, .zeroPadding2D:
            return try KerasExtraLayers.make(kind, c, name: name, bad: bad)
        }
    }

    /// BatchNormalization from Keras' config: axis (−1, or the last axis as a number or a
    /// one-element list as Keras 2 wrote it), momentum, epsilon, center, scale.
    static func batchNormalization(_ c: [String: JSONValue], name: String, bad: (String) -> CNNError) throws -> Layer {
        func number(_ key: String, default value: Double) throws -> Double {
            guard let v = c[key], v != .null else { return value }
            guard let d = v.doubleValue, d.isFinite else { throw bad("\"\(key)\" must be a number") }
            return d
        }
        func flag(_ key: String) throws -> Bool {
            guard let v = c[key], v != .null else { return true }
            guard let b = v.boolValue else { throw bad("\"\(key)\" must be true or false") }
            return b
        }
        var axis = -1
        if let v = c["axis"], v != .null {
            guard let a = v.intValue ?? (v.arrayValue?.count == 1 ? v.arrayValue?.first?.intValue : nil) else {
                throw bad("\"axis\" must be one axis, e.g. -1 (the channels)")
            }
            axis = a
        }
        let momentum = try number("momentum", default: 0.99), epsilon = try number("epsilon", default: 1e-3)
        guard momentum >= 0, momentum <= 1 else { throw bad("\"momentum\" must be in [0, 1], e.g. Keras' 0.99") }
        guard epsilon > 0, epsilon < 1e30 else { throw bad("\"epsilon\" must be a positive number, e.g. Keras' 0.001") }
        return BatchNormalization(axis: axis, momentum: Float(momentum), epsilon: Float(epsilon),
                                  center: try flag("center"), scale: try flag("scale"), name: name)
    }
}
