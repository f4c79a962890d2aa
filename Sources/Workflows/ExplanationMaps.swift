import CNNCore
import FastPlan

/// The numbers of one explanation of one image for one target class: Grad-CAM, saliency,
/// occlusion sensitivity and the last hidden Dense layer's votes. Computed on the reference
/// engine (CNNCore) with a trace; occlusion's many forward passes run on the fast plan.
///
/// The score s of the target is its logit (s = z for class 1 and −z for class 0 with one
/// sigmoid unit; the target's pre-softmax logit otherwise): see `Sequential.classScore`.
public struct ExplanationMaps {
    /// Grad-CAM (Selvaraju et al. 2017) on the last convolution block's output A (H, W, K), after
    /// its activation (`GradCAMLayer`):
    ///   α_k = mean over (i, j) of ∂s/∂A_ijk,   cam = ReLU(Σ_k α_k A_k)   (H, W)
    public struct GradCAM {
        public var layer: String
        /// α_k, one per channel of A.
        public var weights: [Float]
        /// cam, shape (H, W).
        public var map: Tensor
    }

    /// Occlusion sensitivity (Zeiler and Fergus 2014): a `patch`×`patch` square of value `fill`
    /// (in the model's input units, after rescaling) slides with `stride`; each cell holds
    /// p(target) without the patch minus p(target) with it (positive: that region was evidence for).
    public struct OcclusionSettings: Equatable, Sendable {
        public var patch: Int
        public var stride: Int
        public var fill: Float
        public init(patch: Int = 8, stride: Int = 4, fill: Float = 0.5) {
            self.patch = patch; self.stride = stride; self.fill = fill
        }
        /// The defaults (patch 8, stride 4) from a 16-pixel input up; a patch a quarter of the side
        /// on smaller inputs, so that a small demo image still gets a map.
        public static func suited(toSide side: Int) -> OcclusionSettings {
            let patch = side >= 16 ? 8 : max(1, side / 4)
            return OcclusionSettings(patch: patch, stride: max(1, patch / 2))
        }
        /// Patch positions along an axis of `size` pixels: 0, stride, … while the patch fits.
        public func positions(_ size: Int) -> [Int] {
            patch <= size ? Array(Swift.stride(from: 0, through: size - patch, by: stride)) : []
        }
    }

    public struct Occlusion {
        public var settings: OcclusionSettings
        /// p(target) of the image as it is.
        public var baseline: Float
        /// baseline − p(target with the patch at row r, column c): shape (rows, columns).
        public var map: Tensor
    }

    /// The last hidden Dense layer's votes: for unit j with activation h_j, its share of the
    /// score of class c is h_j · w_jc, where w_jc is the output weight toward c (−W_j for class 0
    /// of one sigmoid unit). Σ_j h_j · w_jc + b_c = s_c.
    public struct DenseVotes {
        public var layer: String
        public var layerIndex: Int
        /// h, one per unit.
        public var activations: [Float]
        /// weights[c][j] = w_jc.
        public var weights: [[Float]]
        /// The bias toward each class (−b for class 0 of a sigmoid).
        public var bias: [Float]

        /// h_j · w_jc for every unit, largest first.
        public func contributions(toward c: Int) -> [(unit: Int, activation: Float, weight: Float, vote: Float)] {
            activations.indices.map { j in (j, activations[j], weights[c][j], activations[j] * weights[c][j]) }
                .sorted { $0.vote > $1.vote || ($0.vote == $1.vote && $0.unit < $1.unit) }
        }
    }

    public var target: Int
    /// The model's output row (probabilities) and logits for the image.
    public var output: [Float]
    public var logits: [Float]
    /// s of the target.
    public var score: Float
    /// nil when the model has no Conv2D (`gradCAMMissing` says why).
    public var gradCAM: GradCAM?
    /// ∂s/∂x, shape (H, W, C): the input as the model sees it.
    public var saliency: Tensor
    public var occlusion: Occlusion
    public var votes: DenseVotes?
    /// Grad-CAM with s = h_j for the units that vote most for the target.
    public var unitCAMs: [(unit: Int, cam: GradCAM)]

    /// The message for a model without Conv2D.
    public static let gradCAMMissing = "Grad-CAM needs a Conv2D layer (it weighs that layer's feature maps); this model has none, so only saliency and occlusion are shown"

    /// p(class) from an output row: p or 1 − p for one sigmoid unit, row[c] for a softmax.
    public static func probability(of c: Int, in row: [Float]) -> Float {
        row.count == 1 ? (c == 1 ? row[0] : 1 - row[0]) : row[c]
    }

