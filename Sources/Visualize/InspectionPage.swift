import CNNCore
import Foundation
import ImageFiles

/// Draws every picture of an inspection from a trace and writes them with `index.html`.
public enum InspectionPage {
    /// What the page says about where the numbers came from.
    public struct Context {
        public var imagePath: String
        public var imageSize: (width: Int, height: Int)
        public var modelDescription: String
        public var modelName: String
        public var preprocessing: Preprocessing
        public var classNames: [String]
        public var loss: String
        public var predictedClass: String
        public var probability: Float
        /// The index page this inspection belongs to (the tour's), relative to its folder.
        public var indexLink: (href: String, title: String)?
        /// The explanation of the same answer (`explain/index.html`) and its Grad-CAM map, which
        /// the explorer lays over the photo.
        public var explainLink: String?
        public var gradCAM: Tensor?
        /// What the gradients are of: "the loss against the predicted class (cats)" (`inspect --target`).
        public var gradientTarget = ""

        public init(imagePath: String, imageSize: (width: Int, height: Int), modelDescription: String, modelName: String,
                    preprocessing: Preprocessing, classNames: [String], loss: String, predictedClass: String, probability: Float) {
            self.imagePath = imagePath
            self.imageSize = imageSize
            self.modelDescription = modelDescription
            self.modelName = modelName
            self.preprocessing = preprocessing
            self.classNames = classNames
            self.loss = loss
            self.predictedClass = predictedClass
            self.probability = probability
        }
    }

    /// One picture of a layer: file name (under `pictures/`), alt text and caption.
    public struct Picture {
        public var file: String
        public var image: RGBImage
        public var alt: String
        public var caption: String
    }

    public static let pictureFolder = "pictures"
    /// The pictures page's file name, beside the explorer's `index.html`.
    public static let pageName = "pictures.html"

