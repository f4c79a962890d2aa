import CNNCore
import Foundation

/// The numbers the explorer page (`ExplorerPage`) shows, as one script file,
/// `explorer-data.js`: `window.CNNVIZ_DATA = {…}`.
///
/// A page opened from the file system may not `fetch` (browsers block it for `file://`), so the
/// numbers travel as a script. Arrays of floats are base64 of little-endian float32, exactly the
/// engine's values, which the page's self-check recomputes.
///
/// Size: every map, kernel and bias goes in whole. A Dense kernel above `wholeKernelLimit`
/// weights does not (the coursework's is 15.7 MB): for every unit go its largest contributions
/// (weight × input) toward each class and the sum of the rest, and for the units that weigh most
/// in the answer (`exactUnits`) their whole weight column, so the self-check can recompute them.
public enum ExplorerData {
    /// Dense kernels up to this many weights are embedded whole.
    public static let wholeKernelLimit = 1 << 16
    /// Units of a larger Dense kernel whose whole weight column is embedded.
    public static let exactUnits = 12
    /// Contributions listed per unit and direction.
    public static let topContributions = 12

    /// The script's text for one inspected image.
    public static func script(_ trace: TraceView, context: InspectionPage.Context) throws -> String {
        var layers: [JSONValue] = []
        var previousShape: [Int] = []
        if let x = try trace.input() { previousShape = Array(x.shape.dropFirst()) }
        for (position, layer) in trace.layers.enumerated() {
            let next = position + 1 < trace.layers.count ? trace.layers[position + 1] : nil
            layers.append(try entry(layer, inputShape: previousShape, next: next, trace: trace))
            previousShape = layer.outputShape
        }
        let input = try trace.input()
        // The model's output as the engine computed it (the page derives its own from the logit).
        let output = try trace.layers.last.flatMap { try trace.tensor($0.name, .output) }?.data ?? []
        let meta: [String: JSONValue] = [
            "output": .array(output.map { .number(Double($0)) }),
            "image": .string(context.imagePath), "model": .string(context.modelDescription),
            "modelName": .string(context.modelName), "classes": .array(context.classNames.map(JSONValue.string)),
            "predicted": .string(context.predictedClass), "probability": .number(Double(context.probability)),
            "rescale": .number(Double(context.preprocessing.rescale)), "loss": .string(context.loss),
            "gradientTarget": .string(context.gradientTarget),
        ]
        var explain: [String: JSONValue] = [:]
        if let link = context.explainLink { explain["page"] = .string(link) }
        if let cam = try context.gradCAM ?? gradCAM(trace) { explain["gradcam"] = tensor(cam) }
        let data: JSONValue = .object([
            "meta": .object(meta),
            "explain": .object(explain),
            "input": input.map { tensor($0) } ?? .null,
            // dLoss/dx (the trace's first grad_input): what nudging each input value would do.
            "inputGradient": try trace.inputGradient().map { tensor($0) } ?? .null,
            "layers": .array(layers),
        ])
        return "// The numbers of one inspection, for index.html (written by cnnviz inspect).\nwindow.CNNVIZ_DATA = "
            + data.compactString() + ";\n"
    }

    /// Grad-CAM of the answer from the trace alone, when no explanation gave one: the last
    /// convolution block's maps A (`GradCAMLayer`) and dLoss/dA. The loss is against the predicted class, whose score
    /// s (±logit) has ∂s/∂A = −dLoss/dA / |dLoss/dz|, so α_k = mean(−dLoss/dA_k) gives the same
    /// map up to a positive scale: cam = ReLU(Σ_k α_k A_k).
    static func gradCAM(_ trace: TraceView) throws -> Tensor? {
        guard let position = GradCAMLayer.index(kinds: trace.layers.map(\.kind)), case let conv = trace.layers[position],
              let a = try trace.tensor(conv.name, .output), let g = try trace.tensor(conv.name, .outputGradient),
              a.rank == 4, a.shape == g.shape else { return nil }
        let (h, w, k) = (a.shape[1], a.shape[2], a.shape[3])
        var alpha = [Float](repeating: 0, count: k)
        for p in 0..<(h * w) { for c in 0..<k { alpha[c] -= g.data[p * k + c] } }
        alpha = alpha.map { $0 / Float(h * w) }
        var cam = [Float](repeating: 0, count: h * w)
        for p in 0..<(h * w) {
            var s: Float = 0
            for c in 0..<k { s += alpha[c] * a.data[p * k + c] }
            cam[p] = max(s, 0)
        }
        return Tensor(shape: [h, w], data: cam)
    }

