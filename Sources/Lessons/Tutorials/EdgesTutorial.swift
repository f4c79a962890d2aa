import CNNCore
import Foundation
import ImageFiles

/// Classic hand-made kernels on a real picture: vertical and horizontal edges (Sobel), blur
/// (Gaussian) and sharpen. These are the patterns a trained first Conv2D layer tends to find by
/// itself. The engine side is one `Conv2D` with one filter per kernel on a (1, S, S, 1) grey image.
struct EdgesTutorial: Tutorial {
    let name = "edges"

    /// The kernels shown by default, with their names in both languages.
    static let classic: [(en: String, es: String, kernel: String)] = [
        ("vertical edges", "bordes verticales", "1 0 -1; 2 0 -2; 1 0 -1"),
        ("horizontal edges", "bordes horizontales", "1 2 1; 0 0 0; -1 -2 -1"),
        ("blur", "desenfoque", "0.0625 0.125 0.0625; 0.125 0.25 0.125; 0.0625 0.125 0.0625"),
        ("sharpen", "enfoque", "0 -1 0; -1 5 -1; 0 -1 0"),
    ]

    func summary(_ l: Language) -> String {
        l.pick("vertical/horizontal edge, blur and sharpen kernels on a real image (drawn by the program, or --image FILE)",
               "kernels de bordes verticales/horizontales, desenfoque y enfoque sobre una imagen real (dibujada por el programa, o --image FICHERO)")
    }

    var keys: [(key: String, example: String)] {
        [("image", "photo.jpg"), ("kernel", "1 0 -1; 2 0 -2; 1 0 -1"), ("size", "64")]
    }

    /// The picture used without --image: shapes whose borders run in both directions, grey 0…1.
    static func drawnPicture(size: Int) -> Matrix {
        var m = Matrix(rows: size, cols: size, repeating: 0.15)
        let s = Float(size) / 64
        for y in 0..<size {
            for x in 0..<size {
                let fx = Float(x) / s, fy = Float(y) / s
                if fx >= 8, fx < 28, fy >= 10, fy < 54 { m[y, x] = 0.9 }                       // a tall bright rectangle
                let dx = fx - 45, dy = fy - 21
                if dx * dx + dy * dy < 144 { m[y, x] = 0.6 }                                   // a grey disc
                if fx >= 34, fx < 60, fy >= 40, fy < 50 { m[y, x] = 0.8 }                      // a wide bar
            }
        }
        return m
    }

