import ArgumentParser
import Foundation
import ImageFiles

/// `cnnviz bench decode DIR`: images per second for decode + resize to 64×64.
struct BenchDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode + resize throughput of a folder of images (build with -c release).",
        discussion: """
        Reads every .png/.jpg/.jpeg under DIR (recursively, hidden files ignored), decodes it and \
        resizes it to the target size with nearest neighbour, on all cores. Reports the fastest of \
        --passes passes (the first also warms the file cache).

        By default JPEGs use libjpeg's DCT scaling: each file is decoded at the smallest M/8 of its \
        size that still covers the target, then resized. Its pixels are not Keras' pixels: a \
        scaled inverse DCT averages the area an output pixel covers, where a full decode followed \
        by nearest resizing picks one full-resolution sample. On the cats-and-dogs training set \
        (2,000 JPEGs) 12.5% of the 64×64 channel values and 9.2% of the pixels match the exact \
        path, and the mean difference is 8.1 levels of 255 (--compare measures your folder). The \
        gain is limited because Huffman decoding of the whole file is needed either way. \
        --exact decodes in full as PIL does (the pixels Keras' load_img gives).
        """
    )

    @Argument(help: "Folder of images, e.g. ../shared/datasets/cats-and-dogs/training_set.")
    var directory: String

    @Flag(help: "Full decode then resize, as PIL/Keras do (slower; the pixels Keras sees).")
    var exact = false

    // `--json` is shared with `cnnviz bench --all` (BenchOutputOptions in BenchCommand.swift):
    // a flag of its own with that name would be taken by the parent command.
    @OptionGroup var output: BenchOutputOptions
    var json: Bool { output.json }

    @Flag(help: "Also compare DCT-scaled and exact pixels on every image.")
    var compare = false

    @Option(help: "Target size in pixels (square).")
    var size = 64

    @Option(help: "Number of timed passes; the fastest is reported.")
    var passes = 3

    func validate() throws {
        guard size > 0 && size <= 4096 else { throw ValidationError("--size must be between 1 and 4096, got \(size).") }
        guard passes > 0 && passes <= 100 else { throw ValidationError("--passes must be between 1 and 100, got \(passes).") }
    }

    func run() throws {
        try CLIError.guarding {
            let files = try DecodeBenchmark.files(under: URL(fileURLWithPath: directory))
            let mode: ImageLoader.DecodeMode = exact ? .exact : .dctScaled
            let result = DecodeBenchmark.run(files: files, width: size, height: size, mode: mode, passes: passes)
            let comparison = compare ? DecodeBenchmark.compare(files: files, width: size, height: size, .dctScaled, .exact) : nil
            let cores = ProcessInfo.processInfo.activeProcessorCount
            // Every file that failed, by name: also with --json, where the list is in "failures".
            for failure in result.failures {
                StandardStreams.error("warning: could not decode \(failure.file): \(failure.reason)")
            }
            if json {
                var object: [String: Any] = [
                    "images": result.images, "failed": result.failed, "seconds": result.seconds,
                    "images_per_second": result.imagesPerSecond, "mode": mode == .exact ? "exact" : "dct-scaled",
                    "cpu_ms_per_image": result.cpuMillisecondsPerImage,
                    "size": size, "cores": cores, "passes": result.passes,
                    "failures": result.failures.map { ["file": $0.file, "reason": $0.reason] },
                ]
                if let c = comparison {
                    object["identical_fraction"] = c.identicalFraction
                    object["identical_pixel_fraction"] = c.identicalPixelFraction
                    object["mean_absolute_difference"] = c.meanAbsoluteDifference
                }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(String(format: "%d images (%@, %d×%d, %d cores): %.3f s, %.0f images/s, %.3f ms CPU per image",
                             result.images, mode == .exact ? "exact" : "DCT-scaled", size, size, cores,
                             result.seconds, result.imagesPerSecond, result.cpuMillisecondsPerImage))
                if result.failed > 0 { print("\(result.failed) file\(result.failed == 1 ? "" : "s") could not be decoded (listed on standard error).") }
                if let c = comparison {
                    print(String(format: "DCT-scaled vs exact: %.1f%% of channel values identical, %.1f%% of pixels, mean |difference| %.2f of 255",
                                 100 * c.identicalFraction, 100 * c.identicalPixelFraction, c.meanAbsoluteDifference))
                }
            }
        }
    }
}
