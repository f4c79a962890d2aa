import CNNCore
import FastPlan
import Foundation

/// Throughput of the coursework model on in-memory random tensors, as `cnnviz bench` reports it.
///
/// Every figure is the median of several timed repetitions after warm-up steps, so one slow
/// repetition (another process, a page fault) does not move it. The data are random, drawn from
/// a seed, and stay in memory: decoding is measured separately (`DecodeBenchmark`).
/// Only meaningful in a release build (`swift build -c release`).
public enum ModelBenchmark {
    /// How much to time. The defaults take a few seconds in a release build.
    public struct Settings: Sendable {
        public var batch = 32
        public var imageSize = 64
        /// Untimed steps first: the caches, the allocator and the thread pool warm up.
        public var warmupSteps = 3
        /// Steps (or batches) per timed repetition.
        public var steps = 10
        /// Timed repetitions; the median is reported.
        public var repeats = 5
        /// Timed single-image passes for `oneImageMilliseconds`.
        public var singleImageRuns = 51
        public var seed: UInt64 = 0
        public var backend: KernelBackend = .fast
        public init() {}
    }

    /// Images per second of each timed repetition, and their median.
    public struct Throughput: Sendable {
        /// Images per wall-clock second, one value per repetition.
        public let runs: [Double]
        /// Images per second of CPU time used by the process (all threads), one per repetition.
        /// On a machine shared with other work the wall-clock figure drops while this one
        /// barely moves: cores × this is what the cores would do if they were all ours.
        public let cpuRuns: [Double]
        public var median: Double { ModelBenchmark.median(runs) }
        public var cpuMedian: Double { ModelBenchmark.median(cpuRuns) }
    }

