import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own that runs jobs one after another at a lower scheduling priority (10 nicer
/// than the process, on Linux): work beside a training step that should take a core only when the step leaves one
/// idle.
///
/// Why not a dispatch queue: the step's kernels split their work evenly over the cores
/// (FastPlan's `Parallel`) and wait for the slowest part, so a background job that takes a core
/// from one part at equal priority holds up the whole step. A dispatch queue runs on the pool's
/// threads, which loops started off the main thread use too, so their priority cannot be
/// lowered alone.
public final class BackgroundThread: @unchecked Sendable {
    /// The jobs and the thread's state, shared with the thread (which must not keep its owner alive).
    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var jobs: [() -> Void] = []
        var running = false
        var finished = false
    }

    private let state = State()
    private var thread: Thread?
    public let name: String
    /// How much nicer than the process the thread makes itself (0 keeps the process's priority).
    public let niceness: Int32

    public init(name: String, niceness: Int32 = 10) {
        self.name = name
        self.niceness = niceness
    }

    deinit {
        state.condition.lock()
        state.finished = true
        state.condition.broadcast()
        state.condition.unlock()
    }

    /// Runs `job` on the thread after the jobs already given.
    public func async(_ job: @escaping () -> Void) {
        state.condition.lock()
        state.jobs.append(job)
        state.condition.broadcast()
        state.condition.unlock()
        if thread == nil { start() }
    }

    /// Waits until every job given so far has run.
    public func waitUntilIdle() {
        state.condition.lock()
        while !state.jobs.isEmpty || state.running { state.condition.wait() }
        state.condition.unlock()
    }

    private func start() {
        let state = self.state, niceness = self.niceness
        let thread = Thread {
            BackgroundThread.lowerPriority(by: niceness)
            state.condition.lock()
            while true {
                while state.jobs.isEmpty && !state.finished { state.condition.wait() }
                if state.jobs.isEmpty { break }
                let job = state.jobs.removeFirst()
                state.running = true
                state.condition.unlock()
                job()
                state.condition.lock()
                state.running = false
                state.condition.broadcast()
            }
            state.condition.unlock()
        }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    /// Makes the calling thread (not the process: on Linux each thread has its own niceness)
    /// `niceness` nicer, at most 19. Best effort: where it cannot, the jobs run at the caller's priority.
    static func lowerPriority(by niceness: Int32) {
        #if os(Linux)
        guard niceness > 0, let tid = currentThreadID(), tid != getpid() else { return }  // never the main thread
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        errno = 0
        let current = getpriority(which, id_t(tid))
        guard errno == 0 else { return }
        _ = setpriority(which, id_t(tid), min(current + niceness, 19))
        #endif
    }

    /// The kernel's id of the calling thread, from /proc/thread-self ("pid/task/tid").
    static func currentThreadID() -> Int32? {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(cString: buffer).split(separator: "/").last.flatMap { Int32($0) }
    }
}
