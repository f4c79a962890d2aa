import CNNCore
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
        func series(_ name: String, _ values: [Double?], _ color: RGB, dashed: Bool) -> [LineChart.Series] {
            let v = values.compactMap { $0 }
            return v.count == values.count && !v.isEmpty ? [LineChart.Series(name: name, values: v, color: color, dashed: dashed)] : []
        }
        let loss = LineChart(title: "Loss per epoch", xLabel: "epoch", yLabel: "binary cross-entropy",
                             series: series("training loss", history.map(\.loss), .blue, dashed: false)
                                 + series("validation loss", history.map(\.valLoss), .orange, dashed: true))
        let accuracy = LineChart(title: "Accuracy per epoch", xLabel: "epoch", yLabel: "accuracy",
                                 series: series("training accuracy", history.map(\.accuracy), .blue, dashed: false)
                                     + series("validation accuracy", history.map(\.valAccuracy), .orange, dashed: true),
                                 yRange: (0, 1))
        return (loss, accuracy)
    }

    /// Writes `index.html`, the curve PNGs and the misclassified thumbnails into `folder`
    /// (the per-epoch pictures are already there, written by `EpochPictures`).
    public func write(to folder: URL) throws {
        let (lossChart, accuracyChart) = charts()
        try ImageFile.write(lossChart.renderPNG(), to: folder.appendingPathComponent("loss.png"))
        try ImageFile.write(accuracyChart.renderPNG(), to: folder.appendingPathComponent("accuracy.png"))
        var page = HTMLPage(title: title)
        if let indexLink { page.raw("<p>" + HTMLPage.link(indexLink.href, "← " + indexLink.title) + "</p>") }
        page.heading(title, level: 1)
        page.paragraph("What the network learned, epoch by epoch. Everything here is a file beside this page: "
                       + "the trained model is in model/ and the numbers per epoch in history.csv.")
        page.raw("<p>" + HTMLPage.link("model/model.json", "model/model.json") + " · "
                 + HTMLPage.link("model/weights.safetensors", "model/weights.safetensors") + " · "
                 + HTMLPage.link("history.csv", "history.csv") + "</p>")
        page.heading("Settings")
        page.table(header: ["setting", "value"], rows: settings.map { [$0.0, $0.1] })

        if history.isEmpty {
            // --epochs 0: the initial model, written to be trained elsewhere (Keras) or compared.
            page.paragraph("No training ran (--epochs 0): model/ holds the initial weights, as the settings above draw or give them. "
                           + "The kernels and feature maps below, and the evaluation, are those of the untrained network.")
        } else {
            page.heading("Learning curves")
            page.raw("<div class=\"charts\">" + lossChart.svg(width: 560, height: 320) + accuracyChart.svg(width: 560, height: 320) + "</div>")
            page.raw("<p>Also as PNG: " + HTMLPage.link("loss.png", "loss.png") + ", " + HTMLPage.link("accuracy.png", "accuracy.png") + ".</p>")
        }
        if let last = history.last {
            page.heading("Final metrics")
            var rows = [["loss", String(format: "%.4f", last.loss)], ["accuracy", String(format: "%.4f", last.accuracy)]]
            if let l = last.valLoss { rows.append(["val_loss", String(format: "%.4f", l)]) }
            if let a = last.valAccuracy { rows.append(["val_accuracy", String(format: "%.4f", a)]) }
            page.table(header: ["metric", "after epoch \(last.epoch)"], rows: rows)
            page.heading("Every epoch", level: 3)
            page.table(header: ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds"], rows: history.map { r in
                [String(r.epoch), String(format: "%.4f", r.loss), String(format: "%.4f", r.accuracy),
                 r.valLoss.map { String(format: "%.4f", $0) } ?? "–", r.valAccuracy.map { String(format: "%.4f", $0) } ?? "–",
                 String(format: "%.2f", r.seconds)]
            })
        }
        if !movement.isEmpty, !history.isEmpty {
            page.heading("Where the learning happened")
            page.paragraph("How far each layer's weights moved from where training started: ‖w − w₀‖ / ‖w₀‖, the size of the change "
                           + "as a share of the starting weights (biases start at 0, so for them the size of the change itself).")
            page.table(header: ["weights", "moved (share of the start)", "‖w − w₀‖"], rows: movement.map { m in
                [m.name, m.relative.map { String(format: "%.0f%%", $0 * 100) } ?? "–", String(format: "%.4f", m.distance)]
            })
        }
        if !epochsWithPictures.isEmpty {
            let labels = epochsWithPictures.map { $0 == 0 ? "before training" : "epoch \($0)" }
            page.heading("Kernels at each epoch")
            page.paragraph("Move the slider, or press play, to watch the first layer's 3×3 kernels change as the network learns "
                           + "(blue negative, white zero, red positive; the RGB composite shows which colours a kernel responds to).")
            page.raw(flipbook(id: "kernels", files: epochsWithPictures.map { "report/" + EpochPictures.kernelFile(epoch: $0) }, labels: labels))
            let changed = epochsWithPictures.filter { $0 > 0 && FileManager.default.fileExists(atPath: folder.appendingPathComponent("report/" + EpochPictures.changeFile(epoch: $0)).path) }
            if !changed.isEmpty {
                page.heading("Change of the kernels since the start", level: 3)
                page.paragraph("Each kernel minus its starting values, on a scale of its own: side by side the kernels seem not to move, "
                               + "because their change is small beside their size; here only the change is drawn.")
                page.raw(flipbook(id: "kernel-change", files: changed.map { "report/" + EpochPictures.changeFile(epoch: $0) },
                                  labels: changed.map { "epoch \($0)" }))
            }
            for probe in probes {
                page.heading("Feature maps of \(probe.name) (\(probe.className)) at each epoch", level: 3)
                page.paragraph("Each map on its own scale (its range above it); a map that is zero everywhere is marked dead.")
                page.raw(flipbook(id: "probe-\(probe.name)", files: epochsWithPictures.map { "report/" + EpochPictures.probeFile(probe.name, epoch: $0) },
                                  labels: labels))
            }
        }
        if let evaluation, let validation {
            try writeEvaluation(evaluation, validation, into: &page, folder: folder)
        }
        page.raw(TrainingReport.flipbookScript)
        try AtomicWrite.file(Data(page.render().utf8), to: folder.appendingPathComponent("index.html"))
    }

    func writeEvaluation(_ e: Evaluation, _ data: LabeledImages, into page: inout HTMLPage, folder: URL) throws {
        page.heading("Validation: confusion matrix")
        page.paragraph("\(e.images) images, accuracy \(String(format: "%.1f%%", e.accuracy * 100)), loss \(String(format: "%.4f", e.loss)). "
                       + "Rows are the true class, columns the class the model picked (probability > 0.5 means \(data.classNames.last ?? "class 1")).")
        let names = data.classNames
        page.table(header: ["true \\ predicted"] + names,
                   rows: e.confusion.enumerated().map { i, row in [names.indices.contains(i) ? names[i] : "\(i)"] + row.map(String.init) })
        guard !e.misclassified.isEmpty else {
            page.paragraph("No validation image was misclassified.")
            return
        }
        page.heading("Misclassified validation images", level: 3)
        let shown = Array(e.misclassified.prefix(48))
        page.paragraph("The first \(shown.count) of \(e.misclassified.count), as the model saw them (after resizing)."
                       + (modelFolder == nil ? "" : " Click one of the first \(min(shown.count, TrainingReport.inspectedMistakes)) to see every number behind its answer, or its \"why?\" to see where the model looked."))
        try OutputFolder.create(folder.appendingPathComponent("misclassified"))
        var cells: [String] = []
        for (k, i) in shown.enumerated() {
            let file = "misclassified/\(k + 1).png"
            var canvas = Canvas(width: data.image(i).width * 2, height: data.image(i).height * 2)
            canvas.blit(data.image(i), x: 0, y: 0, scale: 2)
            try ImageFile.write(canvas.image, to: folder.appendingPathComponent(file))
            let truth = names[data.label(i)], p = e.probabilities[i]
            let predicted = names[ClassDecision.binaryClass(p)]
            let caption = "\(data.path(i).lastPathComponent): \(truth), predicted \(predicted) (p = \(String(format: "%.2f", p)))"
            // Why did it say that? The first few open in the explorer (every number of the answer),
            // with their explanation (where the model looked) one link away.
            if let modelFolder, k < TrainingReport.inspectedMistakes {
                let name = "inspect/" + data.path(i).deletingPathExtension().lastPathComponent
                try Inspection.run(image: data.path(i), model: .folder(modelFolder), output: folder.appendingPathComponent(name),
                                   indexLink: ("../../index.html", "the training report"), explain: true)
                let explorer = HTMLPage.figure(file, alt: data.path(i).lastPathComponent, caption: caption, href: name + "/index.html")
                let why = HTMLPage.link(name + "/" + Inspection.explainFolder + "/" + ExplanationPage.pageName, "why?")
                cells.append("<div>" + explorer + "<p>" + why + "</p></div>")
            } else {
                cells.append(HTMLPage.figure(file, alt: data.path(i).lastPathComponent, caption: caption))
            }
        }
        page.raw("<div class=\"thumbs\">" + cells.joined() + "</div>")
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
        <p><button type="button" class="play">▶ play</button> <input type="range" min="0" max="\(last)" value="\(last)" aria-label="epoch"> <span class="label">\(HTMLPage.escape(labels[last]))</span></p>
        </div>
        """
    }

    static let flipbookScript = """
    <script>
    document.querySelectorAll('.flipbook').forEach(function (box) {
      var files = JSON.parse(box.dataset.files), labels = JSON.parse(box.dataset.labels), img = box.querySelector('img'),
          range = box.querySelector('input'), label = box.querySelector('.label'), play = box.querySelector('.play'), timer = null;
      function show(i) { range.value = i; img.src = files[i]; img.alt = labels[i]; label.textContent = labels[i]; }
      range.addEventListener('input', function () { show(+range.value); });
      play.addEventListener('click', function () {
        if (timer) { clearInterval(timer); timer = null; play.textContent = '▶ play'; return; }
        if (+range.value === files.length - 1) show(0);
        play.textContent = '❚❚ pause';
        timer = setInterval(function () {
          if (+range.value >= files.length - 1) { clearInterval(timer); timer = null; play.textContent = '▶ play'; return; }
          show(+range.value + 1);
        }, 600);
      });
    });
    </script>
    <style>.charts svg{max-width:100%;height:auto;margin-right:1em}.thumbs{display:flex;flex-wrap:wrap;gap:8px}
    .thumbs figure{width:150px;margin:0}.thumbs figcaption{font-size:.75em}.flipbook img{max-width:100%}</style>
    """
}
