import CNNCore
import Foundation
import ImageFiles
import Lessons
import Visualize

/// `cnnviz tour`: the whole path once: the eight tutorials, a data set, a
/// short training run on it, an inspection of one test photo through the trained model, and
/// `output/index.html` linking it all with a thumbnail for each part.
///
/// The data: a folder in the coursework's layout (`training_set/` and `test_set/`, one subfolder
/// per class) when one is given or found (`photoFolders`), so the tour shows cats and dogs;
/// otherwise the demo stripes it draws itself, so it also works on a fresh machine with nothing
/// downloaded.
public enum Tour {
    public struct Result {
        public var index: URL
        public var validationAccuracy: Double?
        /// The photo folder trained on, or nil for the demo stripes.
        public var photos: URL?
    }

    /// Where the tour looks for photos when none is given: the student's own folder, then the
    /// course's shared copy beside this repository.
    public static let photoFolders = ["Gatos y Perros", "../shared/datasets/cats-and-dogs"]

    /// A folder in the coursework's layout: `training_set` and `test_set`, each with at least two
    /// class subfolders.
    public static func isCourseworkLayout(_ folder: URL) -> Bool {
        ["training_set", "test_set"].allSatisfy { part in
            let url = folder.appendingPathComponent(part)
            let classes = (try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isDirectoryKey]))?
                .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true } ?? []
            return classes.count >= 2
        }
    }

    /// The first of `photoFolders` (relative to the current folder) in the coursework's layout.
    public static func findPhotos() -> URL? {
        photoFolders.map { URL(fileURLWithPath: $0) }.first(where: isCourseworkLayout)
    }

    /// `language` is the whole tour's: its tutorials, the report, the inspection and this index.
    public static func run(output root: URL, epochs: Int = 10, seed: UInt64 = 1, photos: URL? = nil, language l: Language = .en,
                           log: @escaping (String) -> Void = { print($0) }) throws -> Result {
        if let photos, !isCourseworkLayout(photos) {
            throw CNNError.invalidInput("\(photos.path) is not in the coursework's layout",
                                        hint: "give a folder with training_set/ and test_set/, each holding one folder per class (cats/, dogs/)")
        }
        try OutputFolder.claim(root)
        log(l.pick("== 1/4 Tutorials: convolution, pooling and every other step, one computation at a time",
                   "== 1/4 Tutoriales: la convolución, el pooling y cada uno de los demás pasos, un cálculo cada vez"))
        let tutorials = root.appendingPathComponent("tutorials")
        var tutorialLinks: [Part] = []
        for (walk, folder) in try TutorialFiles.writeAll(language: l, outputRoot: tutorials) {
            log("   \(walk.title): \(walk.steps.count) " + l.pick("steps", "pasos") + " → \(folder.path)/index.html")
            let page = "tutorials/\(folder.lastPathComponent)/index.html"
            tutorialLinks.append(Part(title: walk.title, link: page,
                                      thumbnail: "tutorials/\(folder.lastPathComponent)/" + TutorialPage.thumbnailName))
        }

        let data: URL
        if let photos {
            log(l.pick("== 2/4 The photos: ", "== 2/4 Las fotos: ") + photos.path)
            data = photos
        } else {
            log(l.pick("== 2/4 The demo data set: striped pictures, horizontal vs vertical (no photo folder given or found)",
                       "== 2/4 El conjunto de datos de demostración: imágenes de rayas, horizontales frente a verticales (no se dio ni se encontró ninguna carpeta de fotos)"))
            data = root.appendingPathComponent("demo-data")
            try DemoDataset(seed: seed).write(to: data)
            log(l.pick("   wrote ", "   escrito ") + "\(data.path)/{training_set,test_set}")
        }

        let samples = "data-samples.png"
        try ImageFile.write(try sampleSheet(data, language: l), to: root.appendingPathComponent(samples))

        log(l.pick("== 3/4 Training the coursework model on it (\(epochs) epochs × 20 steps × 32)",
                   "== 3/4 Entrenamiento del modelo del curso con ellos (\(epochs) épocas × 20 pasos × 32)"))
        let run = root.appendingPathComponent("runs/tour")
        // The tour's own run from last time (only if everything in it is cnnviz's).
        try OutputFolder.checkReplaceable(run)
        try OutputFolder.removeOwned(run)
        var options = TrainOptions(trainFolder: data.appendingPathComponent("training_set"), output: run)
        options.validationFolder = data.appendingPathComponent("test_set")
        options.epochs = epochs
        options.seed = seed
        options.indexLink = ("../../index.html", l.pick("the tour", "el recorrido"))
        options.language = l
        let trained = try TrainingSession.run(options, log: log)
        let accuracy = trained.history.last?.valAccuracy

        log(l.pick("== 4/4 Inspecting one test photo through the trained model", "== 4/4 Inspección de una foto de prueba a través del modelo entrenado"))
        let image = try firstTestImage(in: data)
        let name = "tour-" + image.deletingPathExtension().lastPathComponent
        let inspection = try Inspection.run(image: image, model: .folder(run.appendingPathComponent("model")),
                                            output: root.appendingPathComponent("inspect/\(name)"),
                                            indexLink: ("../../index.html", l.pick("the tour", "el recorrido")), explain: true, language: l)
        log("   \(image.lastPathComponent): \(inspection.predictedClass) (p = \(String(format: "%.3f", inspection.probability))) → \(inspection.folder.path)/index.html")

        let index = root.appendingPathComponent("index.html")
        let html = page(tutorials: tutorialLinks, photos: photos, samples: samples, accuracy: accuracy, history: trained.history,
                        image: image.lastPathComponent, inspection: "inspect/\(name)", language: l)
        try AtomicWrite.file(Data(html.utf8), to: index)
        return Result(index: index, validationAccuracy: accuracy, photos: photos)
    }

    /// The first image (by name) of the first class of `data/test_set`.
    static func firstTestImage(in data: URL) throws -> URL {
        let test = data.appendingPathComponent("test_set")
        let classes = try FileManager.default.contentsOfDirectory(atPath: test.path).sorted()
        for c in classes {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: test.appendingPathComponent(c).path)) ?? []
            if let first = files.sorted().first(where: { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }) {
                return test.appendingPathComponent(c).appendingPathComponent(first)
            }
        }
        throw CNNError.invalidInput("\(test.path) holds no JPEG or PNG image", hint: "put the test photos in test_set/<class>/")
    }

    /// Four training images of each of the first two classes, 96×96, labelled by class.
    static func sampleSheet(_ data: URL, language l: Language = .en) throws -> RGBImage {
        let training = data.appendingPathComponent("training_set")
        var tiles: [Grid.Tile] = []
        for c in try FileManager.default.contentsOfDirectory(atPath: training.path).sorted().prefix(2) {
            let folder = training.appendingPathComponent(c)
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
                .filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }
            for file in files.prefix(4) {
                guard let image = try? ImageFile.read(folder.appendingPathComponent(file)) else { continue }
                tiles.append(Grid.Tile(Resize.resize(image, width: 96, height: 96, interpolation: .bilinear), label: c))
            }
        }
        return Grid(title: "training_set", subtitle: l.pick("the first pictures of each class", "las primeras imágenes de cada clase"), tiles: tiles, columns: 4).render()
    }

    /// One part of the tour on its index: a title, its page and a picture of it.
    struct Part {
        var title: String
        var link: String
        var thumbnail: String
    }

    static func page(tutorials: [Part], photos: URL?, samples: String, accuracy: Double?, history: [EpochRecord],
                     image: String, inspection: String, language l: Language = .en) -> String {
        var page = HTMLPage(title: l.pick("CNNViz tour", "Recorrido de CNNViz"), language: l)
        page.raw("""
        <style>.parts { display: flex; flex-wrap: wrap; gap: 14px; } .part { width: 260px; }
        .part img { width: 100%; height: 150px; object-fit: contain; background: #f4f4f4; border: 1px solid #ddd; }
        .tutorials .part { width: 180px; } .tutorials .part img { height: 110px; }
        p code { white-space: normal; overflow-wrap: anywhere; }</style>
        """)
        func tile(_ part: Part, _ text: String) -> String {
            "<div class=\"part\">" + "<a href=\"\(HTMLPage.path(part.link))\"><img src=\"\(HTMLPage.path(part.thumbnail))\" alt=\"\(HTMLPage.escape(part.title))\"></a>"
                + "<p>" + HTMLPage.link(part.link, part.title) + (text.isEmpty ? "" : ": " + HTMLPage.escape(text)) + "</p></div>"
        }
        page.heading(l.pick("CNNViz: a tour of a convolutional network", "CNNViz: un recorrido por una red convolucional"), level: 1)
        page.raw(l.pick("<p>Everything below was computed on this machine by <code>cnnviz tour</code>. Open the pages in order.</p>",
                        "<p>Todo lo que sigue lo calculó <code>cnnviz tour --lang es</code> en este ordenador. Abre las páginas en orden.</p>"))
        page.heading(l.pick("1. One computation at a time", "1. Un cálculo cada vez"))
        page.raw("<div class=\"parts tutorials\">" + tutorials.map { tile($0, "") }.joined() + "</div>")
        page.raw("<p>" + HTMLPage.link("tutorials/index.html", l.pick("The tutorials' index", "El índice de los tutoriales"))
                 + l.pick("; <code>cnnviz tutorial NAME --input …</code> runs one on your own numbers, <code>--lang es</code> in Spanish.</p>",
                          "; <code>cnnviz tutorial NOMBRE --input … --lang es</code> ejecuta uno con tus propios números.</p>"))
        page.heading(l.pick("2. The data", "2. Los datos"))
        if let photos {
            page.paragraph(l.pick("Photos in the coursework's layout, read from \(photos.path): training_set/ to learn from, test_set/ to check on photos the network never trained on.",
                                  "Fotos con la estructura del curso, leídas de \(photos.path): training_set/ para aprender y test_set/ para comprobar con fotos con las que la red nunca entrenó."))
        } else {
            let looked = photoFolders.joined(separator: ", ")
            let command = "<code>cnnviz tour --data &quot;Gatos y Perros&quot;" + (l == .en ? "" : " --lang es") + "</code>"
            page.raw("<p>" + HTMLPage.escape(l.pick("No photo folder was given or found (looked for: \(looked)), so the tour drew its own: two classes of striped pictures that differ only in the direction of their edges, as real JPEG and PNG files in demo-data/training_set and demo-data/test_set. ",
                                                    "No se dio ni se encontró ninguna carpeta de fotos (se buscó en: \(looked)), así que el recorrido dibujó las suyas: dos clases de imágenes de rayas que solo se diferencian en la dirección de sus bordes, como archivos JPEG y PNG de verdad en demo-data/training_set y demo-data/test_set. "))
                     + command + l.pick(" trains on your photos instead.</p>", " entrena con tus fotos.</p>"))
        }
        page.image(samples, alt: l.pick("the first training pictures of each class", "las primeras imágenes de entrenamiento de cada clase"))
        page.heading(l.pick("3. Training", "3. El entrenamiento"))
        let result = accuracy.map { l.pick(String(format: "validation accuracy %.1f%% after %d epochs", $0 * 100, history.count),
                                           "exactitud de validación del " + String(format: "%.1f%%", $0 * 100) + " tras \(history.count) " + (history.count == 1 ? "época" : "épocas")) }
            ?? l.pick("trained", "entrenado")
        page.raw("<div class=\"parts\">" + tile(Part(title: l.pick("The training report", "El informe de entrenamiento"), link: "runs/tour/index.html", thumbnail: "runs/tour/loss.png"),
                                               l.pick("learning curves, kernels and feature maps at every epoch, the confusion matrix (\(result))",
                                                      "curvas de aprendizaje, kernels y mapas de características en cada época, la matriz de confusión (\(result))")) + "</div>")
        page.heading(l.pick("4. One photo through the trained network", "4. Una foto a través de la red entrenada"))
        page.raw("<div class=\"parts\">"
                 + tile(Part(title: l.pick("The explorer for ", "El explorador de ") + image, link: inspection + "/index.html", thumbnail: inspection + "/pictures/00_input.png"),
                        l.pick("every layer's numbers; click any of them to see how it was computed", "los números de cada capa; haz clic en cualquiera para ver cómo se calculó"))
                 + tile(Part(title: l.pick("Its feature maps", "Sus mapas de características"), link: inspection + "/pictures.html", thumbnail: inspection + "/pictures/01_conv2d_output.png"),
                        l.pick("the same numbers as pictures", "los mismos números como imágenes"))
                 + "</div>")
        page.heading(l.pick("Next: your own photos", "Después: tus propias fotos"))
        let lang = l == .en ? "" : " --lang es"
        page.raw("<p><code>cnnviz train --train \"Gatos y Perros/training_set\" --validation \"Gatos y Perros/test_set\"\(lang)</code>" + l.pick(", then ", " y después ")
                 + "<code>cnnviz inspect " + l.pick("IMAGE", "IMAGEN") + " --model output/runs/" + l.pick("&lt;run&gt;", "&lt;carpeta&gt;") + "/model\(lang)</code>.</p>")
        return page.render()
    }
}
