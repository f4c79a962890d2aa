import ArgumentParser
import CNNCore
import FastPlan
import Foundation
import ImageFiles
import Workflows

/// `cnnviz bench …`: throughput figures, meaningful only in a release build.
/// `cnnviz bench --all --json` runs every benchmark and prints the figures in one JSON object.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (build with -c release for figures worth quoting).",
        discussion: """
        With --all: training, inference, one-image latency and decoding in one run, printed as \
        one JSON object (--json) with the keys train_images_per_second, infer_images_per_second, \
        one_image_ms, decode_images_per_second and peak_memory_mb, and the machine they came \
        from: cpu (its model name), cores and vector_floats (the kernels' register width: 16 with \
        AVX-512, 8 otherwise).
        """,
        subcommands: [BenchTrainCommand.self, BenchInferCommand.self, BenchDecodeCommand.self]
    )

    @Flag(help: "Run every benchmark (train, infer, decode).")
    var all = false

    @OptionGroup var output: BenchOutputOptions
    var json: Bool { output.json }

    @Option(help: "With --all: the folder of images to decode.")
    var decodeDir = "../shared/datasets/cats-and-dogs/training_set"

    func run() throws {
        guard all else { throw CleanExit.helpRequest(self) }
        try CLIError.guarding {
            let say: (String) -> Void = json ? { _ in } : { print($0) }
            // The folder is checked first: a wrong path is refused at once, not after the model benchmarks.
            let files = try DecodeBenchmark.files(under: URL(fileURLWithPath: decodeDir))
            let s = ModelBenchmark.Settings()
            let train = try ModelBenchmark.train(s, progress: say)
            let infer = try ModelBenchmark.infer(s, progress: say)
            let one = try ModelBenchmark.oneImageMilliseconds(s, progress: say)
            say("decoding \(decodeDir) (DCT-scaled JPEG decode + nearest resize to 64×64, all cores)")
            let decode = DecodeBenchmark.run(files: files, width: 64, height: 64, mode: .dctScaled)
            let memory = ModelBenchmark.peakMemoryMB()
            if json {
                try printJSON(["train_images_per_second": train.median, "infer_images_per_second": infer.median,
                               "one_image_ms": one, "decode_images_per_second": decode.imagesPerSecond,
                               "peak_memory_mb": memory, "cpu": Machine.cpuName, "cores": Machine.cores,
                               "vector_floats": TileWidth.preferred.floats])
            } else {
                print(String(format: """
                    training:  %8.0f images/s (batch 32)
                    inference: %8.0f images/s (batch 32)
                    one image: %8.3f ms
                    decoding:  %8.0f images/s (%d images)
                    peak memory: %6.0f MB
                    machine: %@, %d cores, kernels %@
                    """, train.median, infer.median, one, decode.imagesPerSecond, decode.images, memory,
                    Machine.cpuName, Machine.cores, TileWidth.preferred.machineDescription))
            }
        }
    }
}

/// `--json`, shared by `bench` and its subcommands: ArgumentParser parses a parent's options on
/// the whole command line, so a `--json` declared twice would only reach the parent. Declared
/// once here as an option group on both, it reaches both.
struct BenchOutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object instead of text (with 'bench': use --all).")
    var json = false
}

/// The machine a benchmark ran on, to print beside its figures (they mean nothing without it).
enum Machine {
    /// The CPU's model name from /proc/cpuinfo (Linux), or the architecture where there is none.
    static var cpuName: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        for line in info.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") { return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        #if arch(arm64)
        return "arm64"
        #else
        return "x86-64"
        #endif
    }

    /// Cores the kernels share their work between.
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
}
