/// An 8-bit RGB image in memory: rows top to bottom, pixels left to right, bytes R, G, B.
///
/// Every decoder produces this (alpha dropped, gray replicated, as Keras' `convert('RGB')`),
/// every encoder and every picture CNNViz draws uses it.
public struct RGBImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// width · height · 3 bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "an RGB image of \(width)×\(height) needs \(width * height * 3) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A blank image of one colour.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        // A grey (white, black) is one byte repeated: one memset instead of a loop per pixel,
        // which was a seventh of the report's per-epoch pictures.
        var pixels = [UInt8](repeating: fill.0, count: width * height * 3)
        if fill.1 != fill.0 || fill.2 != fill.0 {
            for i in stride(from: 0, to: pixels.count, by: 3) {
                pixels[i] = fill.0; pixels[i + 1] = fill.1; pixels[i + 2] = fill.2
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    public subscript(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        get {
            let i = (y * width + x) * 3
            return (pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            let i = (y * width + x) * 3
            pixels[i] = newValue.0; pixels[i + 1] = newValue.1; pixels[i + 2] = newValue.2
        }
    }
}
