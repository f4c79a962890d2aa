import CNNCore

/// A functional model (`keras.Model(inputs, outputs)`) is read when its layers form one chain,
/// input → layer → layer → output, which is a Sequential model in other words. Anything else
/// (a layer with two inputs, a layer feeding two others, several inputs or outputs) is refused.
enum KerasFunctional {
    /// The layer entries in chain order (the InputLayer first), or the branch that breaks the chain.
    static func chain(_ config: [String: JSONValue], path: String) throws -> [[String: JSONValue]] {
        guard let layers = config["layers"]?.arrayValue?.compactMap(\.objectValue), !layers.isEmpty else {
            throw KerasFileError.badConfig(path: path, reason: "the functional model lists no \"layers\"")
        }
        func name(_ entry: [String: JSONValue]) -> String {
            entry["name"]?.stringValue ?? entry["config"]?.objectValue?["name"]?.stringValue ?? "?"
        }
        for key in ["input_layers", "output_layers"] {
            let count = endpoints(config[key])
            if count > 1 {
                throw KerasFileError.branches(path: path, layer: name(layers[key == "input_layers" ? 0 : layers.count - 1]),
                                              detail: "is one of \(count) \(key == "input_layers" ? "inputs" : "outputs")")
            }
        }
        var consumers: [String: Int] = [:]
        for (index, entry) in layers.enumerated() where index > 0 {
            let nodes = entry["inbound_nodes"]?.arrayValue ?? []
            guard nodes.count <= 1 else {
                throw KerasFileError.branches(path: path, layer: name(entry), detail: "is called \(nodes.count) times")
            }
            let inputs = nodes.first.map(sources) ?? []
            guard inputs.count == 1 else {
                throw KerasFileError.branches(path: path, layer: name(entry), detail: "takes \(inputs.count) inputs (\(inputs.joined(separator: ", ")))")
            }
            consumers[inputs[0], default: 0] += 1
            if consumers[inputs[0], default: 0] > 1 {
                throw KerasFileError.branches(path: path, layer: inputs[0], detail: "feeds more than one layer")
            }
            guard inputs[0] == name(layers[index - 1]) else {
                throw KerasFileError.branches(path: path, layer: name(entry), detail: "takes its input from \"\(inputs[0])\", not from the layer listed before it")
            }
        }
        return layers
    }

    /// How many layers `input_layers`/`output_layers` names: [["name", 0, 0]] or ["name", 0, 0].
    static func endpoints(_ value: JSONValue?) -> Int {
        guard let list = value?.arrayValue, !list.isEmpty else { return 0 }
        return list.first?.stringValue != nil ? 1 : list.count
    }

    /// The names of the layers a node takes its tensors from: Keras 3 writes tensors as
    /// {"config": {"keras_history": [name, node, index]}}, Keras 2 as [name, node, index, kwargs].
    static func sources(_ node: JSONValue) -> [String] {
        switch node {
        case let .object(object):
            if let history = (object["config"]?.objectValue?["keras_history"] ?? object["keras_history"])?.arrayValue,
               let name = history.first?.stringValue {
                return [name]
            }
            return object.keys.sorted().flatMap { sources(object[$0] ?? .null) }
        case let .array(list):
            if list.count >= 3, let name = list[0].stringValue, list[1].intValue != nil { return [name] }
            return list.flatMap(sources)
        default:
            return []
        }
    }
}
