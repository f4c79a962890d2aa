import FastPlan
import Foundation
import ImageFiles

/// Work that runs beside the training loop, one job at a time, on a thread of its own at a lower
/// priority (`BackgroundThread`: it takes a core when the training step leaves one idle): the
/// report's pictures of an epoch and the epoch's checkpoint, drawn and written from copies of the
/// weights while the next epoch trains.
///
/// Why one job at a time: the training step already uses both cores of the machine it was tuned
/// on; background work only fills the moments the step leaves a core idle, and two jobs at once
/// would only take cores from it. Why a copy: the step updates the weights in place.
///
/// A job's error is kept and thrown by the next `wait()` (the trainer waits at the end of every
/// epoch, before an interrupted run saves its checkpoint, and before it returns), so a full disk
/// still gives one clear message and a non-zero exit, and no job is still writing when the
/// command ends. The seconds each kind of job took are kept apart from the foreground profile:
/// they overlap it.
public final class BackgroundWork: @unchecked Sendable {
    private let thread: BackgroundThread
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var firstError: Error?
    private var seconds: [String: Double] = [:]
    private var cpuSeconds: [String: Double] = [:]
    private var order: [String] = []

    /// Jobs run at once on the caller's thread instead, in the order submitted.
    public let inline: Bool

    /// `inline` defaults to true when the writes' kill points are counted (`CNNVIZ_KILL_AT` or
    /// `CNNVIZ_KILL_POINTS`, see CNNCore's `KillPoints`): a kill point's number must name the same
    /// write in every run, which writes on two threads would not give. The writes are the same.
    /// With `onlyWhenIdle`, the jobs run only on a core nothing else wants (`BackgroundThread`),
    /// and may be left for the end, when `runWaitingJobs` runs them on every core.
    public init(inline: Bool = BackgroundWork.killPointsCounted, onlyWhenIdle: Bool = false, name: String = "cnnviz background work") {
        self.inline = inline
        thread = BackgroundThread(name: name, onlyWhenIdle: onlyWhenIdle)
    }

    /// Whether this process counts kill points (then jobs run inline by default).
    public static let killPointsCounted = ["CNNVIZ_KILL_AT", "CNNVIZ_KILL_POINTS"].contains { ProcessInfo.processInfo.environment[$0] != nil }

    /// Starts `job` after the jobs already submitted; `phase` names it in the profile.
    public func submit(_ phase: String, _ job: @escaping () throws -> Void) {
        if inline {
            run(phase, job)
        } else {
            group.enter()
            thread.async { [self] in
                run(phase, job)
                group.leave()
            }
        }
    }

    private func run(_ phase: String, _ job: () throws -> Void) {
        Denormals.flushToZeroOnThisThread()  // as the engine's other threads
        // After a failure the later jobs are skipped: the run is about to stop with the error.
        guard failure == nil else { return }
        let took = BackgroundThread.measure {
            do {
                try job()
            } catch {
                record { if firstError == nil { firstError = error } }
            }
        }
        record {
            if seconds[phase] == nil { order.append(phase) }
            seconds[phase, default: 0] += took.seconds
            cpuSeconds[phase, default: 0] += took.cpuSeconds
        }
    }

    /// Waits until every submitted job has finished, then throws the first error one of them
    /// met (once: the error is then forgotten).
    public func wait() throws {
        group.wait()
        try throwIfFailed()
    }

    /// Waits like `wait()` without throwing: for paths that are already leaving with an error.
    public func waitQuietly() { group.wait() }

    /// Runs the jobs still waiting on the calling thread and `helpers` more beside the work's
    /// own thread, then does what `wait()` does.
    public func runWaitingJobs(helpers: Int) throws {
        thread.runWaitingJobs(helpers: helpers)
        try wait()
    }

    /// The jobs submitted and not yet finished.
    public var unfinishedJobs: Int { thread.unfinishedJobs }

    /// Throws, without waiting, the first error a finished job met (once, as `wait()`).
    public func throwIfFailed() throws {
        let error: Error? = record {
            defer { firstError = nil }
            return firstError
        }
        if let error { throw error }
    }

    /// A kind of job and the seconds it took, wall and CPU (a job waiting for a core uses no
    /// CPU; nil where not measured).
    public typealias Phase = (name: String, seconds: Double, cpuSeconds: Double?)

    /// The seconds each kind of job took, in the order the kinds first ran.
    public var phases: [Phase] {
        record { order.map { ($0, seconds[$0] ?? 0, cpuSeconds[$0]) } }
    }

    private var failure: Error? { record { firstError } }

    private func record<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
