import Foundation

/// Decode + resize throughput over a folder, and how DCT-scaled pixels compare with exact ones.
///
/// One pass reads every file (bytes from disk included, as PIL's `Image.open` does), decodes it
/// and resizes it to the target size, spread over `threads` cores with
/// `DispatchQueue.concurrentPerform`.
public enum DecodeBenchmark {
    /// A file that could not be decoded, and why (`ImageError.reason`).
    public struct Failure: Sendable, Equatable {
        public let file: String
        public let reason: String
    }

    public struct Result: Sendable {
        public let images: Int
        public var failed: Int { failures.count }
        /// Every file that could not be decoded, in the folder's order.
        public let failures: [Failure]
        /// Wall-clock seconds of the fastest pass.
        public let seconds: Double
        /// CPU seconds (all threads) of that pass: on a busy machine a fairer figure than wall time.
        public let cpuSeconds: Double
        public let passes: Int
        public var imagesPerSecond: Double { seconds > 0 ? Double(images) / seconds : 0 }
        /// CPU milliseconds per image.
        public var cpuMillisecondsPerImage: Double { images > 0 ? 1000 * cpuSeconds / Double(images) : 0 }
    }

    /// How two decodings of the same files differ, byte by byte.
    public struct Comparison: Sendable {
        public let images: Int
        /// Fraction of bytes (pixel channels) that are identical.
        public let identicalFraction: Double
        /// Fraction of pixels whose three channels are all identical.
        public let identicalPixelFraction: Double
        /// Mean absolute difference per channel, in 0…255 steps.
        public let meanAbsoluteDifference: Double
    }

    /// Every image under `directory` (recursively; png/jpg/jpeg, hidden files ignored), in the
    /// dataset's order.
    public static func files(under directory: URL) throws -> [URL] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ImageError(.missingFolder, path: directory.path, reason: "no such folder",
                             hint: "Give a folder of images, e.g. ../shared/datasets/cats-and-dogs/training_set")
        }
        var ignored = [String: Int]()
        let found = DatasetListing.imageFiles(in: directory, ignored: &ignored)
        guard !found.isEmpty else {
            throw ImageError(.emptyClass, path: directory.path, reason: "no .png, .jpg or .jpeg images under this folder",
                             hint: "Give a folder that holds images")
        }
        // A FIFO, socket or device named x.jpg is not an image: refused before any timing.
        for file in found {
            if let what = DatasetListing.notRegularKind(file) {
                throw ImageError(.unreadable, path: file.path, reason: "this is \(what), not an image file",
                                 hint: "Remove it from the folder, or benchmark a folder of image files only")
            }
        }
        return found
    }

    /// Times `passes` passes and keeps the fastest (the first also warms the file cache).
    public static func run(files: [URL], width: Int, height: Int, mode: ImageLoader.DecodeMode,
                           interpolation: Resize.Interpolation = .nearest, passes: Int = 3) -> Result {
        var best = Double.infinity, bestCPU = 0.0
        var failures = [Failure]()
        for _ in 0..<max(passes, 1) {
            let recorder = FailureRecorder(count: files.count)
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = processCPUSeconds()
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                do {
                    _ = try ImageLoader.load(files[i], width: width, height: height, interpolation: interpolation, mode: mode)
                } catch let error as ImageError {
                    recorder.set(i, error.reason)
                } catch {
                    recorder.set(i, "\(error)")
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if seconds < best { best = seconds; bestCPU = processCPUSeconds() - cpuStart }
            failures = recorder.failures(files)
        }
        return Result(images: files.count - failures.count, failures: failures, seconds: best, cpuSeconds: bestCPU,
                      passes: max(passes, 1))
    }

    /// CPU time used by this process so far, all threads.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Decodes every file both ways and compares the resized pixels.
    public static func compare(files: [URL], width: Int, height: Int, _ a: ImageLoader.DecodeMode, _ b: ImageLoader.DecodeMode,
                               interpolation: Resize.Interpolation = .nearest) -> Comparison {
        var same = [Int](repeating: 0, count: files.count)
        var samePixels = [Int](repeating: 0, count: files.count)
        var absolute = [Int](repeating: 0, count: files.count)
        var ok = [Bool](repeating: false, count: files.count)
        same.withUnsafeMutableBufferPointer { same in
            samePixels.withUnsafeMutableBufferPointer { samePixels in
                absolute.withUnsafeMutableBufferPointer { absolute in
                    ok.withUnsafeMutableBufferPointer { ok in
                        DispatchQueue.concurrentPerform(iterations: files.count) { i in
                            guard let x = try? ImageLoader.load(files[i], width: width, height: height, interpolation: interpolation, mode: a),
                                  let y = try? ImageLoader.load(files[i], width: width, height: height, interpolation: interpolation, mode: b)
                            else { return }
                            var s = 0, sp = 0, d = 0
                            for p in 0..<(width * height) {
                                var all = true
                                for c in 0..<3 {
                                    let u = Int(x.pixels[3 * p + c]), v = Int(y.pixels[3 * p + c])
                                    if u == v { s += 1 } else { all = false }
                                    d += abs(u - v)
                                }
                                if all { sp += 1 }
                            }
                            same[i] = s; samePixels[i] = sp; absolute[i] = d; ok[i] = true
                        }
                    }
                }
            }
        }
        let images = ok.filter { $0 }.count
        let bytes = Double(max(images * width * height * 3, 1))
        return Comparison(images: images,
                          identicalFraction: Double(same.reduce(0, +)) / bytes,
                          identicalPixelFraction: Double(samePixels.reduce(0, +)) / Double(max(images * width * height, 1)),
                          meanAbsoluteDifference: Double(absolute.reduce(0, +)) / bytes)
    }

    /// Why each file failed, written from many threads (one slot per file, under a lock).
    private final class FailureRecorder: @unchecked Sendable {
        private let lock = NSLock()
        private var reasons: [String?]
        init(count: Int) { reasons = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ reason: String) { lock.lock(); reasons[i] = reason; lock.unlock() }
        func failures(_ files: [URL]) -> [Failure] {
            lock.lock(); defer { lock.unlock() }
            return zip(files, reasons).compactMap { file, reason in reason.map { Failure(file: file.path, reason: $0) } }
        }
    }
}