    /// Every picture of one layer (index 0 = the input), drawn from the trace only.
    public static func pictures(for layer: TraceView.LayerInfo?, in trace: TraceView, classNames: [String]) throws -> [Picture] {
        guard let layer else {
            guard let x = try trace.input() else { return [] }
            var pictures = [Picture(file: "00_input.png", image: LayerPictures.input(x), alt: "the input image after preprocessing and its three channels",
                                    caption: "The image the network sees, and its red, green and blue channels.")]
            if let g = try trace.inputGradient(), g.rank == 4 {
                pictures.append(Picture(file: "00_input_gradient.png",
                                        image: LayerPictures.featureMaps(g, title: "input: gradient of the loss", subtitle: "dLoss/dx per channel; blue: raising the pixel lowers the loss", map: .diverging),
                                        alt: "gradient of the loss with respect to each input value",
                                        caption: "How the loss changes with each number of the image: the pixels that would change the answer most."))
            }
            return pictures
        }
        let prefix = (layer.index < 10 ? "0" : "") + "\(layer.index)_\(layer.name)"
        var out: [Picture] = []
        let output = try trace.tensor(layer.name, .output)
        let pre = try trace.tensor(layer.name, .preActivation)
        let relu = layer.activation == "relu"
        let afterName = relu ? "after ReLU" : layer.activation == "linear" ? "output" : "after \(layer.activation)"

        if layer.kind == .conv2D, let k = try trace.tensor(layer.name, .kernel) {
            out.append(Picture(file: prefix + "_kernels.png", image: LayerPictures.kernels(k, bias: try trace.tensor(layer.name, .bias), title: "\(layer.name): kernels"),
                               alt: "the \(k.shape[3]) kernels of \(layer.name)", caption: "Every filter's weights per input channel (blue negative, red positive), its bias, and the filter as a colour patch."))
        }
        if layer.kind?.isWindowPooling == true, let input = try trace.input(of: layer), let output,
           input.rank == 4, output.rank == 4 {
            let channels = PoolingPictures.liveliestChannels(input, count: 4)
            out.append(Picture(file: prefix + "_zoom.png", image: PoolingPictures.zoom(input: input, output: output, layer: layer, channels: channels),
                               alt: "pooling windows with numbers", caption: "The top-left corner of \(channels.count) channels, with the numbers: each window and the value it keeps."))
            out.append(Picture(file: prefix + "_full.png", image: PoolingPictures.full(input: input, output: output, layer: layer, channels: channels),
                               alt: "whole input and output maps of the pooling layer", caption: "The whole maps of the same channels: input beside output."))
        }
        if let pre, pre.rank == 4 {
            out.append(Picture(file: prefix + "_pre_activation.png",
                               image: LayerPictures.featureMaps(pre, title: "\(layer.name): before \(layer.activation)", subtitle: "z = sum of window × filter + bias; blue < 0 < red", map: .diverging),
                               alt: "feature maps before the activation", caption: "Feature maps before the activation: negative values (blue) are what ReLU will switch off."))
        }
        let globalPooling = layer.kind?.isGlobalPooling == true
        if let output, output.rank == 4, !globalPooling {
            let signed = (output.data.min() ?? 0) < 0
            out.append(Picture(file: prefix + "_output.png",
                               image: LayerPictures.featureMaps(output, title: "\(layer.name): \(afterName)", subtitle: "\(output.shape[3]) maps of \(output.shape[1])×\(output.shape[2])", map: signed ? .diverging : .viridis),
                               alt: "feature maps \(afterName)", caption: relu ? "Feature maps after ReLU: bright where the filter found its pattern, dark (zero) elsewhere."
                                : layer.kind == .batchNormalization ? "The maps of the layer before, normalised channel by channel: blue below the channel's usual level, red above it."
                                : "The layer's output maps."))
        }
        if layer.kind == .batchNormalization {
            let image = NormalizationPictures.statistics(
                gamma: try trace.tensor(layer.name, .weight("gamma")), beta: try trace.tensor(layer.name, .weight("beta")),
                movingMean: try trace.tensor(layer.name, .weight("moving_mean")), movingVariance: try trace.tensor(layer.name, .weight("moving_variance")),
                momentum: layer.config["momentum"]?.doubleValue ?? 0.99, layer: layer.name)
            out.append(Picture(file: prefix + "_statistics.png", image: image, alt: "gamma, beta, moving mean and moving variance per channel",
                               caption: "The four numbers per channel: each map above is (input − moving mean) / √(moving variance + ε), times gamma, plus beta."))
        }
        if globalPooling, let output, let input = try trace.input(of: layer) {
            out.append(Picture(file: prefix + "_output.png",
                               image: GlobalPoolingPictures.bars(output, kind: layer.kind ?? .globalAveragePooling2D, layer: layer.name, inputShape: Array(input.shape.dropFirst())),
                               alt: "one bar per channel", caption: "Each channel's maps of the layer before, summed up in one number: the bar strip a Dense layer reads."))
        } else if let output, output.rank == 2 {
            let units = output.shape[1]
            if units == 1 {
                let logit = (pre ?? output).data[0]
                let image = layer.activation == "sigmoid"
                    ? LayerPictures.sigmoidOutput(logit: logit, classNames: classNames, title: "\(layer.name): the output neuron")
                    : LayerPictures.barStrip(output.data, title: "\(layer.name): output", map: .diverging)
                out.append(Picture(file: prefix + "_output.png", image: image, alt: "the output neuron",
                                   caption: layer.activation == "sigmoid" ? "The logit z, the sigmoid probability p, the 0.5 threshold and the class it picks." : "The output value."))
            } else if units <= 1024 {
                let labels = layer.activation == "softmax" && classNames.count == units ? classNames : []
                if let pre {
                    out.append(Picture(file: prefix + "_pre_activation.png",
                                       image: LayerPictures.barStrip(pre.data, title: "\(layer.name): before \(layer.activation)", subtitle: "one bar per unit: z = weights · inputs + bias", map: .diverging, labels: labels),
                                       alt: "dense pre-activations", caption: "Each unit's weighted sum before the activation."))
                }
                let signed = (output.data.min() ?? 0) < 0
                out.append(Picture(file: prefix + "_output.png",
                                   image: LayerPictures.barStrip(output.data, title: "\(layer.name): \(afterName)", subtitle: relu ? "\(units) units; \(output.data.filter { $0 == 0 }.count) of them are 0 (switched off by ReLU)"
                                        : layer.activation == "softmax" ? "the probability of each of the \(units) classes (they sum to 1)" : "\(units) values", map: signed ? .diverging : .viridis, labels: labels),
                                   alt: "dense activations", caption: relu ? "The \(units) activations after ReLU: the bars at zero are switched off." : "The layer's \(units) outputs."))
            }
        }
        if let g = try trace.tensor(layer.name, .outputGradient), g.rank == 4 {
            out.append(Picture(file: prefix + "_gradient.png",
                               image: LayerPictures.featureMaps(g, title: "\(layer.name): gradient of the loss", subtitle: "dLoss/d(output) for the predicted class; blue: raising the value lowers the loss", map: .diverging),
                               alt: "gradient of the loss with respect to the output", caption: "How the loss (against the predicted class) changes with each output value: where this layer's numbers matter for the answer."))
        }
        return out
    }

