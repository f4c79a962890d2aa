import CNNCore
import Foundation
import ImageFiles
import Visualize

extension Explanation {
    /// The page's words and pictures for computed maps: what Visualize draws, chosen here.
    static func pageContent(_ m: ExplanationMaps, photo: RGBImage, image: URL, model: String, classNames: [String],
                            name: (Int) -> String, predicted: Int, targetReason: String, language l: Language = .en) -> ExplanationPage.Content {
        let target = name(m.target)
        // The target class inside Spanish sentences reads as a «label» (`Language.label`).
        let named = l.label(target)
        let formula = m.logits.count == 1 ? (m.target == 1 ? "s = z" : "s = −z")
            : l.pick("s = z_\(m.target) (the pre-softmax logit of \(target))", "s = z_\(m.target) (el logit antes del softmax de \(named))")
        var c = ExplanationPage.Content(imagePath: image.path, modelDescription: model, classNames: classNames,
                                        answer: l.pick("\(name(predicted)) (class \(predicted))", "\(l.label(name(predicted))) (clase \(predicted))"),
                                        probabilityOfClass1: ExplanationMaps.probability(of: 1, in: m.output),
                                        target: l.pick("\(target) (class \(m.target))", "\(named) (clase \(m.target))"), targetReason: targetReason,
                                        scoreFormula: formula, score: m.score)
        c.language = l
        typealias P = ExplanationPictures
        let (h, w) = (m.saliency.shape[0], m.saliency.shape[1])
        c.pictures.append(("input", P.Picture(file: "photo.png", image: photo, caption: l.pick("The photo, squashed to the model's square input as it sees it",
                                                                                          "La foto, aplastada a la entrada cuadrada del modelo tal como él la ve"))))
        if let cam = m.gradCAM {
            c.gradCAMLayer = cam.layer
            c.gradCAMShape = cam.map.shape + [cam.weights.count]
            let (ch, cw) = (cam.map.shape[0], cam.map.shape[1])
            c.pictures.append(("gradcam", P.overlayPicture("gradcam_overlay.png", photo: photo, map: cam.map.data, width: cw, height: ch,
                                                           colormap: .viridis, caption: l.pick("Grad-CAM for \(target) over the photo (bright: raises s)", "Grad-CAM de \(named) sobre la foto (claro: sube s)"))))
            c.pictures.append(("gradcam", P.Picture(file: "gradcam.png", image: P.cells(cam.map.data, width: cw, height: ch, colormap: .viridis,
                                                                                          range: ValueRange(lo: 0, hi: ValueRange(of: cam.map.data).hi)),
                                                    caption: l.pick("The \(ch)×\(cw) map itself, 0 to ", "El propio mapa de \(ch)×\(cw), de 0 a ") + Format.short(ValueRange(of: cam.map.data).hi))))
        } else {
            c.gradCAMMessage = l.pick(ExplanationMaps.gradCAMMissing,
                                      "Grad-CAM necesita una capa Conv2D (pondera sus mapas de características); este modelo no tiene ninguna, así que solo se muestran la saliencia y la oclusión")
        }
        let (magnitude, signed) = P.saliencyViews(m.saliency)
        c.pictures.append(("saliency", P.overlayPicture("saliency_overlay.png", photo: photo, map: magnitude, width: w, height: h,
                                                        colormap: .viridis, caption: l.pick("max over channels of |∂s/∂x| over the photo", "máximo de |∂s/∂x| entre los canales, sobre la foto"))))
        c.pictures.append(("saliency", P.Picture(file: "saliency_signed.png", image: P.cells(signed, width: w, height: h, colormap: .diverging,
                                                                                             range: ValueRange(of: signed).symmetric),
                                                 caption: l.pick("signed ∂s/∂x (the channel of largest magnitude), ±", "∂s/∂x con signo (el canal de mayor magnitud), ±")
                                                    + Format.short(ValueRange(of: signed).symmetric.hi))))
        let o = m.occlusion
        let perPixel = P.occlusionPerPixel(o.map, patch: o.settings.patch, stride: o.settings.stride, height: h, width: w)
        c.pictures.append(("occlusion", P.overlayPicture("occlusion_overlay.png", photo: photo, map: perPixel, width: w, height: h,
                                                         colormap: .diverging, caption: l.pick("red: hiding it lowers p(\(target)); blue: raises it", "rojo: taparlo baja p(\(target)); azul: la sube"))))
        c.pictures.append(("occlusion", P.Picture(file: "occlusion.png", image: P.cells(o.map.data, width: o.map.shape[1], height: o.map.shape[0],
                                                                                          colormap: .diverging, range: ValueRange(of: o.map.data).symmetric),
                                                  caption: l.pick("The \(o.map.shape[0])×\(o.map.shape[1]) map, ±", "El mapa de \(o.map.shape[0])×\(o.map.shape[1]), ±")
                                                    + Format.short(ValueRange(of: o.map.data).symmetric.hi))))
        let (patch, fill, stride) = (o.settings.patch, Format.short(o.settings.fill), o.settings.stride)
        let (rows, columns, baseline) = (o.map.shape[0], o.map.shape[1], Format.cell(o.baseline, decimals: 4))
        c.occlusionText = l.pick("A \(patch)×\(patch) patch of value \(fill) (after rescaling) slides with stride \(stride): a \(rows)×\(columns) map of p(\(target)) without the patch (\(baseline)) minus p(\(target)) with it. Positive (red): that region was evidence for \(target).",
                                 "Un parche de \(patch)×\(patch) con valor \(fill) (tras reescalar) se desliza con paso \(stride): un mapa de \(rows)×\(columns) de p(\(target)) sin el parche (\(baseline)) menos p(\(target)) con él. Positivo (rojo): esa región era una prueba a favor de \(named).")
        if let votes = m.votes {
            let classes = votes.weights.count
            for k in [m.target] + (0..<classes).filter({ $0 != m.target }) {
                let all = votes.contributions(toward: k)
                let rows = all.prefix(10).map { ["\($0.unit)", Format.short($0.activation), Format.short($0.weight), Format.short($0.vote)] }
                let total = all.reduce(Float(0)) { $0 + $1.vote }
                let (sum, bias, s) = (Format.short(total), Format.short(votes.bias[k]), Format.short(total + votes.bias[k]))
                c.votes.append((name(k), rows, l.pick("The 10 largest of \(all.count) (layer \(votes.layer)); all votes sum to \(sum), plus bias \(bias) = \(s) = s of \(name(k)).",
                                                      "Los 10 mayores de \(all.count) (capa \(votes.layer)); todos los votos suman \(sum), más el sesgo \(bias) = \(s) = s de \(l.label(name(k))).")))
            }
            for (unit, cam) in m.unitCAMs {
                c.pictures.append(("units", P.overlayPicture("unit_\(unit)_gradcam_overlay.png", photo: photo, map: cam.map.data,
                                                             width: cam.map.shape[1], height: cam.map.shape[0], colormap: .viridis,
                                                             caption: l.pick("Grad-CAM of \(votes.layer) unit \(unit) (s = h_\(unit)), one of the top voters for \(target)",
                                                                             "Grad-CAM de la unidad \(unit) de \(votes.layer) (s = h_\(unit)), una de las que más votan por \(named)"))))
            }
        } else {
            c.votesMessage = l.pick("This model has no Dense layer right before its output layer, so there are no votes to show.",
                                    "Este modelo no tiene una capa Dense justo antes de su capa de salida, así que no hay votos que mostrar.")
        }
        let overview = ["photo.png", "gradcam_overlay.png", "saliency_overlay.png", "occlusion_overlay.png"]
            .compactMap { f in c.pictures.first { $0.picture.file == f }?.picture.image }
        // The four views in one PNG, for sharing as a file; the page shows them as a grid.
        c.pictures.append(("file", P.Picture(file: "overview.png", image: ImageOps.stackHorizontally(overview),
                                             caption: l.pick("The photo, Grad-CAM, saliency and occlusion for \(target), side by side",
                                                             "La foto, Grad-CAM, saliencia y oclusión de \(named), una junto a otra"))))
        c.npyFiles = (m.gradCAM == nil ? [] : ["gradcam.npy"]) + ["saliency.npy", "occlusion.npy"]
        return c
    }
}
