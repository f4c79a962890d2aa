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
        /// The language of the page and of the words in it.
        public var language: Language = .en

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
        let l = c.language
        let views: [(file: String, caption: String, section: String)] = [
            ("photo.png", l.pick("the photo, as the model sees it", "la foto, tal como la ve el modelo"), ""),
            ("gradcam_overlay.png", l.pick("Grad-CAM: where the features point", "Grad-CAM: adónde apuntan las características"), "#gradcam"),
            ("saliency_overlay.png", l.pick("saliency: which pixels matter", "saliencia: qué píxeles importan"), "#saliency"),
            ("occlusion_overlay.png", l.pick("occlusion: what hiding a patch does", "oclusión: qué pasa al tapar un parche"), "#occlusion"),
        ]
        let figures = views.filter { v in c.pictures.contains { $0.picture.file == v.file } }.map { v in
            HTMLPage.figure(pictureFolder + "/" + v.file, alt: v.caption, caption: v.caption, href: v.section.isEmpty ? nil : v.section)
        }
        let file = c.pictures.first { $0.section == "file" }.map {
            "<p class=\"note\">" + HTMLPage.link(pictureFolder + "/" + $0.picture.file, l.pick("All four in one picture", "Las cuatro en una sola imagen"))
                + l.pick(", to share as a file.", ", para compartirla como archivo.") + "</p>"
        } ?? ""
        return "<div class=\"summary\">" + figures.joined() + "</div>" + file
    }

    public static func render(_ c: Content) -> String {
        let l = c.language
        let one = c.classNames.count > 1 ? c.classNames[1] : l.pick("class 1", "clase 1")
        var page = HTMLPage(title: l.pick("Why \(c.answer)? — ", "¿Por qué \(c.answer)? — ") + URL(fileURLWithPath: c.imagePath).lastPathComponent, language: l)
        page.extraCSS = ".views { display: flex; flex-wrap: wrap; gap: 16px; } .views figure { margin: 0; max-width: 276px; }\n"
            + ".summary { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; max-width: 1000px; }"
            + " .summary figure { margin: 0; } .summary img { width: 100%; height: auto; image-rendering: auto; }"
            + " p { overflow-wrap: anywhere; } @media (max-width: 640px) { .summary { grid-template-columns: repeat(2, 1fr); } }\n"
        page.heading(l.pick("Why did the model say \(c.answer)?", "¿Por qué dijo el modelo \(c.answer)?"), level: 1)
        page.paragraph(l.pick("Image \(c.imagePath); model \(c.modelDescription).", "Imagen \(c.imagePath); modelo: \(c.modelDescription)."))
        page.paragraph(l.pick("Answer: \(c.answer); probability of \(one) \(Format.cell(c.probabilityOfClass1, decimals: 4)) (above 0.5 is class 1).",
                              "Respuesta: \(c.answer); probabilidad de \(l.label(one)): \(Format.cell(c.probabilityOfClass1, decimals: 4)) (por encima de 0.5, clase 1)."))
        page.paragraph(l.pick("Explained class: \(c.target), chosen as \(c.targetReason). Score \(c.scoreFormula) = \(Format.short(c.score)): the logit, not the probability (Selvaraju et al. 2017), so a confident, saturated sigmoid still has a gradient. With one sigmoid unit, class 0's score is −z: its maps show what pushes the logit down.",
                              "Clase explicada: \(c.target), elegida por ser \(c.targetReason). Puntuación \(c.scoreFormula) = \(Format.short(c.score)): el logit, no la probabilidad (Selvaraju et al. 2017), para que una sigmoide segura y saturada siga teniendo gradiente. Con una sola unidad sigmoide, la puntuación de la clase 0 es −z: sus mapas muestran qué empuja el logit hacia abajo."))
        func pictures(_ section: String) {
            let figures = c.pictures.filter { $0.section == section }.map {
                HTMLPage.figure(pictureFolder + "/" + $0.picture.file, alt: $0.picture.caption, caption: $0.picture.caption)
            }
            if !figures.isEmpty { page.raw("<div class=\"views\">" + figures.joined() + "</div>") }
        }
        page.raw(summary(c))
        page.heading(l.pick("Grad-CAM: where the last convolution block's feature maps point", "Grad-CAM: hacia dónde apuntan los mapas de características del último bloque convolucional"), id: "gradcam")
        if let message = c.gradCAMMessage {
            page.paragraph(message + ".")
        } else {
            let size = c.gradCAMShape.prefix(2).map(String.init).joined(separator: "×")
            page.paragraph(l.pick("Layer \(c.gradCAMLayer ?? "?") gives A of shape \(Format.shape(c.gradCAMShape)). α_k = mean over (i, j) of ∂s/∂A_ijk; cam = ReLU(Σ_k α_k A_k), a \(size) map, upsampled bilinearly onto the photo. Bright: regions whose features raise the score of \(c.target).",
                                  "La capa \(c.gradCAMLayer ?? "?") da A con forma \(Format.shape(c.gradCAMShape)). α_k = media sobre (i, j) de ∂s/∂A_ijk; cam = ReLU(Σ_k α_k A_k), un mapa de \(size), ampliado por interpolación bilineal sobre la foto. Claro: las regiones cuyas características suben la puntuación de \(c.target)."))
            pictures("gradcam")
        }
        page.heading(l.pick("Saliency: ∂s/∂x for every input pixel", "Saliencia: ∂s/∂x para cada píxel de entrada"), id: "saliency")
        page.paragraph(l.pick("How much the score would change per unit change of each input value (the image as the model sees it, after resizing and rescaling). Magnitude: the largest |∂s/∂x| over the three channels. Signed: red raises the score when the pixel gets brighter, blue lowers it.",
                              "Cuánto cambiaría la puntuación por cada unidad que cambie un valor de entrada (la imagen tal como la ve el modelo, tras redimensionarla y reescalarla). Magnitud: el mayor |∂s/∂x| de los tres canales. Con signo: el rojo sube la puntuación cuando el píxel se aclara, el azul la baja."))
        pictures("saliency")
        page.heading(l.pick("Occlusion: what hiding a patch does", "Oclusión: qué pasa al tapar un parche"), id: "occlusion")
        page.paragraph(c.occlusionText)
        pictures("occlusion")
        page.heading(l.pick("The Dense layer's votes", "Los votos de la capa Dense"))
        if let message = c.votesMessage { page.paragraph(message) }
        for table in c.votes {
            page.paragraph(l.pick("Toward \(table.className): unit j's vote is h_j · w_j (its activation times its output weight toward \(table.className)); the votes plus the bias make that class's score. \(table.rest)",
                                  "Hacia \(l.label(table.className)): el voto de la unidad j es h_j · w_j (su activación por su peso de salida hacia \(l.label(table.className))); los votos más el sesgo forman la puntuación de esa clase. \(table.rest)"))
            page.table(header: [l.pick("unit", "unidad"), l.pick("activation h_j", "activación h_j"), l.pick("weight w_j", "peso w_j"), l.pick("vote h_j · w_j", "voto h_j · w_j")],
                       rows: table.rows)
        }
        pictures("units")
        page.heading(l.pick("Files", "Archivos"))
        page.raw("<ul>" + c.npyFiles.map { "<li>" + HTMLPage.link($0, $0) + "</li>" }.joined() + "</ul>")
        page.paragraph(l.pick("Read them in Python with numpy.load.", "Se leen en Python con numpy.load."))
        return page.render()
    }
}
