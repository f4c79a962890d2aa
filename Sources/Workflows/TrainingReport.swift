import CNNCore
import FastPlan
import Foundation
import ImageFiles
import Visualize

/// The training report `index.html`: learning curves, final metrics, a flipbook of the kernels and
/// of two probes' feature maps at every epoch, the confusion matrix and the misclassified images.
public struct TrainingReport {
    public var title: String
    public var history: [EpochRecord]
    public var epochsWithPictures: [Int]
    public var probes: [EpochPictures.Probe]
    public var evaluation: Evaluation?
    public var validation: LabeledImages?
    public var settings: [(String, String)]
    /// How far each trainable array moved since the start (`EpochPictures.movement`).
    public var movement: [(name: String, relative: Double?, distance: Double)] = []
    /// The index page the report belongs to, href relative to the report's folder.
    public var indexLink: (href: String, title: String)?
    /// The trained model's folder: with it, the first misclassified images are inspected and
    /// explained (`inspect/<image>/`, with its `explain/`); their thumbnails open the explorer and
    /// a "why?" link the explanation.
    public var modelFolder: URL?
    /// How many misclassified images get an inspection and an explanation.
    public static let inspectedMistakes = 8
    /// The language of the page, of the chart and picture titles and of the mistakes' inspections.
    public var language: Language = .en

    public init(title: String, history: [EpochRecord], epochsWithPictures: [Int], probes: [EpochPictures.Probe],
                evaluation: Evaluation?, validation: LabeledImages?, settings: [(String, String)]) {
        self.title = title
        self.history = history
        self.epochsWithPictures = epochsWithPictures
        self.probes = probes
        self.evaluation = evaluation
        self.validation = validation
        self.settings = settings
    }

    func charts() -> (loss: LineChart, accuracy: LineChart) {
        let l = language
        func series(_ name: String, _ values: [Double?], _ color: RGB, dashed: Bool) -> [LineChart.Series] {
            let v = values.compactMap { $0 }
            return v.count == values.count && !v.isEmpty ? [LineChart.Series(name: name, values: v, color: color, dashed: dashed)] : []
        }
        let epoch = l.pick("epoch", "época")
        let loss = LineChart(title: l.pick("Loss per epoch", "Pérdida por época"), xLabel: epoch, yLabel: l.pick("binary cross-entropy", "entropía cruzada binaria"),
                             series: series(l.pick("training loss", "pérdida de entrenamiento"), history.map(\.loss), .blue, dashed: false)
                                 + series(l.pick("validation loss", "pérdida de validación"), history.map(\.valLoss), .orange, dashed: true))
        let accuracy = LineChart(title: l.pick("Accuracy per epoch", "Exactitud por época"), xLabel: epoch, yLabel: l.pick("accuracy", "exactitud"),
                                 series: series(l.pick("training accuracy", "exactitud de entrenamiento"), history.map(\.accuracy), .blue, dashed: false)
                                     + series(l.pick("validation accuracy", "exactitud de validación"), history.map(\.valAccuracy), .orange, dashed: true),
                                 yRange: (0, 1))
        return (loss, accuracy)
    }

