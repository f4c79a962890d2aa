import ArgumentParser
import CNNCore
import Foundation
import Workflows

/// Options every model benchmark takes.
struct BenchModelOptions: ParsableArguments {
    @Option(help: "Steps (batches) per timed repetition.")
    var steps = 10

    @Option(help: "Timed repetitions; the median is reported.")
    var repeats = 5

    @Flag(help: "Run the naive reference kernels instead of the fast ones (slow; for comparison).")
    var naive = false

    func validate() throws {
        guard (1...10_000).contains(steps) else { throw ValidationError("--steps must be between 1 and 10000, got \(steps).") }
        guard (1...1_000).contains(repeats) else { throw ValidationError("--repeats must be between 1 and 1000, got \(repeats).") }
    }

    var settings: ModelBenchmark.Settings {
        var s = ModelBenchmark.Settings()
        s.steps = steps
        s.repeats = repeats
        s.backend = naive ? .naive : .fast
        if naive { s.warmupSteps = 1; s.singleImageRuns = 5 }
        return s
    }

    /// Progress lines go to standard error, so `--json` output stays one clean object.
    var progress: (String) -> Void {
        { line in StandardStreams.error(line) }
    }
}

/// Prints a JSON object with sorted keys on one line.
func printJSON(_ object: [String: Any]) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// `cnnviz bench train`: training images per second of the coursework model.
struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training throughput of the coursework model (build with -c release).",
        discussion: """
        Trains the coursework model (Conv2D 32 3×3 → MaxPooling 2×2 → Dense 128 → Dense 1) on \
        random 64×64 RGB images held in memory: batches of 32, Adam, binary cross-entropy. After \
        warm-up steps it times --repeats repetitions of --steps steps and reports the median \
        images per second, and the process's peak memory (ru_maxrss).
        """
    )

    @OptionGroup var options: BenchModelOptions
    @OptionGroup var output: BenchOutputOptions

    @Flag(help: "Also list the fast plan's stages and time each stage's forward and backward pass and the optimizer: where a step's time goes.")
    var profile = false

    func run() throws {
        try CLIError.guarding {
            let s = options.settings
            let result = try ModelBenchmark.train(s, progress: output.json ? { _ in } : options.progress)
            let memory = ModelBenchmark.peakMemoryMB()
            let breakdown = profile ? try ModelBenchmark.trainProfile(s) : nil
            if output.json {
                var object: [String: Any] = [
                    "train_images_per_second": result.median, "runs": result.runs, "train_images_per_cpu_second": result.cpuMedian,
                    "batch": s.batch, "steps": s.steps, "repeats": s.repeats, "backend": s.backend.rawValue,
                    "cores": ProcessInfo.processInfo.activeProcessorCount, "peak_memory_mb": memory]
                if let breakdown {
                    object["step_ms"] = breakdown.stepMilliseconds
                    object["profile_ms_per_step"] = Dictionary(uniqueKeysWithValues: breakdown.phases.map { ($0.phase, $0.milliseconds) })
                    object["stages"] = breakdown.stages
                }
                try printJSON(object)
            } else {
                print(String(format: "training: %.0f images/s (batch %d, median of %d; %.0f per CPU-second), peak memory %.0f MB",
                             result.median, s.batch, s.repeats, result.cpuMedian, memory))
                if let breakdown {
                    print("stages of the fast plan:\n" + breakdown.stages.map { "  " + $0 }.joined(separator: "\n"))
                    print(Self.table(breakdown.phases, step: breakdown.stepMilliseconds, steps: s.steps * s.repeats))
                }
            }
        }
    }

    /// The profile as aligned lines with a bar per phase, longest phase first.
    static func table(_ phases: [(phase: String, milliseconds: Double)], step: Double, steps: Int) -> String {
        let width = max(phases.map(\.phase.count).max() ?? 0, 10)
        var lines = ["where a step's time goes (wall-clock ms per step, mean of \(steps) steps):"]
        for (phase, ms) in phases.sorted(by: { $0.milliseconds > $1.milliseconds }) {
            let share = step > 0 ? ms / step : 0
            let bar = String(repeating: "█", count: Int((share * 40).rounded()))
            lines.append("  " + phase.padding(toLength: width, withPad: " ", startingAt: 0)
                         + String(format: " %7.2f ms %5.1f%%  ", ms, share * 100) + bar)
        }
        let other = step - phases.reduce(0) { $0 + $1.milliseconds }
        lines.append("  " + "other (loss, bookkeeping)".padding(toLength: width, withPad: " ", startingAt: 0) + String(format: " %7.2f ms", other))
        lines.append("  " + "whole step".padding(toLength: width, withPad: " ", startingAt: 0) + String(format: " %7.2f ms", step))
        return lines.joined(separator: "\n")
    }
}
