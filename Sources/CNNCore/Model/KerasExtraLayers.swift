/// Rescaling and ZeroPadding2D from Keras' config keys (kept apart from `LayerFactory`'s switch,
/// which only hands these two over).
enum KerasExtraLayers {
    static func make(_ kind: LayerKind, _ c: [String: JSONValue], name: String, bad: (String) -> CNNError) throws -> Layer {
        switch kind {
        case .rescaling:
            // Keras also accepts a list (one scale per channel); CNNViz takes one number.
            guard let scale = c["scale"]?.doubleValue, Float(scale).isFinite else { throw bad("\"scale\" must be one number, e.g. 0.00392156862745098 (1/255)") }
            let offset = c["offset"] == nil || c["offset"] == .null ? 0 : c["offset"]?.doubleValue
            guard let offset, Float(offset).isFinite else { throw bad("\"offset\" must be one number, e.g. 0") }
            return Rescaling(scale: Float(scale), offset: Float(offset), name: name)
        case .zeroPadding2D:
            let format = c["data_format"]?.stringValue ?? "channels_last"
            guard format == "channels_last" else { throw bad("data_format \"\(format)\" is not supported: CNNViz works channels_last (N, H, W, C)") }
            guard let (top, bottom, left, right) = padding(c["padding"] ?? .int(1)),
                  [top, bottom, left, right].allSatisfy({ $0 >= 0 && $0 <= Limits.maxImageSide }) else {
                throw bad("\"padding\" must be 1, [rows, columns] or [[top, bottom], [left, right]], each from 0 to \(Limits.maxImageSide)")
            }
            return ZeroPadding2D(top: top, bottom: bottom, left: left, right: right, name: name)
        default:
            throw bad("not a layer of this factory")
        }
    }

    /// Keras' three spellings of ZeroPadding2D's padding: n, [rows, columns], [[top, bottom], [left, right]].
    static func padding(_ value: JSONValue) -> (Int, Int, Int, Int)? {
        if let n = value.intValue { return (n, n, n, n) }
        guard let pair = value.arrayValue, pair.count == 2 else { return nil }
        if let rows = pair[0].intValue, let columns = pair[1].intValue { return (rows, rows, columns, columns) }
        guard let vertical = pair[0].intPair, let horizontal = pair[1].intPair,
              pair[0].arrayValue != nil, pair[1].arrayValue != nil else { return nil }
        return (vertical.0, vertical.1, horizontal.0, horizontal.1)
    }
}
