import CNNCore
import Foundation

extension InspectionPage {
    /// The page: where the numbers came from, the answer, then one section per layer with its
    /// type, shape, parameters, statistics, pictures, `.npy` links and one sentence.
    static func page(_ trace: TraceView, context c: Context, sections: [(layer: TraceView.LayerInfo?, pictures: [Picture])]) -> String {
        let imageName = URL(fileURLWithPath: c.imagePath).lastPathComponent
        let l = c.language
        var page = HTMLPage(title: "cnnviz inspect: \(imageName)", language: l)
        page.heading(l.pick("What the network does with ", "Qué hace la red con ") + imageName, level: 1)
        page.raw("<p>" + (c.indexLink.map { HTMLPage.link($0.href, "← " + $0.title) + " · " } ?? "")
                 + HTMLPage.link("index.html", l.pick("the explorer: click any number to see how it was computed",
                                                      "el explorador: haz clic en cualquier número para ver cómo se calculó")) + "</p>")
        let p = c.preprocessing
        let preprocessingText = l.pick("resized from \(c.imageSize.width)×\(c.imageSize.height) to \(p.targetSize.1)×\(p.targetSize.0) pixels with \(p.interpolation) interpolation (as Keras' load_img / flow_from_directory), RGB, every value multiplied by \(rescaleText(p.rescale)) (rescale)",
                                       "redimensionada de \(c.imageSize.width)×\(c.imageSize.height) a \(p.targetSize.1)×\(p.targetSize.0) píxeles con interpolación \(p.interpolation) (como load_img / flow_from_directory de Keras), RGB, cada valor multiplicado por \(rescaleText(p.rescale)) (rescale)")
        page.table(header: [], rows: [
            [l.pick("Model", "Modelo"), c.modelDescription],
            [l.pick("Image", "Imagen"), c.imagePath],
            [l.pick("Preprocessing", "Preprocesado"), preprocessingText],
            [l.pick("Classes", "Clases"), c.classNames.isEmpty ? l.pick("(not named)", "(sin nombre)") : c.classNames.enumerated().map { "\($0.offset) = \($0.element)" }.joined(separator: ", ")],
            [l.pick("Answer", "Respuesta"), "\(c.predictedClass), " + l.pick("probability ", "probabilidad ") + Format.cell(c.probability, decimals: 4)],
        ] + (c.gradientTarget.isEmpty ? [] : [[l.pick("Gradients", "Gradientes"), c.gradientTarget]]), className: "facts")
        page.paragraph(l.pick("The model says: ", "El modelo dice: ") + "\(l.label(c.predictedClass)) (" + l.pick("probability ", "probabilidad ")
                       + Format.cell(c.probability, decimals: 3) + ").", className: "verdict")
        if c.modelDescription.contains(l.pick("untrained", "sin entrenar")) {
            page.raw(l.pick("<p class=\"muted\">This model has not been trained: its weights are random, so the answer is a coin toss and the kernels show no pattern yet. Train a model (<code>cnnviz train</code>) and pass its folder with <code>--model</code> to see what learning changes.</p>",
                            "<p class=\"muted\">Este modelo no se ha entrenado: sus pesos son aleatorios, así que la respuesta es echarlo a cara o cruz y los kernels aún no muestran ningún patrón. Entrena un modelo (<code>cnnviz train</code>) y pasa su carpeta con <code>--model</code> para ver qué cambia el aprendizaje.</p>"))
        }
        // What the gradients push towards: the predicted class, or the class `--target` chose.
        let gradientsAre = c.chosenTargetClass.map {
            (en: "the class \($0), so they show what would push the answer towards \($0) (their opposite would push it away)",
             es: "la clase \(l.label($0)), así que muestran qué empujaría la respuesta hacia \(l.label($0)) (su opuesto la alejaría)")
        } ?? (en: "the predicted class, so they show what would push the answer further the same way (their opposite would push it the other way)",
              es: "la clase predicha, así que muestran qué empujaría la respuesta aún más en el mismo sentido (su opuesto la empujaría en el otro)")
        page.paragraph(l.pick("How to read the pictures: viridis (dark purple → yellow) shows values that are zero or more, such as activations after ReLU; blue–white–red shows signed values (weights, values before the activation, gradients) with white exactly at zero. Every picture has a colour bar with its numbers. Gradients are of the loss against " + gradientsAre.en + ".",
                              "Cómo leer las imágenes: viridis (morado oscuro → amarillo) muestra valores mayores o iguales que cero, como las activaciones tras ReLU; azul–blanco–rojo muestra valores con signo (pesos, valores antes de la activación, gradientes), con el blanco exactamente en cero. Cada imagen tiene una barra de color con sus números. Los gradientes son de la pérdida respecto a " + gradientsAre.es + "."), className: "muted")
        var toc = "<nav class=\"toc\">"
        for s in sections { toc += HTMLPage.link("#" + anchor(s.layer), s.layer.map { "\($0.index). \($0.name)" } ?? l.pick("0. input", "0. entrada")) }
        toc += HTMLPage.link("#files", l.pick("files", "archivos")) + "</nav>"
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
            page.heading("\(index). \(s.layer?.name ?? l.pick("input", "entrada")) (\(kind))", level: 2)
            page.paragraph(sentence(for: s.layer, inputShape: inputShape, classNames: c.classNames, language: l), className: "what")
            var facts: [[String]] = [[l.pick("Type", "Tipo"), kind],
                                     [l.pick("Output shape", "Forma de salida"), CNNError.format([-1] + (s.layer?.outputShape ?? Array((outputInfo?.shape ?? []).dropFirst())))],
                                     [l.pick("Parameters", "Parámetros"), Summary.grouped(s.layer?.parameters ?? 0)]]
            if let layer = s.layer, let k = trace.info(layer.name, .kernel) {
                facts.append([l.pick("Weights", "Pesos"), "kernel " + Format.shape(k.shape) + (trace.info(layer.name, .bias).map { l.pick(", bias ", ", sesgo ") + Format.shape($0.shape) } ?? "")])
            }
            if let layer = s.layer, layer.nonTrainableParameters > 0 {
                let roles = ["gamma", "beta", "moving_mean", "moving_variance"].compactMap { role in
                    trace.info(layer.name, .weight(role)).map { "\(role) " + Format.shape($0.shape) }
                }
                facts.append([l.pick("Weights", "Pesos"), roles.joined(separator: ", ")])
                facts.append([l.pick("Non-trainable", "No entrenables"), Summary.grouped(layer.nonTrainableParameters)
                              + l.pick(" (the moving statistics: updated by training batches, not by the optimizer)",
                                       " (las estadísticas móviles: las actualizan los lotes de entrenamiento, no el optimizador)")])
            }
            page.table(header: [], rows: facts, className: "facts")
            var statRows: [[String]] = []
            for role in [TraceRole.preActivation, .output] {
                guard let info = trace.info(layerName, role) else { continue }
                let name = role == .output ? (s.layer?.activation == "relu" ? l.pick("after ReLU", "tras ReLU") : l.pick("output", "salida"))
                    : l.pick("before activation", "antes de la activación")
                statRows.append([name, Format.short(info.stats.min), Format.short(info.stats.max), Format.short(info.stats.mean), Format.percent(info.stats.zeroFraction)])
            }
            if !statRows.isEmpty {
                page.raw(HTMLPage.table(header: [l.pick("values", "valores"), l.pick("min", "mín."), l.pick("max", "máx."), l.pick("mean", "media"), l.pick("share of zeros", "proporción de ceros")],
                                        rows: statRows, className: "stats"))
            }
            for picture in s.pictures {
                page.image(pictureFolder + "/" + picture.file, alt: picture.alt, caption: picture.caption)
            }
            let npy = trace.tensors(ofIndex: index).map { info in
                HTMLPage.link(info.file, "\(info.role) \(Format.shape(info.shape))")
            }
            if !npy.isEmpty { page.raw("<p class=\"files\">" + l.pick("Numbers (.npy): ", "Números (.npy): ") + npy.joined(separator: " ") + "</p>") }
            page.endSection()
        }
        page.beginSection(id: "files")
        page.heading(l.pick("Files", "Archivos"), level: 2)
        page.raw("<p class=\"files\">" + HTMLPage.link("manifest.json", "manifest.json")
                 + l.pick(" lists every tensor with its layer, role, shape, min, max, mean and share of zeros.</p>",
                          " enumera cada tensor con su capa, su papel, su forma, su mínimo, su máximo, su media y su proporción de ceros.</p>"))
        page.raw(l.pick("<p>Open any tensor in Python: ", "<p>Abre cualquier tensor en Python: ")
                 + "<code>import numpy as np; x = np.load(\"tensors/01_conv2d_output.npy\"); print(x.shape)</code>. "
                 + l.pick("Shapes are Keras' (batch, height, width, channels); kernels are (height, width, input channels, filters).</p>",
                          "Las formas son las de Keras (lote, alto, ancho, canales); los kernels son (alto, ancho, canales de entrada, filtros).</p>"))
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