    /// Writes `index.html`, the curve PNGs and the misclassified thumbnails into `folder`
    /// (the per-epoch pictures are already there, written by `EpochPictures`).
    public func write(to folder: URL) throws {
        let l = language
        let (lossChart, accuracyChart) = charts()
        try ImageFile.write(lossChart.renderPNG(), to: folder.appendingPathComponent("loss.png"))
        try ImageFile.write(accuracyChart.renderPNG(), to: folder.appendingPathComponent("accuracy.png"))
        var page = HTMLPage(title: title, language: l)
        if let indexLink { page.raw("<p>" + HTMLPage.link(indexLink.href, "← " + indexLink.title) + "</p>") }
        page.heading(title, level: 1)
        page.paragraph(l.pick("What the network learned, epoch by epoch. Everything here is a file beside this page: "
                              + "the trained model is in model/ and the numbers per epoch in history.csv.",
                              "Lo que aprendió la red, época a época. Todo lo que hay aquí es un archivo junto a esta página: "
                              + "el modelo entrenado está en model/ y los números de cada época en history.csv."))
        page.raw("<p>" + HTMLPage.link("model/model.json", "model/model.json") + " · "
                 + HTMLPage.link("model/weights.safetensors", "model/weights.safetensors") + " · "
                 + HTMLPage.link("history.csv", "history.csv") + "</p>")
        page.heading(l.pick("Settings", "Configuración"))
        page.table(header: [l.pick("setting", "ajuste"), l.pick("value", "valor")], rows: settings.map { [$0.0, $0.1] })

        if history.isEmpty {
            // --epochs 0: the initial model, written to be trained elsewhere (Keras) or compared.
            page.paragraph(l.pick("No training ran (--epochs 0): model/ holds the initial weights, as the settings above draw or give them. "
                                  + "The kernels and feature maps below, and the evaluation, are those of the untrained network.",
                                  "No se entrenó (--epochs 0): model/ guarda los pesos iniciales, tal como los sortean o los dan los ajustes de arriba. "
                                  + "Los núcleos, los mapas de características y la evaluación de abajo son los de la red sin entrenar."))
        } else {
            page.heading(l.pick("Learning curves", "Curvas de aprendizaje"))
            page.raw("<div class=\"charts\">" + lossChart.svg(width: 560, height: 320) + accuracyChart.svg(width: 560, height: 320) + "</div>")
            page.raw("<p>" + l.pick("Also as PNG: ", "También en PNG: ") + HTMLPage.link("loss.png", "loss.png") + ", " + HTMLPage.link("accuracy.png", "accuracy.png") + ".</p>")
        }
        if let last = history.last {
            page.heading(l.pick("Final metrics", "Métricas finales"))
            var rows = [["loss", String(format: "%.4f", last.loss)], ["accuracy", String(format: "%.4f", last.accuracy)]]
            if let v = last.valLoss { rows.append(["val_loss", String(format: "%.4f", v)]) }
            if let a = last.valAccuracy { rows.append(["val_accuracy", String(format: "%.4f", a)]) }
            page.table(header: [l.pick("metric", "métrica"), l.pick("after epoch \(last.epoch)", "tras la época \(last.epoch)")], rows: rows)
            page.heading(l.pick("Every epoch", "Todas las épocas"), level: 3)
            page.table(header: [l.pick("epoch", "época"), "loss", "accuracy", "val_loss", "val_accuracy", l.pick("seconds", "segundos")], rows: history.map { r in
                [String(r.epoch), String(format: "%.4f", r.loss), String(format: "%.4f", r.accuracy),
                 r.valLoss.map { String(format: "%.4f", $0) } ?? "–", r.valAccuracy.map { String(format: "%.4f", $0) } ?? "–",
                 String(format: "%.2f", r.seconds)]
            })
        }
        if !movement.isEmpty, !history.isEmpty {
            page.heading(l.pick("Where the learning happened", "Dónde ocurrió el aprendizaje"))
            page.paragraph(l.pick("How far each layer's weights moved from where training started: ‖w − w₀‖ / ‖w₀‖, the size of the change "
                                  + "as a share of the starting weights (biases start at 0, so for them the size of the change itself).",
                                  "Cuánto se alejaron los pesos de cada capa de su punto de partida: ‖w − w₀‖ / ‖w₀‖, el tamaño del cambio "
                                  + "como fracción de los pesos iniciales (los sesgos empiezan en 0; para ellos, el tamaño del propio cambio)."))
            page.table(header: [l.pick("weights", "pesos"), l.pick("moved (share of the start)", "movimiento (fracción del inicio)"), "‖w − w₀‖"], rows: movement.map { m in
                [m.name, m.relative.map { String(format: "%.0f%%", $0 * 100) } ?? "–", String(format: "%.4f", m.distance)]
            })
        }
        if !epochsWithPictures.isEmpty {
            let labels = epochsWithPictures.map { $0 == 0 ? l.pick("before training", "antes de entrenar") : l.pick("epoch \($0)", "época \($0)") }
            page.heading(l.pick("Kernels at each epoch", "Los kernels en cada época"))
            page.paragraph(l.pick("Move the slider, or press play, to watch the first layer's 3×3 kernels change as the network learns "
                                  + "(blue negative, white zero, red positive; the RGB composite shows which colours a kernel responds to).",
                                  "Mueve el deslizador, o pulsa reproducir, para ver cómo cambian los kernels 3×3 de la primera capa mientras la red aprende "
                                  + "(azul negativo, blanco cero, rojo positivo; la composición RGB muestra a qué colores responde cada kernel)."))
            page.raw(flipbook(id: "kernels", files: epochsWithPictures.map { "report/" + EpochPictures.kernelFile(epoch: $0) }, labels: labels))
            let changed = epochsWithPictures.filter { $0 > 0 && FileManager.default.fileExists(atPath: folder.appendingPathComponent("report/" + EpochPictures.changeFile(epoch: $0)).path) }
            if !changed.isEmpty {
                page.heading(l.pick("Change of the kernels since the start", "Cambio de los kernels desde el inicio"), level: 3)
                page.paragraph(l.pick("Each kernel minus its starting values, on a scale of its own: side by side the kernels seem not to move, "
                                      + "because their change is small beside their size; here only the change is drawn.",
                                      "Cada kernel menos sus valores iniciales, en una escala propia: uno junto a otro, los kernels parecen no moverse "
                                      + "porque su cambio es pequeño al lado de su tamaño; aquí solo se dibuja el cambio."))
                page.raw(flipbook(id: "kernel-change", files: changed.map { "report/" + EpochPictures.changeFile(epoch: $0) },
                                  labels: changed.map { l.pick("epoch \($0)", "época \($0)") }))
            }
            for probe in probes {
                page.heading(l.pick("Feature maps of \(probe.name) (\(probe.className)) at each epoch",
                                    "Mapas de características de \(probe.name) (\(l.label(probe.className))) en cada época"), level: 3)
                page.paragraph(l.pick("Each map on its own scale (its range above it); a map that is zero everywhere is marked dead.",
                                      "Cada mapa en su propia escala (su rango, encima); un mapa que vale cero en todas partes se marca como muerto."))
                page.raw(flipbook(id: "probe-\(probe.name)", files: epochsWithPictures.map { "report/" + EpochPictures.probeFile(probe.name, epoch: $0) },
                                  labels: labels))
            }
        }
        if let evaluation, let validation {
            try writeEvaluation(evaluation, validation, into: &page, folder: folder)
        }
        page.raw(TrainingReport.flipbookScript(l))
        try AtomicWrite.file(Data(page.render().utf8), to: folder.appendingPathComponent("index.html"))
    }