    /// Everything for one sample `input` (1, H, W, C) and class `target`.
    public static func compute(model: Sequential, input: Tensor, target: Int, occlusion settings: OcclusionSettings = OcclusionSettings(),
                               topUnits: Int = 3, what: String = "the image") throws -> ExplanationMaps {
        let trace = Trace()
        let out = try model.forwardChecked(input, for: what, trace: trace)
        let logits = try model.lastLogits()
        let dx = try model.classScoreInputGradient(target: target, trace: trace)
        let sampleShape = Array(input.shape.dropFirst())
        let conv = GradCAMLayer.index(kinds: model.layers.map(\.kind))
        let cam = try conv.map { try gradCAM(model.layers[$0].name, trace) }
        let votes = denseVotes(model)
        var unitCAMs: [(Int, GradCAM)] = []
        if let votes, let conv, conv < votes.layerIndex {
            for vote in votes.contributions(toward: target).prefix(topUnits) where vote.vote > 0 {
                var g = [Float](repeating: 0, count: votes.activations.count)
                g[vote.unit] = 1
                _ = try model.gradient(Tensor(shape: [1, g.count], data: g), at: votes.layerIndex, downToOutputOf: conv,
                                       fromPreActivation: false, trace: trace)
                unitCAMs.append((vote.unit, try gradCAM(model.layers[conv].name, trace)))
            }
        }
        let occ = try occlusion(model: model, input: input, target: target, settings: settings)
        return ExplanationMaps(target: target, output: Array(out.data.prefix(out.shape.last ?? 1)), logits: logits,
                               score: Sequential.classScore(logits: logits, target: target), gradCAM: cam,
                               saliency: dx.reshaped(sampleShape), occlusion: occ, votes: votes, unitCAMs: unitCAMs)
    }

    /// Grad-CAM from the trace: the layer's output A and the gradient that reached it.
    static func gradCAM(_ layer: String, _ trace: Trace) throws -> GradCAM {
        guard let a = trace.tensor(layer: layer, role: .output), let da = trace.tensor(layer: layer, role: .outputGradient) else {
            throw CNNError.invalidInput("the trace lacks the output or gradient of '\(layer)'", hint: "run forward and backward with a trace first")
        }
        return gradCAM(layer: layer, activations: a, gradient: da)
    }

    /// α_k = mean_ij ∂s/∂A_ijk, cam_ij = max(0, Σ_k α_k A_ijk). A and ∂s/∂A: (1, H, W, K) or (H, W, K).
    public static func gradCAM(layer: String, activations a: Tensor, gradient da: Tensor) -> GradCAM {
        let k = a.shape[a.rank - 1], w = a.shape[a.rank - 2], h = a.shape[a.rank - 3]
        var alpha = [Float](repeating: 0, count: k)
        for p in 0..<(h * w) { for c in 0..<k { alpha[c] += da.data[p * k + c] } }
        for c in 0..<k { alpha[c] /= Float(h * w) }
        var cam = [Float](repeating: 0, count: h * w)
        for p in 0..<(h * w) {
            var sum: Float = 0
            for c in 0..<k { sum += alpha[c] * a.data[p * k + c] }
            cam[p] = max(0, sum)
        }
        return GradCAM(layer: layer, weights: alpha, map: Tensor(shape: [h, w], data: cam))
    }

    /// The votes of the Dense layer right before the output layer (Dropout between them is
    /// the identity at inference); nil when there is no such layer.
    static func denseVotes(_ model: Sequential) -> DenseVotes? {
        guard let site = try? model.logitSite(), site.isPreActivation,
              let output = model.layers[site.layerIndex] as? Dense, let kernel = output.kernel?.value else { return nil }
        var i = site.layerIndex - 1
        while i >= 0, model.layers[i].kind == .dropout { i -= 1 }
        guard i >= 0, let hidden = model.layers[i] as? Dense, let h = hidden.lastOutput else { return nil }
        let inputs = kernel.shape[0], units = kernel.shape[1]
        let bias = output.bias?.value.data ?? [Float](repeating: 0, count: units)
        let column = { (o: Int) in (0..<inputs).map { kernel.data[$0 * units + o] } }
        let weights = units == 1 ? [column(0).map { -$0 }, column(0)] : (0..<units).map(column)
        return DenseVotes(layer: hidden.name, layerIndex: i, activations: Array(h.data.prefix(inputs)), weights: weights,
                          bias: units == 1 ? [-bias[0], bias[0]] : bias)
    }

    /// The occlusion map: every occluded copy of `input` through the fast plan in batches.
    public static func occlusion(model: Sequential, input: Tensor, target: Int, settings s: OcclusionSettings) throws -> Occlusion {
        let shape = Array(input.shape.dropFirst())
        let (height, width, channels) = (shape[0], shape[1], shape[2])
        let rows = s.positions(height), columns = s.positions(width)
        let forward: (Tensor) throws -> Tensor
        if let plan = try? ExecutionPlan(model) { forward = { try plan.forward($0) } } else { forward = { try model.forward($0) } }
        let baseline = probability(of: target, in: try forward(input).data)
        var cells: [(Int, Int)] = []
        for r in rows { for c in columns { cells.append((r, c)) } }
        var map: [Float] = []
        let batch = 16
        for start in Swift.stride(from: 0, to: cells.count, by: batch) {
            let chunk = cells[start..<min(start + batch, cells.count)]
            var data: [Float] = []
            data.reserveCapacity(chunk.count * input.count)
            for (r, c) in chunk {
                var x = input.data
                for y in r..<(r + s.patch) {
                    for xx in c..<(c + s.patch) {
                        for ch in 0..<channels { x[(y * width + xx) * channels + ch] = s.fill }
                    }
                }
                data += x
            }
            let out = try forward(Tensor(shape: [chunk.count] + shape, data: data))
            let units = out.shape.last ?? 1
            for n in 0..<chunk.count {
                map.append(baseline - probability(of: target, in: Array(out.data[(n * units)..<((n + 1) * units)])))
            }
        }
        return Occlusion(settings: s, baseline: baseline, map: Tensor(shape: [rows.count, columns.count], data: map))
    }
}
