import CNNCore
import ImageFiles

/// The picture of a BatchNormalization's own numbers, drawn from a trace's tensors.
///
/// A BatchNormalization's output maps are drawn as any feature maps; what is its own is the four
/// numbers per channel it works with, shown here side by side so a student can follow one
/// channel: y = gamma · (x − moving_mean) / √(moving_variance + ε) + beta.
public enum NormalizationPictures {
    /// gamma and beta (learned), moving mean and moving variance (gathered in training), one bar
    /// per channel each; a missing array (center or scale off) is left out.
    /// `momentum` is the layer's: each training batch moves the moving statistics 1 − momentum of the way.
    public static func statistics(gamma: Tensor?, beta: Tensor?, movingMean: Tensor?, movingVariance: Tensor?,
                                  momentum: Double, layer: String) -> RGBImage {
        let share = Format.percent(Float(1 - momentum))
        func strip(_ t: Tensor?, _ title: String, _ subtitle: String, _ map: Colormap) -> RGBImage? {
            t.map { LayerPictures.barStrip($0.data, title: title, subtitle: subtitle, map: map) }
        }
        let learned = [strip(gamma, "\(layer): gamma", "scale per channel, learned (starts at 1)", .diverging),
                       strip(beta, "\(layer): beta", "shift per channel, learned (starts at 0)", .diverging)].compactMap { $0 }
        let gathered = [strip(movingMean, "\(layer): moving mean", "not trained: moves \(share) toward each batch's mean", .diverging),
                        strip(movingVariance, "\(layer): moving variance", "not trained: moves \(share) toward each batch's variance", .viridis)].compactMap { $0 }
        let rows = [learned, gathered].filter { !$0.isEmpty }.map { ImageOps.stackHorizontally($0, gap: 16) }
        return ImageOps.stackVertically(rows, gap: 16)
    }
}
