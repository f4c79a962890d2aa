import CNNCore
import ImageFiles

/// The picture of GlobalAveragePooling2D and GlobalMaxPooling2D: one bar per channel, the strip
/// a Dense layer after it reads (the maps they summarise are drawn with the layer before).
public enum GlobalPoolingPictures {
    /// A global pooling's output: one bar per channel of the maps before it.
    /// The words drawn follow `language` (English by default).
    public static func bars(_ output: Tensor, kind: LayerKind, layer: String, inputShape: [Int], language l: Language = .en) -> RGBImage {
        let isMax = kind == .globalMaxPooling2D
        let size = inputShape.count == 3 ? "\(inputShape[0])×\(inputShape[1])" : ""
        let subtitle = l == .en
            ? "bar c = " + (isMax ? "the largest value" : "the average") + " of channel c's " + (size.isEmpty ? "" : size + " ") + "map"
            : "barra c = " + (isMax ? "el valor más grande" : "la media") + " del mapa " + (size.isEmpty ? "" : "de " + size + " ") + "del canal c"
        return LayerPictures.barStrip(output.data, title: "\(layer): " + l.pick("one number per channel", "un número por canal"),
                                      subtitle: subtitle, map: (output.data.min() ?? 0) < 0 ? .diverging : .viridis, language: l)
    }
}
