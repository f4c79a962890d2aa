import CNNCore
import ImageFiles

/// The picture of GlobalAveragePooling2D and GlobalMaxPooling2D: one bar per channel, the strip
/// a Dense layer after it reads (the maps they summarise are drawn with the layer before).
public enum GlobalPoolingPictures {
    /// A global pooling's output: one bar per channel of the maps before it.
    public static func bars(_ output: Tensor, kind: LayerKind, layer: String, inputShape: [Int]) -> RGBImage {
        let what = kind == .globalMaxPooling2D ? "the largest value" : "the average"
        let size = inputShape.count == 3 ? "\(inputShape[0])×\(inputShape[1]) " : ""
        return LayerPictures.barStrip(output.data, title: "\(layer): one number per channel",
                                      subtitle: "bar c = \(what) of channel c's \(size)map", map: (output.data.min() ?? 0) < 0 ? .diverging : .viridis)
    }
}
