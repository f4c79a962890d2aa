import XCTest
import CNNCore
import ImageFiles
@testable import Visualize

/// The words drawn inside the layer pictures follow the page's language: with `.es` every
/// picture kind differs from its English drawing and shows none of a few English words.
///
/// Canvas keeps no record of the strings it draws, so a word is looked for in the pixels: its
/// glyphs, drawn by `BitmapFont` at scale 1 or 2, in one colour on the white background. The
/// English pictures are searched too, so a search that finds nothing cannot pass for a Spanish picture.
final class SpanishPictureWordsTests: XCTestCase {
    /// English words of the pictures' labels; none of them is a part of a Spanish word drawn.
    static let englishWords = ["channel", "filter", "weight", "dead", "value", "threshold", "unit", "pixels"]

    /// Every picture kind of the layer pictures, drawn in `l` from small fixed tensors.
    func pictures(_ l: Language) -> [(name: String, image: RGBImage)] {
        // Input 6×6×3 with values 0…1; maps 4×4×4 with a dead channel (1) and negatives.
        let x = Tensor(shape: [1, 6, 6, 3], data: (0..<108).map { Float($0 % 11) / 10 })
        let maps = Tensor(shape: [1, 4, 4, 4], data: (0..<64).map { $0 % 4 == 1 ? 0 : Float($0 % 7) - 3 })
        let kernel = Tensor(shape: [3, 3, 3, 2], data: (0..<54).map { Float($0 % 5) - 2 })
        let deepKernel = Tensor(shape: [3, 3, 12, 2], data: (0..<216).map { Float($0 % 5) - 2 })
        let bias = Tensor(shape: [2], data: [0.5, -0.25])
        let pool = TraceView.LayerInfo(index: 2, name: "max_pooling2d", kind: .maxPooling2D, kindName: "MaxPooling2D",
                                       outputShape: [2, 2, 4], parameters: 0, config: [:])
        let average = TraceView.LayerInfo(index: 2, name: "average_pooling2d", kind: .averagePooling2D, kindName: "AveragePooling2D",
                                          outputShape: [2, 2, 4], parameters: 0, config: [:])
        let pooled = Tensor(shape: [1, 2, 2, 4], data: (0..<16).map { Float($0) })
        let channels = Tensor(shape: [4], data: [0.5, -1, 2, 0])
        return [
            ("input", LayerPictures.input(x, language: l)),
            ("input with 2 channels", LayerPictures.input(Tensor(shape: [1, 2, 2, 2], data: [0, 1, 0.5, 0.25, 1, 0, 0.75, 0.5]), language: l)),
            ("maps per layer", LayerPictures.featureMaps(maps, title: "conv2d", map: .diverging, maxTiles: 3, language: l)),
            ("maps per map", LayerPictures.featureMaps(maps, title: "conv2d", map: .viridis, normalization: .perMap, language: l)),
            ("kernels", LayerPictures.kernels(kernel, bias: bias, title: "conv2d", language: l)),
            ("deep kernels", LayerPictures.kernels(deepKernel, bias: bias, title: "conv2d_1", language: l)),
            ("bars", LayerPictures.barStrip([1, -2, 0.5], title: "dense", map: .diverging, language: l)),
            ("class bars", LayerPictures.barStrip([0.2, 0.8], title: "dense", map: .viridis, labels: ["cats", "dogs"], language: l)),
            ("one-value bars", LayerPictures.barStrip([0, 0], title: "dense", map: .viridis, language: l)),
            ("sigmoid", LayerPictures.sigmoidOutput(logit: 0.7, classNames: [], language: l)),
            ("max pooling zoom", PoolingPictures.zoom(input: maps, output: pooled, layer: pool, channels: [0, 1], language: l)),
            ("average pooling zoom", PoolingPictures.zoom(input: maps, output: pooled, layer: average, channels: [0], language: l)),
            ("max pooling full", PoolingPictures.full(input: maps, output: pooled, layer: pool, channels: [0, 1], language: l)),
            ("average pooling full", PoolingPictures.full(input: maps, output: pooled, layer: average, channels: [0], language: l)),
            ("global pooling", GlobalPoolingPictures.bars(channels, kind: .globalAveragePooling2D, layer: "gap", inputShape: [4, 4, 4], language: l)),
            ("normalization", NormalizationPictures.statistics(gamma: channels, beta: channels, movingMean: channels, movingVariance: channels,
                                                               momentum: 0.99, layer: "bn", language: l)),
        ]
    }

