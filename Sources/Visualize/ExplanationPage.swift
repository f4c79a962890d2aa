import Foundation

/// The page of `cnnviz explain`: why the model gave its answer, for one target class, in four
/// views (Grad-CAM, saliency, occlusion, the Dense layer's votes). Offline, relative links only.
public enum ExplanationPage {
    public static let pageName = "index.html"

    /// What the page says, as plain values (Workflows fills it in).
    public struct Content {
        public var imagePath: String
        public var modelDescription: String
        public var classNames: [String]
        /// "dogs (class 1)".
        public var answer: String
        /// P(class 1), as `predict` prints it.
        public var probabilityOfClass1: Float
        public var target: String
        /// How the target was chosen: "the predicted class", "the true label (the image's folder)", "--target dogs".
        public var targetReason: String
        /// "s = z", "s = −z" or "s = z_2 (the pre-softmax logit of class 2)".
        public var scoreFormula: String
        public var score: Float
        public var gradCAMLayer: String?
        public var gradCAMShape: [Int]
        /// Shown instead of Grad-CAM when there is none.
        public var gradCAMMessage: String?
        public var occlusionText: String
        /// One table per class: header and rows (unit, activation, weight, vote).
        public var votes: [(className: String, rows: [[String]], rest: String)]
        public var votesMessage: String?
        public var pictures: [(section: String, picture: ExplanationPictures.Picture)]
        public var npyFiles: [String]

        public init(imagePath: String, modelDescription: String, classNames: [String], answer: String, probabilityOfClass1: Float,
                    target: String, targetReason: String, scoreFormula: String, score: Float) {
            self.imagePath = imagePath; self.modelDescription = modelDescription; self.classNames = classNames
            self.answer = answer; self.probabilityOfClass1 = probabilityOfClass1; self.target = target
            self.targetReason = targetReason; self.scoreFormula = scoreFormula; self.score = score
            gradCAMShape = []; occlusionText = ""; votes = []; pictures = []; npyFiles = []
        }
    }

    /// The folder the pictures go in, relative to the page.
    public static let pictureFolder = "pictures"

    /// The four views side by side at the top (two by two on a phone), each opening its section;
    /// the same four in one PNG are linked for people who want a file.
    static func summary(_ c: Content) -> String {
        let views: [(file: String, caption: String, section: String)] = [
            ("photo.png", "the photo, as the model sees it", ""),
            ("gradcam_overlay.png", "Grad-CAM: where the features point", "#gradcam"),
            ("saliency_overlay.png", "saliency: which pixels matter", "#saliency"),
            ("occlusion_overlay.png", "occlusion: what hiding a patch does", "#occlusion"),
        ]
        let figures = views.filter { v in c.pictures.contains { $0.picture.file == v.file } }.map { v in
            HTMLPage.figure(pictureFolder + "/" + v.file, alt: v.caption, caption: v.caption, href: v.section.isEmpty ? nil : v.section)
        }
        let file = c.pictures.first { $0.section == "file" }.map {
            "<p class=\"note\">" + HTMLPage.link(pictureFolder + "/" + $0.picture.file, "All four in one picture") + ", to share as a file.</p>"
        } ?? ""
        return "<div class=\"summary\">" + figures.joined() + "</div>" + file
    }

    public static func render(_ c: Content) -> String {
        var page = HTMLPage(title: "Why \(c.answer)? — \(URL(fileURLWithPath: c.imagePath).lastPathComponent)")
        page.extraCSS = ".views { display: flex; flex-wrap: wrap; gap: 16px; } .views figure { margin: 0; max-width: 276px; }\n"
            + ".summary { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; max-width: 1000px; }"
            + " .summary figure { margin: 0; } .summary img { width: 100%; height: auto; image-rendering: auto; }"
            + " p { overflow-wrap: anywhere; } @media (max-width: 640px) { .summary { grid-template-columns: repeat(2, 1fr); } }\n"
        page.heading("Why did the model say \(c.answer)?", level: 1)
        page.paragraph("Image \(c.imagePath); model \(c.modelDescription).")
        page.paragraph("Answer: \(c.answer); probability of \(c.classNames.count > 1 ? c.classNames[1] : "class 1") \(Format.cell(c.probabilityOfClass1, decimals: 4)) (above 0.5 is class 1).")
        page.paragraph("Explained class: \(c.target), chosen as \(c.targetReason). Score \(c.scoreFormula) = \(Format.short(c.score)): the logit, not the probability (Selvaraju et al. 2017), so a confident, saturated sigmoid still has a gradient. With one sigmoid unit, class 0's score is −z: its maps show what pushes the logit down.")
        func pictures(_ section: String) {
            let figures = c.pictures.filter { $0.section == section }.map {
                HTMLPage.figure(pictureFolder + "/" + $0.picture.file, alt: $0.picture.caption, caption: $0.picture.caption)
            }
            if !figures.isEmpty { page.raw("<div class=\"views\">" + figures.joined() + "</div>") }
        }
        page.raw(summary(c))
        page.heading("Grad-CAM: where the last convolution block's feature maps point", id: "gradcam")
        if let message = c.gradCAMMessage {
            page.paragraph(message + ".")
        } else {
            page.paragraph("Layer \(c.gradCAMLayer ?? "?") gives A of shape \(Format.shape(c.gradCAMShape)). α_k = mean over (i, j) of ∂s/∂A_ijk; cam = ReLU(Σ_k α_k A_k), a \(c.gradCAMShape.prefix(2).map(String.init).joined(separator: "×")) map, upsampled bilinearly onto the photo. Bright: regions whose features raise the score of \(c.target).")
            pictures("gradcam")
        }
        page.heading("Saliency: ∂s/∂x for every input pixel", id: "saliency")
        page.paragraph("How much the score would change per unit change of each input value (the image as the model sees it, after resizing and rescaling). Magnitude: the largest |∂s/∂x| over the three channels. Signed: red raises the score when the pixel gets brighter, blue lowers it.")
        pictures("saliency")
        page.heading("Occlusion: what hiding a patch does", id: "occlusion")
        page.paragraph(c.occlusionText)
        pictures("occlusion")
        page.heading("The Dense layer's votes")
        if let message = c.votesMessage { page.paragraph(message) }
        for table in c.votes {
            page.paragraph("Toward \(table.className): unit j's vote is h_j · w_j (its activation times its output weight toward \(table.className)); the votes plus the bias make that class's score. \(table.rest)")
            page.table(header: ["unit", "activation h_j", "weight w_j", "vote h_j · w_j"], rows: table.rows)
        }
        pictures("units")
        page.heading("Files")
        page.raw("<ul>" + c.npyFiles.map { "<li>" + HTMLPage.link($0, $0) + "</li>" }.joined() + "</ul>")
        page.paragraph("Read them in Python with numpy.load.")
        return page.render()
    }
}
