import CNNCore

/// Reads a Keras weights file's tensors for a built model, checking count and shape of every
/// weight against the architecture. The result is keyed as CNNViz names weights
/// ("conv2d.kernel"), ready for `SavedModel.assign` (which also checks every value is finite).
enum KerasWeights {
    /// Keras 3 (`model.weights.h5` in a .keras): `layers/<key>/vars/0, 1, …` in the layer's own
    /// order, where <key> is the snake-case class name, numbered per class in layer order
    /// (`conv2d`, `conv2d_1`, …): not the layer's `name` in config.json.
    static func readKeras3(_ root: HDF5Group, model: Sequential, path: String) throws -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for (layer, key) in zip(model.layers, storageKeys(model)) {
            let expected = layer.parameters + layer.buffers
            let vars = "layers/\(key)/vars"
            let stored = root.has(vars) ? try root.group(vars).memberNames().count : 0
            guard stored == expected.count else {
                throw KerasFileError.weightCount(path: path, layer: layer.name, found: stored, needed: expected.count)
            }
            for (index, weight) in expected.enumerated() {
                tensors["\(layer.name).\(weight.name)"] = try read(root, "\(vars)/\(index)", as: weight, of: layer, path: path)
            }
        }
        return tensors
    }

    /// Legacy .h5: `model_weights` names its layer groups in `layer_names`; each group names its
    /// datasets in `weight_names` (`conv2d/kernel:0`, `sequential_1/conv2d_1/kernel`). As Keras'
    /// own loader does, the groups that hold weights are matched to the layers that have
    /// weights by order.
    static func readLegacy(_ root: HDF5Group, model: Sequential, path: String) throws -> [String: Tensor] {
        guard root.has("model_weights") else {
            throw KerasFileError.corruptHDF5(path: path, detail: "it has a model_config but no model_weights group")
        }
        let weightsGroup = try root.group("model_weights")
        var stored: [(group: HDF5Group, names: [String])] = []
        for name in try list(weightsGroup, "layer_names") {
            guard weightsGroup.has(name) else {
                throw KerasFileError.corruptHDF5(path: path, detail: "layer_names lists \"\(name)\" but model_weights has no such group")
            }
            let group = try weightsGroup.group(name)
            let names = try list(group, "weight_names")
            if !names.isEmpty { stored.append((group, names)) }
        }
        let layers = model.layers.filter { !($0.parameters + $0.buffers).isEmpty }
        guard stored.count == layers.count else {
            throw KerasFileError.layerCount(path: path, found: stored.count, needed: layers.count)
        }
        var tensors: [String: Tensor] = [:]
        for (layer, entry) in zip(layers, stored) {
            let expected = layer.parameters + layer.buffers
            guard entry.names.count == expected.count else {
                throw KerasFileError.weightCount(path: path, layer: layer.name, found: entry.names.count, needed: expected.count)
            }
            for (name, weight) in zip(entry.names, expected) {
                tensors["\(layer.name).\(weight.name)"] = try read(entry.group, name, as: weight, of: layer, path: path)
            }
        }
        return tensors
    }

    /// A list attribute as Keras reads it (`load_attributes_from_hdf5_group`): whole, or, when it
    /// was too long for one HDF5 object header, in chunks `name0`, `name1`, …
    static func list(_ group: HDF5Group, _ name: String) throws -> [String] {
        if let whole = try group.strings(attribute: name) { return whole }
        var values: [String] = []
        var index = 0
        while let chunk = try group.strings(attribute: "\(name)\(index)") {
            values += chunk
            index += 1
        }
        return values
    }

    /// One stored weight, which must be float32 and shaped as the architecture says.
    static func read(_ group: HDF5Group, _ name: String, as weight: Parameter, of layer: Layer, path: String) throws -> Tensor {
        guard group.has(name) else {
            throw KerasFileError.corruptHDF5(path: path, detail: "the weight \(group.path)/\(name) is listed but not stored")
        }
        let (shape, values): ([Int], [Float])
        do {
            (shape, values) = try group.floats(name)
        } catch let mismatch as HDF5TypeMismatch {
            throw KerasFileError.dtype(path: path, what: "the weight \(mismatch.path) of layer \"\(layer.name)\"", dtype: mismatch.found)
        }
        guard shape == weight.value.shape else {
            let stored = group.path.isEmpty ? name : "\(group.path)/\(name)"
            throw KerasFileError.weightShape(path: path, layer: layer.name, weight: "\(weight.name) (\(stored))",
                                             found: shape, needed: weight.value.shape)
        }
        return Tensor(shape: shape, data: values)
    }

    /// Keras 3's key of each layer in the weights file: its class in snake case, `_1`, `_2` … for
    /// the second and later layers of that class (`saving_lib._save_container_state`).
    static func storageKeys(_ model: Sequential) -> [String] {
        var used: [String: Int] = [:]
        return model.layers.map { layer in
            let base = snakeCase(layer.kind.rawValue)
            let n = used[base, default: -1] + 1
            used[base] = n
            return n == 0 ? base : "\(base)_\(n)"
        }
    }

    /// Keras' `naming.to_snake_case`: "MaxPooling2D" → "max_pooling2d", "ZeroPadding2D" → "zero_padding2d".
    static func snakeCase(_ name: String) -> String {
        let chars = Array(name)
        var out = ""
        for (i, ch) in chars.enumerated() {
            if i > 0, ch.isUppercase {
                let startsWord = i + 1 < chars.count && chars[i + 1].isLowercase
                if startsWord || chars[i - 1].isLowercase { out += "_" }
            }
            out += ch.lowercased()
        }
        return out
    }
}
