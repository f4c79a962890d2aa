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

    public static func run(output root: URL, epochs: Int = 10, seed: UInt64 = 1, photos: URL? = nil,
                           log: @escaping (String) -> Void = { print($0) }) throws -> Result {
        if let photos, !isCourseworkLayout(photos) {
            throw CNNError.invalidInput("\(photos.path) is not in the coursework's layout",
                                        hint: "give a folder with training_set/ and test_set/, each holding one folder per class (cats/, dogs/)")
        }
        try OutputFolder.claim(root)
        log("== 1/4 Tutorials: convolution, pooling and every other step, one computation at a time")
        let tutorials = root.appendingPathComponent("tutorials")
        var tutorialLinks: [Part] = []
        for (walk, folder) in try TutorialFiles.writeAll(outputRoot: tutorials) {
            log("   \(walk.title): \(walk.steps.count) steps → \(folder.path)/index.html")
            let page = "tutorials/\(folder.lastPathComponent)/index.html"
            tutorialLinks.append(Part(title: walk.title, link: page,
                                      thumbnail: "tutorials/\(folder.lastPathComponent)/" + TutorialPage.thumbnailName))
        }

        let data: URL
        if let photos {
            log("== 2/4 The photos: \(photos.path)")
            data = photos
        } else {
            log("== 2/4 The demo data set: striped pictures, horizontal vs vertical (no photo folder given or found)")
            data = root.appendingPathComponent("demo-data")
            try DemoDataset(seed: seed).write(to: data)
            log("   wrote \(data.path)/{training_set,test_set}")
        }

        let samples = "data-samples.png"
        try ImageFile.write(try sampleSheet(data), to: root.appendingPathComponent(samples))

        log("== 3/4 Training the coursework model on it (\(epochs) epochs × 20 steps × 32)")
        let run = root.appendingPathComponent("runs/tour")
        // The tour's own run from last time (only if everything in it is cnnviz's).
        try OutputFolder.checkReplaceable(run)
        try OutputFolder.removeOwned(run)
        var options = TrainOptions(trainFolder: data.appendingPathComponent("training_set"), output: run)
        options.validationFolder = data.appendingPathComponent("test_set")
        options.epochs = epochs
        options.seed = seed
        options.indexLink = ("../../index.html", "the tour")
        let trained = try TrainingSession.run(options, log: log)
        let accuracy = trained.history.last?.valAccuracy

        log("== 4/4 Inspecting one test photo through the trained model")
        let image = try firstTestImage(in: data)
        let name = "tour-" + image.deletingPathExtension().lastPathComponent
        let inspection = try Inspection.run(image: image, model: .folder(run.appendingPathComponent("model")),
                                            output: root.appendingPathComponent("inspect/\(name)"),
                                            indexLink: ("../../index.html", "the tour"), explain: true)
        log("   \(image.lastPathComponent): \(inspection.predictedClass) (p = \(String(format: "%.3f", inspection.probability))) → \(inspection.folder.path)/index.html")

        let index = root.appendingPathComponent("index.html")
        let html = page(tutorials: tutorialLinks, photos: photos, samples: samples, accuracy: accuracy, history: trained.history,
                        image: image.lastPathComponent, inspection: "inspect/\(name)")
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
    static func sampleSheet(_ data: URL) throws -> RGBImage {
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
        return Grid(title: "training_set", subtitle: "the first pictures of each class", tiles: tiles, columns: 4).render()
    }

    /// One part of the tour on its index: a title, its page and a picture of it.
    struct Part {
        var title: String
        var link: String
        var thumbnail: String
    }

    static func page(tutorials: [Part], photos: URL?, samples: String, accuracy: Double?, history: [EpochRecord],
                     image: String, inspection: String) -> String {
        var page = HTMLPage(title: "CNNViz tour")
        page.raw("""
        <style>.parts { display: flex; flex-wrap: wrap; gap: 14px; } .part { width: 260px; }
        .part img { width: 100%; height: 150px; object-fit: contain; background: #f4f4f4; border: 1px solid #ddd; }
        .tutorials .part { width: 180px; } .tutorials .part img { height: 110px; }</style>
        """)
        func tile(_ part: Part, _ text: String) -> String {
            "<div class=\"part\">" + "<a href=\"\(HTMLPage.path(part.link))\"><img src=\"\(HTMLPage.path(part.thumbnail))\" alt=\"\(HTMLPage.escape(part.title))\"></a>"
                + "<p>" + HTMLPage.link(part.link, part.title) + (text.isEmpty ? "" : ": " + HTMLPage.escape(text)) + "</p></div>"
        }
        page.heading("CNNViz: a tour of a convolutional network", level: 1)
        page.raw("<p>Everything below was computed on this machine by <code>cnnviz tour</code>. Open the pages in order.</p>")
        page.heading("1. One computation at a time")
        page.raw("<div class=\"parts tutorials\">" + tutorials.map { tile($0, "") }.joined() + "</div>")
        page.raw("<p>" + HTMLPage.link("tutorials/index.html", "The tutorials' index") + "; <code>cnnviz tutorial NAME --input …</code> runs one on your own numbers, <code>--lang es</code> in Spanish.</p>")
        page.heading("2. The data")
        if let photos {
            page.paragraph("Photos in the coursework's layout, read from \(photos.path): training_set/ to learn from, test_set/ to check on photos the network never trained on.")
        } else {
            page.paragraph("No photo folder was given or found (looked for: \(photoFolders.joined(separator: ", "))), so the tour drew its own: two classes of striped pictures that differ only in the direction of their edges, as real JPEG and PNG files in demo-data/training_set and demo-data/test_set. `cnnviz tour --data \"Gatos y Perros\"` trains on your photos instead.")
        }
        page.image(samples, alt: "the first training pictures of each class")
        page.heading("3. Training")
        let result = accuracy.map { String(format: "validation accuracy %.1f%% after %d epochs", $0 * 100, history.count) } ?? "trained"
        page.raw("<div class=\"parts\">" + tile(Part(title: "The training report", link: "runs/tour/index.html", thumbnail: "runs/tour/loss.png"),
                                               "learning curves, kernels and feature maps at every epoch, the confusion matrix (\(result))") + "</div>")
        page.heading("4. One photo through the trained network")
        page.raw("<div class=\"parts\">"
                 + tile(Part(title: "The explorer for \(image)", link: inspection + "/index.html", thumbnail: inspection + "/pictures/00_input.png"),
                        "every layer's numbers; click any of them to see how it was computed")
                 + tile(Part(title: "Its feature maps", link: inspection + "/pictures.html", thumbnail: inspection + "/pictures/01_conv2d_output.png"),
                        "the same numbers as pictures")
                 + "</div>")
        page.heading("Next: your own photos")
        page.raw("<p><code>cnnviz train --train \"Gatos y Perros/training_set\" --validation \"Gatos y Perros/test_set\"</code>, then "
                 + "<code>cnnviz inspect IMAGE --model output/runs/&lt;run&gt;/model</code>.</p>")
        return page.render()
    }
}
