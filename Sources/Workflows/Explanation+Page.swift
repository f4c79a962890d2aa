import CNNCore
import Foundation
import ImageFiles
import Visualize

extension Explanation {
    /// The page's words and pictures for computed maps: what Visualize draws, chosen here.
    static func pageContent(_ m: ExplanationMaps, photo: RGBImage, image: URL, model: String, classNames: [String],
                            name: (Int) -> String, predicted: Int, targetReason: String) -> ExplanationPage.Content {
        let target = name(m.target)
        let formula = m.logits.count == 1 ? (m.target == 1 ? "s = z" : "s = −z") : "s = z_\(m.target) (the pre-softmax logit of \(target))"
        var c = ExplanationPage.Content(imagePath: image.path, modelDescription: model, classNames: classNames,
                                        answer: "\(name(predicted)) (class \(predicted))", probabilityOfClass1: ExplanationMaps.probability(of: 1, in: m.output),
                                        target: "\(target) (class \(m.target))", targetReason: targetReason,
                                        scoreFormula: formula, score: m.score)
        typealias P = ExplanationPictures
        let (h, w) = (m.saliency.shape[0], m.saliency.shape[1])
        c.pictures.append(("input", P.Picture(file: "photo.png", image: photo, caption: "The photo, squashed to the model's square input as it sees it")))
        if let cam = m.gradCAM {
            c.gradCAMLayer = cam.layer
            c.gradCAMShape = cam.map.shape + [cam.weights.count]
            let (ch, cw) = (cam.map.shape[0], cam.map.shape[1])
            c.pictures.append(("gradcam", P.overlayPicture("gradcam_overlay.png", photo: photo, map: cam.map.data, width: cw, height: ch,
                                                           colormap: .viridis, caption: "Grad-CAM for \(target) over the photo (bright: raises s)")))
            c.pictures.append(("gradcam", P.Picture(file: "gradcam.png", image: P.cells(cam.map.data, width: cw, height: ch, colormap: .viridis,
                                                                                          range: ValueRange(lo: 0, hi: ValueRange(of: cam.map.data).hi)),
                                                    caption: "The \(ch)×\(cw) map itself, 0 to \(Format.short(ValueRange(of: cam.map.data).hi))")))
        } else {
            c.gradCAMMessage = ExplanationMaps.gradCAMMissing
        }
        let (magnitude, signed) = P.saliencyViews(m.saliency)
        c.pictures.append(("saliency", P.overlayPicture("saliency_overlay.png", photo: photo, map: magnitude, width: w, height: h,
                                                        colormap: .viridis, caption: "max over channels of |∂s/∂x| over the photo")))
        c.pictures.append(("saliency", P.Picture(file: "saliency_signed.png", image: P.cells(signed, width: w, height: h, colormap: .diverging,
                                                                                             range: ValueRange(of: signed).symmetric),
                                                 caption: "signed ∂s/∂x (the channel of largest magnitude), ±\(Format.short(ValueRange(of: signed).symmetric.hi))")))
        let o = m.occlusion
        let perPixel = P.occlusionPerPixel(o.map, patch: o.settings.patch, stride: o.settings.stride, height: h, width: w)
        c.pictures.append(("occlusion", P.overlayPicture("occlusion_overlay.png", photo: photo, map: perPixel, width: w, height: h,
                                                         colormap: .diverging, caption: "red: hiding it lowers p(\(target)); blue: raises it")))
        c.pictures.append(("occlusion", P.Picture(file: "occlusion.png", image: P.cells(o.map.data, width: o.map.shape[1], height: o.map.shape[0],
                                                                                          colormap: .diverging, range: ValueRange(of: o.map.data).symmetric),
                                                  caption: "The \(o.map.shape[0])×\(o.map.shape[1]) map, ±\(Format.short(ValueRange(of: o.map.data).symmetric.hi))")))
        c.occlusionText = "A \(o.settings.patch)×\(o.settings.patch) patch of value \(Format.short(o.settings.fill)) (after rescaling) slides with stride \(o.settings.stride): a \(o.map.shape[0])×\(o.map.shape[1]) map of p(\(target)) without the patch (\(Format.cell(o.baseline, decimals: 4))) minus p(\(target)) with it. Positive (red): that region was evidence for \(target)."
        if let votes = m.votes {
            let classes = votes.weights.count
            for k in [m.target] + (0..<classes).filter({ $0 != m.target }) {
                let all = votes.contributions(toward: k)
                let rows = all.prefix(10).map { ["\($0.unit)", Format.short($0.activation), Format.short($0.weight), Format.short($0.vote)] }
                let total = all.reduce(Float(0)) { $0 + $1.vote }
                c.votes.append((name(k), rows, "The 10 largest of \(all.count) (layer \(votes.layer)); all votes sum to \(Format.short(total)), plus bias \(Format.short(votes.bias[k])) = \(Format.short(total + votes.bias[k])) = s of \(name(k))."))
            }
            for (unit, cam) in m.unitCAMs {
                c.pictures.append(("units", P.overlayPicture("unit_\(unit)_gradcam_overlay.png", photo: photo, map: cam.map.data,
                                                             width: cam.map.shape[1], height: cam.map.shape[0], colormap: .viridis,
                                                             caption: "Grad-CAM of \(votes.layer) unit \(unit) (s = h_\(unit)), one of the top voters for \(target)")))
            }
        } else {
            c.votesMessage = "This model has no Dense layer right before its output layer, so there are no votes to show."
        }
        let overview = ["photo.png", "gradcam_overlay.png", "saliency_overlay.png", "occlusion_overlay.png"]
            .compactMap { f in c.pictures.first { $0.picture.file == f }?.picture.image }
        // The four views in one PNG, for sharing as a file; the page shows them as a grid.
        c.pictures.append(("file", P.Picture(file: "overview.png", image: ImageOps.stackHorizontally(overview),
                                             caption: "The photo, Grad-CAM, saliency and occlusion for \(target), side by side")))
        c.npyFiles = (m.gradCAM == nil ? [] : ["gradcam.npy"]) + ["saliency.npy", "occlusion.npy"]
        return c
    }
}
