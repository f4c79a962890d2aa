import CNNCore
import Foundation

extension InspectionPage {
    /// One sentence saying what a layer does, with its own numbers, in `l`.
    public static func sentence(for layer: TraceView.LayerInfo?, inputShape: [Int], classNames: [String], language l: Language = .en) -> String {
        let (h, w, c) = (inputShape.first ?? 0, inputShape.dropFirst().first ?? 0, inputShape.last ?? 0)
        guard let layer else {
            return l.pick("The image after preprocessing: \(h)×\(w) pixels with \(c) channels (red, green, blue), each value a pixel times the rescale factor.",
                          "La imagen tras el preprocesado: \(h)×\(w) píxeles con \(c) canales (rojo, verde, azul); cada valor es un píxel por el factor de rescale.")
        }
        let out = layer.outputShape
        let (oh, ow, oc) = (out.first ?? 0, out.dropFirst().first ?? 0, out.last ?? 0)
        let act = layer.activation
        let actText = act == "linear" ? "" : act == "relu"
            ? l.pick(" and sets every negative result to zero (ReLU)", " y pone a cero todo resultado negativo (ReLU)")
            : l.pick(" and applies ", " y aplica ") + act
        let noWeights = l.pick("it has no weights to learn.", "no tiene pesos que aprender.")
        switch layer.kind {
        case .conv2D?:
            let k = layer.pair("kernel_size", (3, 3)), s = layer.pair("strides", (1, 1))
            let padding = layer.config["padding"]?.stringValue ?? "valid"
            return l.pick("Slides \(oc) filters of \(k.0)×\(k.1)×\(c) weights over the input (stride \(s.0), \(padding) padding); at each position it multiplies the window by the filter, sums, adds the bias\(actText), giving \(oc) feature maps of \(oh)×\(ow).",
                          "Desliza \(oc) filtros de \(k.0)×\(k.1)×\(c) pesos sobre la entrada (paso \(s.0), relleno '\(padding)'); en cada posición multiplica la ventana por el filtro, suma, añade el sesgo\(actText), y da \(oc) mapas de características de \(oh)×\(ow).")
        case .maxPooling2D?, .averagePooling2D?:
            let p = layer.pair("pool_size", (2, 2)), s = layer.pair("strides", p)
            let max = layer.kind == .maxPooling2D
            let what = max ? l.pick("keeps the largest value", "conserva el valor más grande") : l.pick("keeps the average", "conserva la media")
            return l.pick("In every channel, \(what) of each \(p.0)×\(p.1) window (stride \(s.0)), shrinking \(h)×\(w) to \(oh)×\(ow); ",
                          "En cada canal \(what) de cada ventana \(p.0)×\(p.1) (paso \(s.0)), y reduce \(h)×\(w) a \(oh)×\(ow); ") + noWeights
        case .flatten?:
            let shape = inputShape.map(String.init).joined(separator: "×")
            return l.pick("Lays the \(shape) values out as one list of \(oh) numbers in (row, column, channel) order, so a Dense layer can take them; nothing is computed.",
                          "Coloca los \(shape) valores en una sola lista de \(oh) números, en orden (fila, columna, canal), para que una capa Dense pueda recibirlos; no se calcula nada.")
        case .dense?:
            let units = oh
            if units == 1 && act == "sigmoid" {
                let names = classNames.count >= 2 ? classNames : [l.pick("class 0", "clase 0"), l.pick("class 1", "clase 1")]
                return l.pick("One neuron weighs all \(h) inputs, adds a bias to get the logit z, and squashes it with the sigmoid into p = σ(z), the probability of \"\(names[1])\"; p > 0.5 means \(names[1]), otherwise \(names[0]).",
                              "Una neurona pondera las \(h) entradas, suma un sesgo para obtener el logit z y lo comprime con la sigmoide en p = σ(z), la probabilidad de \(l.label(names[1])); p > 0.5 significa \(l.label(names[1])) y, si no, \(l.label(names[0])).")
            }
            return l.pick("Each of the \(units) units multiplies all \(h) inputs by its own weights, sums them and adds a bias\(actText).",
                          "Cada una de las \(units) unidades multiplica las \(h) entradas por sus propios pesos, las suma, añade un sesgo\(actText).")
        case .dropout?:
            let rate = Format.short(layer.config["rate"]?.doubleValue ?? 0)
            return l.pick("During training it zeroes a random share (\(rate)) of the values; when predicting, as here, it passes its input through unchanged.",
                          "Durante el entrenamiento pone a cero una parte al azar (\(rate)) de los valores; al predecir, como aquí, deja pasar su entrada sin cambios.")
        case .activation?:
            return l.pick("Applies \(act) to every value.", "Aplica \(act) a cada valor.")
        case .batchNormalization?:
            let eps = Format.short(layer.config["epsilon"]?.doubleValue ?? 1e-3), n = layer.nonTrainableParameters
            return l.pick("For each of the \(oc) channels, subtracts the mean and divides by √(variance + \(eps)), then multiplies by gamma and adds beta (both learned). When predicting, as here, it uses the moving mean and variance gathered during training (its \(n) non-trainable numbers); in training it uses the batch's own.",
                          "En cada uno de los \(oc) canales resta la media y divide por √(varianza + \(eps)); después multiplica por gamma y suma beta (ambos aprendidos). Al predecir, como aquí, usa la media y la varianza móviles reunidas durante el entrenamiento (sus \(n) números no entrenables); al entrenar usa las del propio lote.")
        case .globalAveragePooling2D?, .globalMaxPooling2D?:
            let max = layer.kind == .globalMaxPooling2D
            let what = max ? l.pick("keeps the largest", "conserva el mayor") : l.pick("averages all", "promedia todos")
            return l.pick("In every channel, \(what) of the \(h)×\(w) values, giving one number per channel: \(c) numbers in all, a bar each below; ",
                          "En cada canal \(what) de los \(h)×\(w) valores, y da un número por canal: \(c) números en total, una barra cada uno abajo; ") + noWeights
        case .rescaling?:
            let scale = layer.config["scale"]?.doubleValue ?? 1, offset = layer.config["offset"]?.doubleValue ?? 0
            let scaleText = abs(scale - 1.0 / 255) < 1e-9 ? "1/255" : Format.short(scale)
            let plus = offset == 0 ? "" : l.pick(" and adds ", " y suma ") + Format.short(offset)
            return l.pick("Multiplies every value by \(scaleText)\(plus): the model's own ImageDataGenerator(rescale=…), so the pixels go in as 0…255; ",
                          "Multiplica cada valor por \(scaleText)\(plus): el ImageDataGenerator(rescale=…) del propio modelo, así que los píxeles entran como 0…255; ") + noWeights
        case .zeroPadding2D?:
            let pad = layer.config["padding"]?.arrayValue?.compactMap(\.intPair) ?? []
            let sides = pad.count == 2 ? l.pick(" (\(pad[0].0) on top, \(pad[0].1) below, \(pad[1].0) left, \(pad[1].1) right)",
                                                " (\(pad[0].0) arriba, \(pad[0].1) abajo, \(pad[1].0) a la izquierda, \(pad[1].1) a la derecha)") : ""
            return l.pick("Surrounds each map with zeros\(sides), \(h)×\(w) becoming \(oh)×\(ow), so the next layer's windows reach the border; ",
                          "Rodea cada mapa de ceros\(sides): \(h)×\(w) pasa a \(oh)×\(ow), para que las ventanas de la capa siguiente lleguen al borde; ") + noWeights
        default:
            return l.pick("A \(layer.kindName) layer.", "Una capa \(layer.kindName).")
        }
    }
}
