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
    /// The words drawn follow `language` (English by default); gamma and beta keep their Keras names.
    public static func statistics(gamma: Tensor?, beta: Tensor?, movingMean: Tensor?, movingVariance: Tensor?,
                                  momentum: Double, layer: String, language l: Language = .en) -> RGBImage {
        let share = Format.percent(Float(1 - momentum))
        func strip(_ t: Tensor?, _ title: String, _ subtitle: String, _ map: Colormap) -> RGBImage? {
            t.map { LayerPictures.barStrip($0.data, title: title, subtitle: subtitle, map: map, language: l) }
        }
        let learned = [strip(gamma, "\(layer): gamma", l.pick("scale per channel, learned (starts at 1)", "escala por canal, aprendida (empieza en 1)"), .diverging),
                       strip(beta, "\(layer): beta", l.pick("shift per channel, learned (starts at 0)", "desplazamiento por canal, aprendido (empieza en 0)"), .diverging)].compactMap { $0 }
        let gathered = [strip(movingMean, "\(layer): " + l.pick("moving mean", "media móvil"),
                              l.pick("not trained: moves \(share) toward each batch's mean", "no se entrena: se mueve un \(share) hacia la media de cada lote"), .diverging),
                        strip(movingVariance, "\(layer): " + l.pick("moving variance", "varianza móvil"),
                              l.pick("not trained: moves \(share) toward each batch's variance", "no se entrena: se mueve un \(share) hacia la varianza de cada lote"), .viridis)].compactMap { $0 }
        let rows = [learned, gathered].filter { !$0.isEmpty }.map { ImageOps.stackHorizontally($0, gap: 16) }
        return ImageOps.stackVertically(rows, gap: 16)
    }
}
