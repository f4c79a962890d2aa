import CNNCore
import Foundation

extension InspectionPage {
    /// The page: where the numbers came from, the answer, then one section per layer with its
    /// type, shape, parameters, statistics, pictures, `.npy` links and one sentence.
    static func page(_ trace: TraceView, context c: Context, sections: [(layer: TraceView.LayerInfo?, pictures: [Picture])]) -> String {
        let imageName = URL(fileURLWithPath: c.imagePath).lastPathComponent
        var page = HTMLPage(title: "cnnviz inspect: \(imageName)")
        page.heading("What the network does with \(imageName)", level: 1)
        page.raw("<p>" + (c.indexLink.map { HTMLPage.link($0.href, "← " + $0.title) + " · " } ?? "")
                 + HTMLPage.link("index.html", "the explorer: click any number to see how it was computed") + "</p>")
        let p = c.preprocessing
        let preprocessingText = "resized from \(c.imageSize.width)×\(c.imageSize.height) to \(p.targetSize.1)×\(p.targetSize.0) pixels with \(p.interpolation) interpolation (as Keras' load_img / flow_from_directory), RGB, every value multiplied by \(rescaleText(p.rescale)) (rescale)"
        page.table(header: [], rows: [
            ["Model", c.modelDescription],
            ["Image", c.imagePath],
            ["Preprocessing", preprocessingText],
            ["Classes", c.classNames.isEmpty ? "(not named)" : c.classNames.enumerated().map { "\($0.offset) = \($0.element)" }.joined(separator: ", ")],
            ["Answer", "\(c.predictedClass), probability \(Format.cell(c.probability, decimals: 4))"],
        ] + (c.gradientTarget.isEmpty ? [] : [["Gradients", c.gradientTarget]]), className: "facts")
        page.paragraph("The model says: \(c.predictedClass) (probability \(Format.cell(c.probability, decimals: 3))).", className: "verdict")
        if c.modelDescription.contains("untrained") {
            page.raw("<p class=\"muted\">This model has not been trained: its weights are random, so the answer is a coin toss and the kernels show no pattern yet. Train a model (<code>cnnviz train</code>) and pass its folder with <code>--model</code> to see what learning changes.</p>")
        }
        page.paragraph("How to read the pictures: viridis (dark purple → yellow) shows values that are zero or more, such as activations after ReLU; blue–white–red shows signed values (weights, values before the activation, gradients) with white exactly at zero. Every picture has a colour bar with its numbers. Gradients are of the loss against the predicted class, so they show what would push the answer further the same way (their opposite would push it the other way).", className: "muted")
        var toc = "<nav class=\"toc\">"
        for s in sections { toc += HTMLPage.link("#" + anchor(s.layer), s.layer.map { "\($0.index). \($0.name)" } ?? "0. input") }
        toc += HTMLPage.link("#files", "files") + "</nav>"
        page.raw(toc)

        for s in sections {
            let index = s.layer?.index ?? 0
            let layerName = s.layer?.name ?? "input"
            let kind = s.layer?.kindName ?? "InputLayer"
            let outputInfo = trace.info(layerName, .output)
            let inputShape: [Int]
            if let layer = s.layer, let previous = trace.layers.last(where: { $0.index < layer.index }) {
                inputShape = previous.outputShape
            } else {
                inputShape = Array((trace.info("input", .output)?.shape ?? []).dropFirst())
            }
            page.beginSection(id: anchor(s.layer))
            page.heading("\(index). \(layerName) (\(kind))", level: 2)
            page.paragraph(sentence(for: s.layer, inputShape: inputShape, classNames: c.classNames), className: "what")
            var facts: [[String]] = [["Type", kind],
                                     ["Output shape", CNNError.format([-1] + (s.layer?.outputShape ?? Array((outputInfo?.shape ?? []).dropFirst())))],
                                     ["Parameters", Summary.grouped(s.layer?.parameters ?? 0)]]
            if let layer = s.layer, let k = trace.info(layer.name, .kernel) {
                facts.append(["Weights", "kernel " + Format.shape(k.shape) + (trace.info(layer.name, .bias).map { ", bias " + Format.shape($0.shape) } ?? "")])
            }
            if let layer = s.layer, layer.nonTrainableParameters > 0 {
                let roles = ["gamma", "beta", "moving_mean", "moving_variance"].compactMap { role in
                    trace.info(layer.name, .weight(role)).map { "\(role) " + Format.shape($0.shape) }
                }
                facts.append(["Weights", roles.joined(separator: ", ")])
                facts.append(["Non-trainable", "\(Summary.grouped(layer.nonTrainableParameters)) (the moving statistics: updated by training batches, not by the optimizer)"])
            }
            page.table(header: [], rows: facts, className: "facts")
            var statRows: [[String]] = []
            for role in [TraceRole.preActivation, .output] {
                guard let info = trace.info(layerName, role) else { continue }
                let name = role == .output ? (s.layer?.activation == "relu" ? "after ReLU" : "output") : "before activation"
                statRows.append([name, Format.short(info.stats.min), Format.short(info.stats.max), Format.short(info.stats.mean), Format.percent(info.stats.zeroFraction)])
            }
            if !statRows.isEmpty {
                page.raw(HTMLPage.table(header: ["values", "min", "max", "mean", "share of zeros"], rows: statRows, className: "stats"))
            }
            for picture in s.pictures {
                page.image(pictureFolder + "/" + picture.file, alt: picture.alt, caption: picture.caption)
            }
            let npy = trace.tensors(ofIndex: index).map { info in
                HTMLPage.link(info.file, "\(info.role) \(Format.shape(info.shape))")
            }
            if !npy.isEmpty { page.raw("<p class=\"files\">Numbers (.npy): " + npy.joined(separator: " ") + "</p>") }
            page.endSection()
        }
        page.beginSection(id: "files")
        page.heading("Files", level: 2)
        page.raw("<p class=\"files\">" + HTMLPage.link("manifest.json", "manifest.json") + " lists every tensor with its layer, role, shape, min, max, mean and share of zeros.</p>")
        page.raw("<p>Open any tensor in Python: <code>import numpy as np; x = np.load(\"tensors/01_conv2d_output.npy\"); print(x.shape)</code>. Shapes are Keras' (batch, height, width, channels); kernels are (height, width, input channels, filters).</p>")
        page.endSection()
        return page.render()
    }

    /// 0.003921… → "1/255"; other factors as numbers.
    static func rescaleText(_ r: Float) -> String {
        guard r > 0 else { return Format.short(r) }
        let inverse = (1 / Double(r)).rounded()
        // Below 1e9 so that `Int(inverse)` cannot trap on a tiny factor from a hand-made model.json.
        return inverse > 1 && inverse < 1e9 && abs(1 / Double(r) - inverse) < 1e-3 ? "1/\(Int(inverse))" : Format.short(r)
    }

    static func anchor(_ layer: TraceView.LayerInfo?) -> String {
        layer.map { "layer-\($0.index)-\($0.name)" } ?? "layer-0-input"
    }
}
