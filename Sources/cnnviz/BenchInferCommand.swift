import ArgumentParser
import CNNCore
import Foundation
import Workflows

/// `cnnviz bench infer`: inference images per second and the time for one image.
struct BenchInferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Inference throughput and one-image latency of the coursework model (build with -c release).",
        discussion: """
        Runs the coursework model forward on random 64×64 RGB images held in memory: the median \
        images per second over --repeats repetitions of --steps batches of 32, then the median \
        milliseconds for a single image (a batch of one), and the peak memory (ru_maxrss).
        """
    )

    @OptionGroup var options: BenchModelOptions
    @OptionGroup var output: BenchOutputOptions

    func run() throws {
        try CLIError.guarding {
            let s = options.settings
            let quiet: (String) -> Void = { _ in }
            let result = try ModelBenchmark.infer(s, progress: output.json ? quiet : options.progress)
            let one = try ModelBenchmark.oneImageMilliseconds(s, progress: output.json ? quiet : options.progress)
            let memory = ModelBenchmark.peakMemoryMB()
            if output.json {
                try printJSON(["infer_images_per_second": result.median, "runs": result.runs, "infer_images_per_cpu_second": result.cpuMedian, "one_image_ms": one,
                               "batch": s.batch, "steps": s.steps, "repeats": s.repeats, "backend": s.backend.rawValue,
                               "cores": ProcessInfo.processInfo.activeProcessorCount, "peak_memory_mb": memory])
            } else {
                print(String(format: "inference: %.0f images/s (batch %d, median of %d; %.0f per CPU-second); one image: %.3f ms; peak memory %.0f MB",
                             result.median, s.batch, s.repeats, result.cpuMedian, one, memory))
            }
        }
    }
}
