import CNNCore
import Foundation
import ImageFiles

/// The built-in demo data set: two classes of striped pictures that differ only in orientation.
///
/// `horizontal` pictures have stripes within ±20° of horizontal, `vertical` ones within ±20° of
/// vertical; colours, stripe width, phase, blur and noise are random. What tells the classes apart
/// is the direction of the edges, so the kernels the network learns become visible edge
/// detectors. Files are real JPEG and PNG images (80×80, so the 64×64 resize is exercised) in
/// the coursework's layout: `training_set/<class>/…` and `test_set/<class>/…`.
public struct DemoDataset {
    public static let classNames = ["horizontal", "vertical"]
    public var trainingPerClass = 300
    public var testPerClass = 100
    public var size = 80
    public var seed: UInt64 = 0

    public init(trainingPerClass: Int = 300, testPerClass: Int = 100, size: Int = 80, seed: UInt64 = 0) {
        self.trainingPerClass = trainingPerClass
        self.testPerClass = testPerClass
        self.size = size
        self.seed = seed
    }

    /// Draws one picture of the given class (0 horizontal, 1 vertical).
    public static func picture(classIndex: Int, size: Int, rng: inout SeededRNG) -> RGBImage {
        let tilt = rng.uniform(-20.0, 20.0) * Double.pi / 180
        let angle = (classIndex == 0 ? 0 : Double.pi / 2) + tilt
        // Stripes run along `angle`; the brightness changes across it.
        let (nx, ny) = (-sin(angle), cos(angle))
        let period = rng.uniform(8.0, 20.0)
        let phase = rng.uniform(0.0, period)
        let duty = rng.uniform(0.35, 0.65)
        // Bright lines on a dark ground: mostly-dark pictures keep the first Dense layer's inputs
        // small, so Adam's first steps do not switch off every ReLU of the 3.9 M-weight layer.
        let dark = (rng.uniform(0.0, 60.0), rng.uniform(0.0, 60.0), rng.uniform(0.0, 60.0))
        let light = (rng.uniform(120.0, 255.0), rng.uniform(120.0, 255.0), rng.uniform(120.0, 255.0))
        let softness = rng.uniform(0.5, 1.5)
        let noise = rng.uniform(0.0, 10.0)
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        let centre = Double(size) / 2
        for y in 0..<size {
            for x in 0..<size {
                let d = (Double(x) - centre) * nx + (Double(y) - centre) * ny + phase
                var f = d / period - (d / period).rounded(.down)  // position within one period, 0..<1
                f = f < duty ? f / duty : (1 - f) / (1 - duty)    // triangle 0 → 1 → 0
                let t = 1 / (1 + exp(-(f - 0.7) * 14 / softness))  // a soft-edged bright line
                let i = (y * size + x) * 3
                let channels = [dark.0 + (light.0 - dark.0) * t, dark.1 + (light.1 - dark.1) * t, dark.2 + (light.2 - dark.2) * t]
                for c in 0..<3 {
                    let value = channels[c] + rng.uniform(-noise, noise)
                    pixels[i + c] = UInt8(max(0, min(255, value.rounded())))
                }
            }
        }
        return RGBImage(width: size, height: size, pixels: pixels)
    }

    /// Writes the data set under `folder` (created; an existing demo set there is replaced whole).
    /// Training pictures are JPEG, test pictures PNG, so both decoders are used.
    public func write(to folder: URL, progress: (Int, Int) -> Void = { _, _ in }) throws {
        let total = 2 * (trainingPerClass + testPerClass)
        let plan: [(split: String, cls: Int, index: Int)] =
            (0..<2).flatMap { c in (0..<trainingPerClass).map { ("training_set", c, $0) } }
            + (0..<2).flatMap { c in (0..<testPerClass).map { ("test_set", c, $0) } }
        try AtomicWrite.folder(at: folder) { temp in
            for split in ["training_set", "test_set"] {
                for name in DemoDataset.classNames {
                    try FileManager.default.createDirectory(at: temp.appendingPathComponent(split).appendingPathComponent(name),
                                                            withIntermediateDirectories: true)
                }
            }
            // Each picture has its own generator, so the set is the same whatever the thread count.
            let errors = ErrorBox()
            let done = Counter()
            DispatchQueue.concurrentPerform(iterations: plan.count) { k in
                let item = plan[k]
                var rng = SeededRNG(seed: seed).fork(UInt64(k))
                let image = DemoDataset.picture(classIndex: item.cls, size: size, rng: &rng)
                let ext = item.split == "training_set" ? "jpg" : "png"
                let name = "\(DemoDataset.classNames[item.cls]).\(item.index + 1).\(ext)"
                let url = temp.appendingPathComponent(item.split).appendingPathComponent(DemoDataset.classNames[item.cls]).appendingPathComponent(name)
                do { try ImageFile.write(image, to: url) } catch { errors.set(error) }
                let n = done.increment()
                if n % 50 == 0 || n == total { progress(n, total) }
            }
            if let error = errors.error { throw error }
        }
    }
}

/// The first error seen by any thread.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?
    func set(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
}

/// A counter shared by threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