    func testSpanishPicturesDifferFromTheEnglishOnes() {
        for ((name, english), (_, spanish)) in zip(pictures(.en), pictures(.es)) {
            XCTAssertNotEqual(english, spanish, "\(name): the Spanish picture is the English one")
        }
    }

    func testSpanishPicturesDrawNoEnglishWord() {
        for (name, image) in pictures(.es) {
            for word in Self.englishWords {
                XCTAssertFalse(Self.draws(word, in: image), "\(name): draws the English word \"\(word)\"")
            }
        }
    }

    /// The search works: each English word is found in the English picture that writes it.
    func testTheWordSearchFindsTheEnglishWords() {
        let english = Dictionary(pictures(.en).map { ($0.name, $0.image) }, uniquingKeysWith: { a, _ in a })
        let expected = [("input", "channel"), ("input", "pixels"), ("input with 2 channels", "channel"), ("maps per layer", "dead"),
                        ("maps per layer", "value"), ("kernels", "filter"), ("kernels", "weight"), ("bars", "unit"),
                        ("bars", "value"), ("sigmoid", "threshold"), ("max pooling zoom", "channel"), ("max pooling full", "value"),
                        ("normalization", "value")]
        for (name, word) in expected {
            guard let image = english[name] else { return XCTFail("no English picture \(name)") }
            XCTAssertTrue(Self.draws(word, in: image), "\(name): \"\(word)\" not found in the English picture")
        }
        XCTAssertTrue(Self.draws("canal", in: pictures(.es)[0].image))
    }

    /// Spanish labels are longer: none may run past the right edge of its picture, which is
    /// checked by the last pixel column being background, as the margins leave it.
    func testSpanishPicturesKeepTheirRightMarginClear() {
        for (name, image) in pictures(.es) {
            let x = image.width - 1
            let inked = (0..<image.height).filter { y in let p = image[x, y]; return p != (255, 255, 255) }
            XCTAssertTrue(inked.isEmpty, "\(name): something is drawn in the last column (rows \(inked.prefix(5)))")
        }
    }

    /// Whether `word` appears drawn at scale 1 or 2: every glyph pixel of the word in one colour
    /// other than white, and every other pixel of its box white.
    static func draws(_ word: String, in image: RGBImage) -> Bool {
        // One UInt32 per pixel, so a comparison is one instruction.
        var colors = [UInt32](repeating: 0, count: image.width * image.height)
        for i in colors.indices {
            let r = UInt32(image.pixels[3 * i]), g = UInt32(image.pixels[3 * i + 1]), b = UInt32(image.pixels[3 * i + 2])
            colors[i] = r << 16 | g << 8 | b
        }
        let white: UInt32 = 0xFFFFFF
        for scale in [1, 2] {
            var mask = Canvas(width: BitmapFont.width(of: word, scale: scale), height: BitmapFont.height(scale: scale))
            mask.text(word, x: 0, y: 0, scale: scale)
            let w = mask.width, h = mask.height
            guard image.width >= w, image.height >= h else { continue }
            // Offsets of the glyph pixels and of the background pixels in the picture's rows.
            var on: [Int] = [], off: [Int] = []
            for y in 0..<h {
                for x in 0..<w {
                    if mask.pixel(x, y) == .white { off.append(y * image.width + x) } else { on.append(y * image.width + x) }
                }
            }
            guard let first = on.first else { continue }
            for oy in 0...(image.height - h) {
                for ox in 0...(image.width - w) {
                    let origin = oy * image.width + ox
                    let ink = colors[origin + first]
                    if ink == white { continue }
                    if on.allSatisfy({ colors[origin + $0] == ink }) && off.allSatisfy({ colors[origin + $0] == white }) { return true }
                }
            }
        }
        return false
    }
}