    func writeEvaluation(_ e: Evaluation, _ data: LabeledImages, into page: inout HTMLPage, folder: URL) throws {
        let l = language
        let accuracy = String(format: "%.1f%%", e.accuracy * 100), loss = String(format: "%.4f", e.loss)
        let one = data.classNames.last ?? l.pick("class 1", "clase 1")
        page.heading(l.pick("Validation: confusion matrix", "Validación: matriz de confusión"))
        page.paragraph(l.pick("\(e.images) images, accuracy \(accuracy), loss \(loss). "
                              + "Rows are the true class, columns the class the model picked (probability > 0.5 means \(one)).",
                              "\(e.images) imágenes, exactitud \(accuracy), pérdida \(loss). "
                              + "Las filas son la clase verdadera; las columnas, la clase que eligió el modelo (probabilidad > 0.5 significa \(l.label(one)))."))
        let names = data.classNames
        page.table(header: [l.pick("true \\ predicted", "verdadera \\ predicha")] + names,
                   rows: e.confusion.enumerated().map { i, row in [names.indices.contains(i) ? names[i] : "\(i)"] + row.map(String.init) })
        guard !e.misclassified.isEmpty else {
            page.paragraph(l.pick("No validation image was misclassified.", "Ninguna imagen de validación se clasificó mal."))
            return
        }
        page.heading(l.pick("Misclassified validation images", "Imágenes de validación mal clasificadas"), level: 3)
        let shown = Array(e.misclassified.prefix(48))
        let inspected = min(shown.count, TrainingReport.inspectedMistakes)
        page.paragraph(l.pick("The first \(shown.count) of \(e.misclassified.count), as the model saw them (after resizing).",
                              "Las primeras \(shown.count) de \(e.misclassified.count), tal como las vio el modelo (tras redimensionarlas).")
                       + (modelFolder == nil ? "" : l.pick(" Click one of the first \(inspected) to see every number behind its answer, or its \"why?\" to see where the model looked.",
                                                           " Haz clic en una de las \(inspected) primeras para ver todos los números que hay detrás de su respuesta, o en su «¿por qué?» para ver dónde miró el modelo.")))
        try OutputFolder.create(folder.appendingPathComponent("misclassified"))
        var cells: [String] = []
        let folderNames = TrainingReport.inspectionFolders(shown.prefix(TrainingReport.inspectedMistakes).map { data.path($0) },
                                                           classes: shown.prefix(TrainingReport.inspectedMistakes).map { names[data.label($0)] })
        let inspectedFolders = try inspect(Array(shown.prefix(modelFolder == nil ? 0 : TrainingReport.inspectedMistakes)), data,
                                           folders: folderNames, into: folder)
        for (k, i) in shown.enumerated() {
            let file = "misclassified/\(k + 1).png"
            var canvas = Canvas(width: data.image(i).width * 2, height: data.image(i).height * 2)
            canvas.blit(data.image(i), x: 0, y: 0, scale: 2)
            try ImageFile.write(canvas.image, to: folder.appendingPathComponent(file))
            let truth = names[data.label(i)], p = e.probabilities[i]
            let predicted = names[ClassDecision.binaryClass(p)]
            let caption = "\(data.path(i).lastPathComponent): " + l.pick("\(truth), predicted \(predicted)", "es \(l.label(truth)); el modelo dijo \(l.label(predicted))")
                + " (p = \(String(format: "%.2f", p)))"
            // Why did it say that? The first few open in the explorer (every number of the answer),
            // with their explanation (where the model looked) one link away.
            if k < inspectedFolders.count {
                let name = inspectedFolders[k]
                let explorer = HTMLPage.figure(file, alt: data.path(i).lastPathComponent, caption: caption, href: name + "/index.html")
                let why = HTMLPage.link(name + "/" + Inspection.explainFolder + "/" + ExplanationPage.pageName, l.pick("why?", "¿por qué?"))
                cells.append("<div>" + explorer + "<p>" + why + "</p></div>")
            } else {
                cells.append(HTMLPage.figure(file, alt: data.path(i).lastPathComponent, caption: caption))
            }
        }
        page.raw("<div class=\"thumbs\">" + cells.joined() + "</div>")
    }

