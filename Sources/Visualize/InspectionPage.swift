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
        /// The class `--target` chose for the gradients (nil: the predicted class), named in the
        /// gradient pictures' subtitles and captions.
        public var chosenTargetClass: String?
        /// The language of the pages and of the pictures' titles.
        public var language: Language = .en

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

    /// Every picture of one layer (index 0 = the input), drawn from the trace only, with its
    /// titles, alt texts and captions in `l`.
    /// `target`: the class the gradients are of, when not the predicted one.
    public static func pictures(for layer: TraceView.LayerInfo?, in trace: TraceView, classNames: [String],
                                target: String? = nil, language l: Language = .en) throws -> [Picture] {
        guard let layer else {
            guard let x = try trace.input() else { return [] }
            let input = LayerPictures.input(x, language: l)
            var pictures = [Picture(file: "00_input.png", image: input,
                                    alt: l.pick("the input image after preprocessing and its three channels", "la imagen de entrada tras el preprocesado y sus tres canales"),
                                    caption: l.pick("The image the network sees, and its red, green and blue channels.", "La imagen que ve la red y sus canales rojo, verde y azul."))]
            if let g = try trace.inputGradient(), g.rank == 4 {
                pictures.append(Picture(file: "00_input_gradient.png",
                                        image: LayerPictures.featureMaps(g, title: l.pick("input: gradient of the loss", "entrada: gradiente de la pérdida"),
                                                                         subtitle: l.pick("dLoss/dx per channel; blue: raising the pixel lowers the loss",
                                                                                          "dLoss/dx por canal; azul: subir el píxel baja la pérdida"), map: .diverging, language: l),
                                        alt: l.pick("gradient of the loss with respect to each input value", "gradiente de la pérdida respecto a cada valor de entrada"),
                                        caption: l.pick("How the loss changes with each number of the image: the pixels that would change the answer most.",
                                                        "Cómo cambia la pérdida con cada número de la imagen: los píxeles que más cambiarían la respuesta.")))
            }
            return pictures
        }
        let prefix = (layer.index < 10 ? "0" : "") + "\(layer.index)_\(layer.name)"
        var out: [Picture] = []
        let output = try trace.tensor(layer.name, .output)
        let pre = try trace.tensor(layer.name, .preActivation)
        let relu = layer.activation == "relu"
        let afterName = relu ? l.pick("after ReLU", "tras ReLU") : layer.activation == "linear" ? l.pick("output", "salida") : l.pick("after ", "tras ") + layer.activation
        let before = l.pick("before ", "antes de ") + layer.activation

        if layer.kind == .conv2D, let k = try trace.tensor(layer.name, .kernel) {
            out.append(Picture(file: prefix + "_kernels.png",
                               image: LayerPictures.kernels(k, bias: try trace.tensor(layer.name, .bias), title: "\(layer.name): " + l.pick("kernels", "kernels (filtros)"), language: l),
                               alt: l.pick("the \(k.shape[3]) kernels of \(layer.name)", "los \(k.shape[3]) kernels de \(layer.name)"),
                               caption: l.pick("Every filter's weights per input channel (blue negative, red positive), its bias, and the filter as a colour patch.",
                                               "Los pesos de cada filtro por canal de entrada (azul negativo, rojo positivo), su sesgo y el filtro como una mancha de color.")))
        }
        if layer.kind?.isWindowPooling == true, let input = try trace.input(of: layer), let output,
           input.rank == 4, output.rank == 4 {
            let channels = PoolingPictures.liveliestChannels(input, count: 4)
            out.append(Picture(file: prefix + "_zoom.png", image: PoolingPictures.zoom(input: input, output: output, layer: layer, channels: channels, language: l),
                               alt: l.pick("pooling windows with numbers", "ventanas de pooling con sus números"),
                               caption: l.pick("The top-left corner of \(channels.count) channels, with the numbers: each window and the value it keeps.",
                                               "La esquina superior izquierda de \(channels.count) canales, con los números: cada ventana y el valor que conserva.")))
            out.append(Picture(file: prefix + "_full.png", image: PoolingPictures.full(input: input, output: output, layer: layer, channels: channels, language: l),
                               alt: l.pick("whole input and output maps of the pooling layer", "mapas completos de entrada y de salida de la capa de pooling"),
                               caption: l.pick("The whole maps of the same channels: input beside output.", "Los mapas completos de los mismos canales: la entrada junto a la salida.")))
        }
        if let pre, pre.rank == 4 {
            out.append(Picture(file: prefix + "_pre_activation.png",
                               image: LayerPictures.featureMaps(pre, title: "\(layer.name): \(before)",
                                                                subtitle: l.pick("z = sum of window × filter + bias; blue < 0 < red", "z = suma de ventana × filtro + sesgo; azul < 0 < rojo"), map: .diverging, language: l),
                               alt: l.pick("feature maps before the activation", "mapas de características antes de la activación"),
                               caption: l.pick("Feature maps before the activation: negative values (blue) are what ReLU will switch off.",
                                               "Mapas de características antes de la activación: los valores negativos (azul) son los que ReLU apagará.")))
        }
        let globalPooling = layer.kind?.isGlobalPooling == true
        if let output, output.rank == 4, !globalPooling {
            let signed = (output.data.min() ?? 0) < 0
            out.append(Picture(file: prefix + "_output.png",
                               image: LayerPictures.featureMaps(output, title: "\(layer.name): \(afterName)",
                                                                subtitle: l.pick("\(output.shape[3]) maps of \(output.shape[1])×\(output.shape[2])", "\(output.shape[3]) mapas de \(output.shape[1])×\(output.shape[2])"),
                                                                map: signed ? .diverging : .viridis, language: l),
                               alt: l.pick("feature maps ", "mapas de características ") + afterName,
                               caption: relu ? l.pick("Feature maps after ReLU: bright where the filter found its pattern, dark (zero) elsewhere.",
                                                      "Mapas de características tras ReLU: claros donde el filtro encontró su patrón, oscuros (cero) en el resto.")
                                : layer.kind == .batchNormalization ? l.pick("The maps of the layer before, normalised channel by channel: blue below the channel's usual level, red above it.",
                                                                             "Los mapas de la capa anterior, normalizados canal a canal: azul por debajo del nivel habitual del canal, rojo por encima.")
                                : l.pick("The layer's output maps.", "Los mapas de salida de la capa.")))
        }
        if layer.kind == .batchNormalization {
            let image = NormalizationPictures.statistics(
                gamma: try trace.tensor(layer.name, .weight("gamma")), beta: try trace.tensor(layer.name, .weight("beta")),
                movingMean: try trace.tensor(layer.name, .weight("moving_mean")), movingVariance: try trace.tensor(layer.name, .weight("moving_variance")),
                momentum: layer.config["momentum"]?.doubleValue ?? 0.99, layer: layer.name, language: l)
            out.append(Picture(file: prefix + "_statistics.png", image: image,
                               alt: l.pick("gamma, beta, moving mean and moving variance per channel", "gamma, beta, media móvil y varianza móvil por canal"),
                               caption: l.pick("The four numbers per channel: each map above is (input − moving mean) / √(moving variance + ε), times gamma, plus beta.",
                                               "Los cuatro números de cada canal: cada mapa de arriba es (entrada − media móvil) / √(varianza móvil + ε), por gamma, más beta.")))
        }
        if globalPooling, let output, let input = try trace.input(of: layer) {
            out.append(Picture(file: prefix + "_output.png",
                               image: GlobalPoolingPictures.bars(output, kind: layer.kind ?? .globalAveragePooling2D, layer: layer.name, inputShape: Array(input.shape.dropFirst()), language: l),
                               alt: l.pick("one bar per channel", "una barra por canal"),
                               caption: l.pick("Each channel's maps of the layer before, summed up in one number: the bar strip a Dense layer reads.",
                                               "El mapa de cada canal de la capa anterior, resumido en un número: la tira de barras que lee una capa Dense.")))
        } else if let output, output.rank == 2 {
            let units = output.shape[1]
            if units == 1 {
                let logit = (pre ?? output).data[0]
                let image = layer.activation == "sigmoid"
                    ? LayerPictures.sigmoidOutput(logit: logit, classNames: classNames, title: "\(layer.name): " + l.pick("the output neuron", "la neurona de salida"), language: l)
                    : LayerPictures.barStrip(output.data, title: "\(layer.name): " + l.pick("output", "salida"), map: .diverging, language: l)
                out.append(Picture(file: prefix + "_output.png", image: image, alt: l.pick("the output neuron", "la neurona de salida"),
                                   caption: layer.activation == "sigmoid"
                                    ? l.pick("The logit z, the sigmoid probability p, the 0.5 threshold and the class it picks.", "El logit z, la probabilidad p de la sigmoide, el umbral 0.5 y la clase que elige.")
                                    : l.pick("The output value.", "El valor de salida.")))
            } else if units <= 1024 {
                let labels = layer.activation == "softmax" && classNames.count == units ? classNames.map { l.label($0) } : []
                if let pre {
                    out.append(Picture(file: prefix + "_pre_activation.png",
                                       image: LayerPictures.barStrip(pre.data, title: "\(layer.name): \(before)",
                                                                     subtitle: l.pick("one bar per unit: z = weights · inputs + bias", "una barra por unidad: z = pesos · entradas + sesgo"), map: .diverging, labels: labels, language: l),
                                       alt: l.pick("dense pre-activations", "preactivaciones de la capa Dense"),
                                       caption: l.pick("Each unit's weighted sum before the activation.", "La suma ponderada de cada unidad antes de la activación.")))
                }
                let signed = (output.data.min() ?? 0) < 0
                let zeros = output.data.filter { $0 == 0 }.count
                let subtitle = relu ? l.pick("\(units) units; \(zeros) of them are 0 (switched off by ReLU)", "\(units) unidades; \(zeros) valen 0 (apagadas por ReLU)")
                    : layer.activation == "softmax" ? l.pick("the probability of each of the \(units) classes (they sum to 1)", "la probabilidad de cada una de las \(units) clases (suman 1)")
                    : l.pick("\(units) values", "\(units) valores")
                out.append(Picture(file: prefix + "_output.png",
                                   image: LayerPictures.barStrip(output.data, title: "\(layer.name): \(afterName)", subtitle: subtitle, map: signed ? .diverging : .viridis, labels: labels, language: l),
                                   alt: l.pick("dense activations", "activaciones de la capa Dense"),
                                   caption: relu ? l.pick("The \(units) activations after ReLU: the bars at zero are switched off.", "Las \(units) activaciones tras ReLU: las barras en cero están apagadas.")
                                    : l.pick("The layer's \(units) outputs.", "Las \(units) salidas de la capa.")))
            }
        }
        if let g = try trace.tensor(layer.name, .outputGradient), g.rank == 4 {
            let classPhrase = target.map { (en: "the class \($0)", es: "la clase \(l.label($0))") }
                ?? (en: "the predicted class", es: "la clase predicha")
            out.append(Picture(file: prefix + "_gradient.png",
                               image: LayerPictures.featureMaps(g, title: "\(layer.name): " + l.pick("gradient of the loss", "gradiente de la pérdida"),
                                                                subtitle: l.pick("dLoss/d(output) for \(classPhrase.en); blue: raising the value lowers the loss",
                                                                                 "dPérdida/d(salida) para \(classPhrase.es); azul: subir el valor baja la pérdida"), map: .diverging, language: l),
                               alt: l.pick("gradient of the loss with respect to the output", "gradiente de la pérdida respecto a la salida"),
                               caption: l.pick("How the loss (against \(classPhrase.en)) changes with each output value: where this layer's numbers matter for the answer.",
                                               "Cuánto cambia la pérdida (respecto a \(classPhrase.es)) con cada valor de salida: dónde importan los números de esta capa para la respuesta.")))
        }
        return out
    }

    /// Draws the whole page: every layer's pictures (to be written in `pictureFolder`) and the
    /// HTML of `index.html`, which links them by relative paths. Writing is the caller's.
    public static func render(_ trace: TraceView, context: Context) throws -> (pictures: [Picture], html: String) {
        var all: [Picture] = []
        var sections: [(layer: TraceView.LayerInfo?, pictures: [Picture])] = []
        for layer in [nil] + trace.layers.map(Optional.some) {
            let pictures = try self.pictures(for: layer, in: trace, classNames: context.classNames,
                                             target: context.chosenTargetClass, language: context.language)
            all += pictures
            sections.append((layer, pictures))
        }
        return (all, page(trace, context: context, sections: sections))
    }
}