    /// Training steps (forward, BCE from the logit, backward, Adam) on batches of random images.
    public static func train(_ s: Settings = Settings(), progress: (String) -> Void = { _ in }) throws -> Throughput {
        let plan = try ExecutionPlan(try checkedModel(s), backend: s.backend)
        let (x, y) = randomBatch(s)
        let adam = Adam()
        progress("training: \(s.warmupSteps) warm-up steps, then \(s.repeats) × \(s.steps) timed steps of batch \(s.batch)")
        for _ in 0..<s.warmupSteps {
            try plan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam)
        }
        var runs: [Double] = [], cpuRuns: [Double] = []
        for r in 0..<s.repeats {
            let cpu = cpuSeconds()
            let seconds = try timed {
                for _ in 0..<s.steps { try plan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam) }
            }
            runs.append(Double(s.batch * s.steps) / seconds)
            cpuRuns.append(Double(s.batch * s.steps) / max(cpuSeconds() - cpu, 1e-9))
            progress(String(format: "  repetition %d: %.0f images/s (%.0f per CPU-second)", r + 1, runs.last ?? 0, cpuRuns.last ?? 0))
        }
        return Throughput(runs: runs, cpuRuns: cpuRuns)
    }

    /// Where the time of a training step goes: milliseconds per step for each phase (the
    /// forward and backward pass of each layer, the optimizer), from `StepProfiler` over
    /// repeats × steps steps after the warm-up, and the whole step's milliseconds.
    /// `stages` names the plan's stages and why a layer was not fused (`ExecutionPlan.lines`).
    public static func trainProfile(_ s: Settings = Settings()) throws -> (phases: [(phase: String, milliseconds: Double)], stepMilliseconds: Double, stages: [String]) {
        let plan = try ExecutionPlan(try checkedModel(s), backend: s.backend)
        let (x, y) = randomBatch(s)
        let adam = Adam()
        let profiler = StepProfiler()
        plan.profiler = profiler
        for _ in 0..<s.warmupSteps {
            try plan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam)
        }
        profiler.reset()
        let count = s.steps * s.repeats
        let seconds = try timed {
            for _ in 0..<count { try plan.trainStep(x, targets: y, loss: .binaryCrossentropy, optimizer: adam) }
        }
        return (profiler.millisecondsPerStep, seconds * 1000 / Double(count), plan.lines)
    }

    /// Inference (forward only, no trace) on batches of random images.
    public static func infer(_ s: Settings = Settings(), progress: (String) -> Void = { _ in }) throws -> Throughput {
        let plan = try ExecutionPlan(try checkedModel(s), backend: s.backend)
        let (x, _) = randomBatch(s)
        progress("inference: \(s.warmupSteps) warm-up batches, then \(s.repeats) × \(s.steps) timed batches of \(s.batch)")
        for _ in 0..<s.warmupSteps { _ = try plan.forward(x) }
        var runs: [Double] = [], cpuRuns: [Double] = []
        for r in 0..<s.repeats {
            let cpu = cpuSeconds()
            let seconds = try timed { for _ in 0..<s.steps { _ = try plan.forward(x) } }
            runs.append(Double(s.batch * s.steps) / seconds)
            cpuRuns.append(Double(s.batch * s.steps) / max(cpuSeconds() - cpu, 1e-9))
            progress(String(format: "  repetition %d: %.0f images/s (%.0f per CPU-second)", r + 1, runs.last ?? 0, cpuRuns.last ?? 0))
        }
        return Throughput(runs: runs, cpuRuns: cpuRuns)
    }

    /// Median milliseconds for one image (a batch of one), the latency `cnnviz predict` sees.
    public static func oneImageMilliseconds(_ s: Settings = Settings(), progress: (String) -> Void = { _ in }) throws -> Double {
        var single = s
        single.batch = 1
        let plan = try ExecutionPlan(try checkedModel(s), backend: s.backend)
        let (x, _) = randomBatch(single)
        progress("one image: \(s.warmupSteps) warm-up passes, then the median of \(s.singleImageRuns)")
        for _ in 0..<s.warmupSteps { _ = try plan.forward(x) }
        var runs: [Double] = []
        for _ in 0..<s.singleImageRuns { runs.append(try timed { _ = try plan.forward(x) } * 1000) }
        return median(runs)
    }

    /// The process's peak resident memory so far, in MB (getrusage's ru_maxrss).
    public static func peakMemoryMB() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / (1024 * 1024)  // bytes on macOS
        #endif
    }

    /// User + system CPU seconds of the whole process so far (every thread); also `train --profile`'s CPU line.
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The coursework model for `s`, after checking its sizes against `Limits` (the batch, the
    /// image size, steps and repeats), so that no setting traps in the arithmetic or aborts in
    /// an allocation of `randomBatch`.
    static func checkedModel(_ s: Settings) throws -> Sequential {
        try Limits.check(s.batch, "the benchmark's batch", atMost: Limits.maxBatchSize, unit: "images a batch", hint: "use the coursework's 32")
        try Limits.check(s.imageSize, "the benchmark's image size", atMost: Limits.maxImageSide, unit: "pixels a side", hint: "use the coursework's 64")
        try Limits.check(s.steps, "--steps", atMost: Limits.maxStepsPerEpoch, unit: "steps", hint: "use the default, 10")
        try Limits.check(s.repeats, "--repeats", atMost: Limits.maxEpochs, unit: "repetitions", hint: "use the default, 5")
        let spec = Coursework.spec(imageSize: s.imageSize)
        try spec.plan().checkTraining(batch: s.batch)
        return try spec.build(seed: s.seed)
    }

    /// Random images in [0, 1) and alternating 0/1 labels, from the seed.
    static func randomBatch(_ s: Settings) -> (Tensor, Tensor) {
        var rng = SeededRNG(seed: s.seed &+ 1)
        let count = s.batch * s.imageSize * s.imageSize * 3
        let x = Tensor(shape: [s.batch, s.imageSize, s.imageSize, 3], data: (0..<count).map { _ in rng.uniform(Float(0), 1) })
        let y = Tensor(shape: [s.batch, 1], data: (0..<s.batch).map { Float($0 % 2) })
        return (x, y)
    }

    /// Wall-clock seconds of `body`.
    static func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