    /// Inspects and explains `images` (`inspect --explain`) into `inspect/<folders[k]>/` with the
    /// trained model, one image after another on each core: after training the cores are free,
    /// and each inspection runs the reference engine on one core. Each core loads the model once
    /// (a trace writes into the layers, so two inspections at once need two copies) and takes the
    /// next image when done with one. Returns the folders, relative to `folder`; throws the first
    /// failure, in image order, once all have finished.
    func inspect(_ images: [Int], _ data: LabeledImages, folders: [String], into folder: URL) throws -> [String] {
        guard let modelFolder, !images.isEmpty else { return [] }
        let l = language
        let names = images.indices.map { "inspect/" + folders[$0] }
        var failures = [Error?](repeating: nil, count: images.count)
        var nextImage = 0
        let lock = NSLock()
        func take() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard nextImage < images.count else { return nil }
            nextImage += 1
            return nextImage - 1
        }
        func fail(_ k: Int, _ error: Error) {
            lock.lock()
            failures[k] = error
            lock.unlock()
        }
        DispatchQueue.concurrentPerform(iterations: min(images.count, Parallel.workers)) { _ in
            Denormals.flushToZeroOnThisThread()  // as `cnnviz inspect` on the main thread
            var loaded: LoadedModel?
            while let k = take() {
                do {
                    if loaded == nil { loaded = try ModelFiles.load(modelFolder) }
                    try Inspection.run(image: data.path(images[k]), model: .loaded(loaded!, from: modelFolder),
                                       output: folder.appendingPathComponent(names[k]),
                                       indexLink: ("../../index.html", l.pick("the training report", "el informe de entrenamiento")), explain: true, language: l)
                } catch {
                    fail(k, error)
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        return names
    }

    /// The folder of each inspected mistake inside `inspect/`: the image's name without its
    /// extension ("dog.4001"), and where two images share it (cats/1.jpg and dogs/1.jpg, or
    /// 1.jpg and 1.png) the class, then the position, so that no inspection replaces another.
    static func inspectionFolders(_ images: [URL], classes: [String]) -> [String] {
        var used = Set<String>()
        return images.enumerated().map { k, image in
            let stem = image.deletingPathExtension().lastPathComponent
            let candidates = [stem, stem + "-" + (classes.indices.contains(k) ? classes[k] : "class"), stem + "-\(k + 1)"]
            let name = candidates.first { !used.contains($0) } ?? stem + "-\(k + 1)-\(used.count)"
            used.insert(name)
            return name
        }
    }

    /// An image with a play button and a slider under it that switch between `files`, each
    /// named by its label ("epoch 3").
    func flipbook(id: String, files: [String], labels: [String]) -> String {
        let list = files.map { "\"\(HTMLPage.escape(HTMLPage.path($0)))\"" }.joined(separator: ",")
        let names = labels.map { "\"\(HTMLPage.escape($0))\"" }.joined(separator: ",")
        let last = files.count - 1
        return """
        <div class="flipbook" data-files='[\(list)]' data-labels='[\(names)]'>
        <img id="\(id)" src="\(HTMLPage.path(files[last]))" alt="\(HTMLPage.escape(labels[last]))">
        <p><button type="button" class="play">\(TrainingReport.playLabel(language))</button> <input type="range" min="0" max="\(last)" value="\(last)" aria-label="\(language.pick("epoch", "época"))"> <span class="label">\(HTMLPage.escape(labels[last]))</span></p>
        </div>
        """
    }

    static func playLabel(_ l: Language) -> String { l.pick("▶ play", "▶ reproducir") }

    /// The flipbooks' script (its two button labels in `l`) and the report's styles.
    static func flipbookScript(_ l: Language) -> String {
        let play = playLabel(l), pause = l.pick("❚❚ pause", "❚❚ pausa")
        return """
        <script>
        document.querySelectorAll('.flipbook').forEach(function (box) {
          var files = JSON.parse(box.dataset.files), labels = JSON.parse(box.dataset.labels), img = box.querySelector('img'),
              range = box.querySelector('input'), label = box.querySelector('.label'), play = box.querySelector('.play'), timer = null;
          function show(i) { range.value = i; img.src = files[i]; img.alt = labels[i]; label.textContent = labels[i]; }
          range.addEventListener('input', function () { show(+range.value); });
          play.addEventListener('click', function () {
            if (timer) { clearInterval(timer); timer = null; play.textContent = '\(play)'; return; }
            if (+range.value === files.length - 1) show(0);
            play.textContent = '\(pause)';
            timer = setInterval(function () {
              if (+range.value >= files.length - 1) { clearInterval(timer); timer = null; play.textContent = '\(play)'; return; }
              show(+range.value + 1);
            }, 600);
          });
        });
        </script>
        <style>.charts svg{max-width:100%;height:auto;margin-right:1em}.thumbs{display:flex;flex-wrap:wrap;gap:8px}
        table{display:block;max-width:100%;overflow-x:auto}td{overflow-wrap:break-word}table:first-of-type td{overflow-wrap:anywhere}.thumbs figure{width:150px;margin:0}.thumbs figcaption{font-size:.75em}.flipbook img{max-width:100%}</style>
        """
    }
}