    /// An RGB image as grey 0…1 (ITU-R 601 luma, as PIL's convert('L')).
    static func gray(_ image: RGBImage) -> Matrix {
        var m = Matrix(rows: image.height, cols: image.width)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let (r, g, b) = image[x, y]
                m[y, x] = (0.299 * Float(r) + 0.587 * Float(g) + 0.114 * Float(b)) / 255
            }
        }
        return m
    }

    func run(_ s: Settings, language l: Language) throws -> TutorialResult {
        let size = try s.integer("size", default: 64, minimum: 3, maximum: TutorialLimits.maxPictureSide,
                                 limitName: "TutorialLimits.maxPictureSide", example: "64")
        let picture: Matrix
        let pictureText: String
        if let path = s.text("image"), !path.isEmpty {
            let url = URL(fileURLWithPath: path)
            let image = try ImageFile.read(url)
            picture = Self.gray(Resize.nearest(image, width: size, height: size))
            pictureText = l.pick("\(url.lastPathComponent) (\(image.width)×\(image.height)), in grey, resized to \(size)×\(size) with nearest neighbour as Keras' load_img does",
                                 "\(url.lastPathComponent) (\(image.width)×\(image.height)), en gris, reducida a \(size)×\(size) por vecino más próximo como hace load_img de Keras")
        } else {
            picture = Self.drawnPicture(size: size)
            pictureText = l.pick("a \(size)×\(size) picture the program draws itself: a rectangle, a disc and a bar",
                                 "una imagen de \(size)×\(size) que dibuja el propio programa: un rectángulo, un disco y una barra")
        }
        var named: [(name: String, kernel: Matrix)] = []
        if s.has("kernel") {
            let k = try s.matrix("kernel", example: "1 0 -1; 2 0 -2; 1 0 -1")
            try Support.checkFits(window: (k.rows, k.cols), input: picture, padding: "valid", settings: s, key: "kernel", example: "1 0 -1; 2 0 -2; 1 0 -1")
            named = [(l.pick("your kernel", "tu kernel"), k)]
        } else {
            named = try Self.classic.map { (l.pick($0.en, $0.es), try MatrixParser.matrix($0.kernel, source: "built-in kernel", example: "1 0; 0 1")) }
        }

        // The engine: every kernel as one filter of a single Conv2D, as the coursework's first layer holds 32.
        let layer = try Engine.conv2D(filtersOf: named.map(\.kernel), biases: Array(repeating: 0, count: named.count),
                                      inputShape: [picture.rows, picture.cols, 1])
        let responses = Matrix.channels(of: try layer.forward(picture.tensor, training: false))

        var steps: [Step] = [Step(l.pick("The picture", "La imagen"), lines: [
            pictureText + ".",
            l.pick("Each value is a grey level from 0 (black) to 1 (white), as after the coursework's rescale=1./255.",
                   "Cada valor es un nivel de gris de 0 (negro) a 1 (blanco), como tras el rescale=1./255 del curso."),
            l.pick("Each kernel below runs over it as a Conv2D filter with 'valid' padding: \(size)×\(size) → \(responses[0].sizeText), like the coursework's 64×64 → 62×62.",
                   "Cada kernel de abajo la recorre como un filtro de Conv2D con relleno 'valid': \(size)×\(size) → \(responses[0].sizeText), como el 64×64 → 62×62 del curso."),
        ], panels: [Panel(l.pick("picture", "imagen"), picture, role: .input, display: .grayImage)])]

        var checks: [Check] = []
        for (f, entry) in named.enumerated() {
            let kernel = entry.kernel
            let hand = ConvArithmetic(input: [picture], kernel: [kernel], bias: 0, stride: 1, padding: "valid")
            let handOut = hand.output
            let response = responses[f]
            checks.append(Check(what: entry.name, layer: "CNNCore Conv2D.forward", stepByStep: handOut, engine: response))
            // Work out the cell with the strongest response by hand (the first one on ties).
            var best = 0
            for k in response.values.indices where abs(response.values[k]) > abs(response.values[best]) { best = k }
            let cell = Cell(best / response.cols, best % response.cols)
            let w = hand.work(cell)
            let isEdge = kernel.values.reduce(0, +) == 0
            let meaning = isEdge
                ? l.pick("The kernel's values add up to 0: on a flat area the products cancel and the output is 0; where brightness changes across the kernel, they do not. Red: positive, blue: negative.",
                         "Los valores del kernel suman 0: en una zona lisa los productos se anulan y la salida es 0; donde el brillo cambia a lo largo del kernel, no. Rojo: positivo, azul: negativo.")
                : l.pick("The kernel's values add up to \(NumberFormat.short(kernel.values.reduce(0, +))): a flat area keeps (about) its brightness; the result is shown as an image.",
                         "Los valores del kernel suman \(NumberFormat.short(kernel.values.reduce(0, +))): una zona lisa conserva (más o menos) su brillo; el resultado se muestra como imagen.")
            steps.append(Step(entry.name.prefix(1).uppercased() + entry.name.dropFirst(), lines: [
                meaning,
                l.pick("Strongest response at output[\(cell.row)][\(cell.col)], window \(Support.span(w.origin, kernel.rows, kernel.cols, l)):",
                       "Respuesta más fuerte en salida[\(cell.row)][\(cell.col)], ventana \(Support.span(w.origin, kernel.rows, kernel.cols, l)):"),
                "  " + ConvArithmetic.productsText(window: w.windows[0], kernel: kernel),
                "  = " + ConvArithmetic.termsText(w.products[0]) + " = " + NumberFormat.short(w.result),
                Support.checkLine(checks[f], l),
            ], panels: [
                Panel(l.pick("picture", "imagen"), picture, role: .input, display: .grayImage,
                      highlighted: Cell.rectangle(row: w.origin.row, col: w.origin.col, height: kernel.rows, width: kernel.cols)),
                Panel("kernel", kernel, role: .kernel),
                Panel(l.pick("window", "ventana"), w.windows[0], role: .input),
                Panel(l.pick("window × kernel", "ventana × kernel"), w.products[0], role: .product),
                Panel(entry.name, response, role: .output, display: isEdge ? .signedImage : .grayImage, marked: [cell]),
            ], data: ["kernel": Support.json(kernel), "cell": Support.json(cell), "window": Support.json(w.windows[0]),
                      "products": Support.json(w.products[0]), "result": Support.json(w.result)]))
        }

        return TutorialResult(steps: steps, output: responses[0],
                              results: zip(named, responses).map { ($0.0.name, $0.1) }, checks: checks, used: [
            ("image", s.text("image") ?? l.pick("(drawn by the program)", "(dibujada por el programa)")), ("size", "\(size)"),
            ("kernel", named.map { "\($0.name): \(MatrixText.text($0.kernel))" }.joined(separator: " | ")),
        ])
    }
}