    /// One layer: its kind, shapes and settings, and the tensors its view and self-check need.
    static func entry(_ layer: TraceView.LayerInfo, inputShape: [Int], next: TraceView.LayerInfo?,
                      trace: TraceView) throws -> JSONValue {
        var o: [String: JSONValue] = [
            "name": .string(layer.name), "kind": .string(layer.kindName), "index": .int(layer.index),
            "inputShape": .ints(inputShape), "outputShape": .ints(layer.outputShape),
            "activation": .string(layer.activation), "config": .object(layer.config),
        ]
        let output = try trace.tensor(layer.name, .output)
        let pre = try trace.tensor(layer.name, .preActivation)
        // The output of a layer with an activation is activation(pre): only pre goes in.
        if let pre, layer.activation != "linear" { o["pre"] = tensor(pre) } else if let output { o["output"] = tensor(output) }
        for role in ["bias", "gamma", "beta", "moving_mean", "moving_variance"] {
            if let t = try trace.tensor(layer.name, .weight(role)) { o[role] = tensor(t) }
        }
        if let epsilon = layer.config["epsilon"] { o["epsilon"] = epsilon }
        switch layer.kind {
        case .conv2D?, .maxPooling2D?, .averagePooling2D?:
            let window = layer.kind == .conv2D ? layer.pair("kernel_size", (3, 3)) : layer.pair("pool_size", (2, 2))
            let strides = layer.pair("strides", layer.kind == .conv2D ? (1, 1) : window)
            let padding = Padding(rawValue: layer.config["padding"]?.stringValue ?? "valid") ?? .valid
            let g = ConvGeometry(sample: inputShape, batch: 1, kernel: window, strides: strides, padding: padding)
            o["window"] = .ints([window.0, window.1])
            o["strides"] = .ints([strides.0, strides.1])
            o["pad"] = .ints([g.padTop, g.padLeft])
            if layer.kind == .conv2D, let k = try trace.tensor(layer.name, .kernel) { o["kernel"] = tensor(k) }
        case .dense?:
            if let k = try trace.tensor(layer.name, .kernel), let x = try trace.input(of: layer) {
                o.merge(try denseWeights(kernel: k, input: x, layer: layer, next: next, trace: trace)) { $1 }
            }
        default:
            break
        }
        return .object(o)
    }

    /// A Dense kernel (inputs, units): whole when small; otherwise each unit's top contributions
    /// and the rest's sum, and the whole columns of the units that weigh most in the next layer.
    static func denseWeights(kernel k: Tensor, input x: Tensor, layer: TraceView.LayerInfo, next: TraceView.LayerInfo?,
                             trace: TraceView) throws -> [String: JSONValue] {
        guard k.rank == 2 else { return [:] }
        let (inputs, units) = (k.shape[0], k.shape[1])
        if k.count <= wholeKernelLimit { return ["kernel": tensor(k)] }
        let xs = Array(x.data.prefix(inputs))
        // One pass over the kernel for all units, row by row as it is stored (a pass per unit
        // strode through 15.7 MB 128 times): each unit still sees its inputs in order, so its
        // total and its largest contributions each way are the same.
        var ups = [Largest](repeating: Largest(count: topContributions), count: units)
        var downs = ups
        var totals = [Double](repeating: 0, count: units)
        k.data.withUnsafeBufferPointer { k in
            for i in 0..<inputs {
                let row = i * units, xi = xs[i]
                for j in 0..<units {
                    let value = xi * k[row + j]
                    totals[j] += Double(value)
                    if value > 0 { ups[j].offer(i, value) } else if value < 0 { downs[j].offer(i, -value) }
                }
            }
        }
        var top: [JSONValue] = []
        for j in 0..<units {
            let (up, down) = (ups[j], downs[j])
            let listed = up.items + down.items
            let rest = listed.reduce(totals[j]) { $0 - Double(xs[$1.index] * k.data[$1.index * units + j]) }
            func list(_ items: [(index: Int, value: Float)]) -> JSONValue {
                .array(items.map { .array([.int($0.index), .number(Double(xs[$0.index])), .number(Double(k.data[$0.index * units + j]))]) })
            }
            top.append(.object(["up": list(up.items), "down": list(down.items), "rest": .number(rest)]))
        }
        // The units that weigh most in the answer: |activation × weight to the next layer| (or
        // the largest activations when nothing follows).
        let activations = try trace.tensor(layer.name, .output)?.data ?? []
        let nextKernel = try next.flatMap { try trace.tensor($0.name, .kernel) }
        let weight: (Int) -> Float = { j in
            let a = j < activations.count ? activations[j] : 0
            guard let w = nextKernel, w.rank == 2, w.shape[0] == units else { return abs(a) }
            return (0..<w.shape[1]).map { abs(a * w.data[j * w.shape[1] + $0]) }.max() ?? 0
        }
        let exact = (0..<units).sorted { weight($0) > weight($1) }.prefix(exactUnits).sorted()
        var columns: [Float] = []
        columns.reserveCapacity(exact.count * inputs)
        for j in exact { for i in 0..<inputs { columns.append(k.data[i * units + j]) } }
        return ["top": .array(top), "exactUnits": .ints(Array(exact)),
                "columns": tensor(Tensor(shape: [exact.count, inputs], data: columns))]
    }

    /// The `count` largest values offered, with their indices, largest first (ties: the first offered).
    struct Largest {
        let count: Int
        private(set) var items: [(index: Int, value: Float)] = []

        init(count: Int) { self.count = count }

        mutating func offer(_ index: Int, _ value: Float) {
            if items.count == count, let last = items.last, value <= last.value { return }
            let at = items.firstIndex { value > $0.value } ?? items.count
            items.insert((index, value), at: at)
            if items.count > count { items.removeLast() }
        }
    }

    /// {shape, data}: the data as base64 of little-endian float32.
    static func tensor(_ t: Tensor) -> JSONValue {
        #if _endian(little)
        let bytes = t.data.withUnsafeBytes { Data($0) }  // already little-endian float32: one copy
        #else
        var bytes = Data(capacity: t.count * 4)
        for v in t.data { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        #endif
        return .object(["shape": .ints(t.shape), "data": .string(bytes.base64EncodedString())])
    }
}