    /// One sentence saying what a layer does, with its own numbers.
    public static func sentence(for layer: TraceView.LayerInfo?, inputShape: [Int], classNames: [String]) -> String {
        guard let layer else {
            return "The image after preprocessing: \(inputShape.first ?? 0)×\(inputShape.dropFirst().first ?? 0) pixels with \(inputShape.last ?? 0) channels (red, green, blue), each value a pixel times the rescale factor."
        }
        let out = layer.outputShape
        let act = layer.activation
        let actText = act == "linear" ? "" : (act == "relu" ? " and sets every negative result to zero (ReLU)" : " and applies \(act)")
        switch layer.kind {
        case .conv2D?:
            let k = layer.pair("kernel_size", (3, 3)), s = layer.pair("strides", (1, 1))
            return "Slides \(out.last ?? 0) filters of \(k.0)×\(k.1)×\(inputShape.last ?? 0) weights over the input (stride \(s.0), \(layer.config["padding"]?.stringValue ?? "valid") padding); at each position it multiplies the window by the filter, sums, adds the bias\(actText), giving \(out.last ?? 0) feature maps of \(out.first ?? 0)×\(out.dropFirst().first ?? 0)."
        case .maxPooling2D?, .averagePooling2D?:
            let p = layer.pair("pool_size", (2, 2)), s = layer.pair("strides", p)
            let what = layer.kind == .maxPooling2D ? "keeps the largest value" : "keeps the average"
            return "In every channel, \(what) of each \(p.0)×\(p.1) window (stride \(s.0)), shrinking \(inputShape.first ?? 0)×\(inputShape.dropFirst().first ?? 0) to \(out.first ?? 0)×\(out.dropFirst().first ?? 0); it has no weights to learn."
        case .flatten?:
            return "Lays the \(inputShape.map(String.init).joined(separator: "×")) values out as one list of \(out.first ?? 0) numbers in (row, column, channel) order, so a Dense layer can take them; nothing is computed."
        case .dense?:
            let units = out.first ?? 0
            if units == 1 && act == "sigmoid" {
                let names = classNames.count >= 2 ? classNames : ["class 0", "class 1"]
                return "One neuron weighs all \(inputShape.first ?? 0) inputs, adds a bias to get the logit z, and squashes it with the sigmoid into p = σ(z), the probability of \"\(names[1])\"; p > 0.5 means \(names[1]), otherwise \(names[0])."
            }
            return "Each of the \(units) units multiplies all \(inputShape.first ?? 0) inputs by its own weights, sums them and adds a bias\(actText)."
        case .dropout?:
            return "During training it zeroes a random share (\(Format.short(layer.config["rate"]?.doubleValue ?? 0))) of the values; when predicting, as here, it passes its input through unchanged."
        case .activation?:
            return "Applies \(act) to every value."
        case .batchNormalization?:
            let eps = Format.short(layer.config["epsilon"]?.doubleValue ?? 1e-3)
            return "For each of the \(out.last ?? 0) channels, subtracts the mean and divides by √(variance + \(eps)), then multiplies by gamma and adds beta (both learned). When predicting, as here, it uses the moving mean and variance gathered during training (its \(layer.nonTrainableParameters) non-trainable numbers); in training it uses the batch's own."
        case .globalAveragePooling2D?, .globalMaxPooling2D?:
            let what = layer.kind == .globalMaxPooling2D ? "keeps the largest" : "averages all"
            return "In every channel, \(what) of the \(inputShape.first ?? 0)×\(inputShape.dropFirst().first ?? 0) values, giving one number per channel: \(inputShape.last ?? 0) numbers in all, a bar each below; it has no weights to learn."
        case .rescaling?:
            let scale = layer.config["scale"]?.doubleValue ?? 1, offset = layer.config["offset"]?.doubleValue ?? 0
            let scaleText = abs(scale - 1.0 / 255) < 1e-9 ? "1/255" : Format.short(scale)
            return "Multiplies every value by \(scaleText)\(offset == 0 ? "" : " and adds \(Format.short(offset))"): the model's own ImageDataGenerator(rescale=…), so the pixels go in as 0…255; it has no weights to learn."
        case .zeroPadding2D?:
            let pad = layer.config["padding"]?.arrayValue?.compactMap(\.intPair) ?? []
            let sides = pad.count == 2 ? " (\(pad[0].0) on top, \(pad[0].1) below, \(pad[1].0) left, \(pad[1].1) right)" : ""
            return "Surrounds each map with zeros\(sides), \(inputShape.first ?? 0)×\(inputShape.dropFirst().first ?? 0) becoming \(out.first ?? 0)×\(out.dropFirst().first ?? 0), so the next layer's windows reach the border; it has no weights to learn."
        default:
            return "A \(layer.kindName) layer."
        }
    }

    /// Draws the whole page: every layer's pictures (to be written in `pictureFolder`) and the
    /// HTML of `index.html`, which links them by relative paths. Writing is the caller's.
    public static func render(_ trace: TraceView, context: Context) throws -> (pictures: [Picture], html: String) {
        var all: [Picture] = []
        var sections: [(layer: TraceView.LayerInfo?, pictures: [Picture])] = []
        for layer in [nil] + trace.layers.map(Optional.some) {
            let pictures = try self.pictures(for: layer, in: trace, classNames: context.classNames)
            all += pictures
            sections.append((layer, pictures))
        }
        return (all, page(trace, context: context, sections: sections))
    }
}
