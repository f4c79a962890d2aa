import Dispatch

/// Where a training step's time goes: wall-clock time per phase ("forward conv2d",
/// "backward dense", "optimizer" …), summed over every pass run while it is attached to
/// `ExecutionPlan.profiler`. `cnnviz bench train --profile` prints it.
///
/// Phases are timed from the calling thread, so a phase that runs on every core counts its
/// wall time once. Costs two clock reads per layer and pass; nothing when not attached.
public final class StepProfiler {
    /// Seconds per phase, summed.
    public private(set) var seconds: [String: Double] = [:]
    /// Phases in the order they first ran.
    public private(set) var phases: [String] = []
    /// Steps counted with `countStep()`, to report time per step.
    public private(set) var steps = 0

    public init() {}

    /// Runs `body` and adds its wall time to `phase`.
    public func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let start = StepProfiler.now()
        defer { add(phase, since: start) }
        return try body()
    }

    /// The clock `add(_:since:)` reads, in nanoseconds.
    public static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Adds the time since `start` (a `now()` reading) to `phase`.
    public func add(_ phase: String, since start: UInt64) {
        let elapsed = Double(StepProfiler.now() - start) / 1e9
        if seconds[phase] == nil { phases.append(phase) }
        seconds[phase, default: 0] += elapsed
    }

    /// Marks the end of one step (`ExecutionPlan.trainStep` calls it).
    public func countStep() { steps += 1 }

    /// Forgets everything measured so far (after warm-up steps).
    public func reset() {
        seconds = [:]
        phases = []
        steps = 0
    }

    /// Milliseconds per step for each phase, in the order the phases ran.
    public var millisecondsPerStep: [(phase: String, milliseconds: Double)] {
        phases.map { ($0, (seconds[$0] ?? 0) * 1000 / Double(max(steps, 1))) }
    }
}
