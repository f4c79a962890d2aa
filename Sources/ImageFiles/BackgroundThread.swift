import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own that runs jobs one after another at a lower scheduling priority (10 nicer
/// than the process, on Linux): work beside a training step that should take a core only when the step leaves one
/// idle. With `onlyWhenIdle` (Linux's SCHED_IDLE) it takes a core only when nothing else wants
/// it, and whoever waits for its jobs can help run them (`runWaitingJobs`).
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
        var running = 0
        var finished = false

        /// The next waiting job, counted as running; nil when none waits. Under `condition`.
        func take() -> (() -> Void)? {
            guard !jobs.isEmpty else { return nil }
            running += 1
            return jobs.removeFirst()
        }

        /// Runs a job `take` gave with `condition` unlocked (locked again when it returns), then
        /// tells the waiters it has run.
        func run(taken job: () -> Void) {
            condition.unlock()
            job()
            condition.lock()
            running -= 1
            condition.broadcast()
        }
    }

    private let state = State()
    private var thread: Thread?
    public let name: String
    /// How much nicer than the process the thread makes itself (0 keeps the process's priority).
    public let niceness: Int32
    /// Whether the thread runs only on a core nothing else wants (SCHED_IDLE), instead of niceness.
    public let onlyWhenIdle: Bool

    public init(name: String, niceness: Int32 = 10, onlyWhenIdle: Bool = false) {
        self.name = name
        self.niceness = niceness
        self.onlyWhenIdle = onlyWhenIdle
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

    /// The jobs given and not yet finished (waiting or running).
    public var unfinishedJobs: Int {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.jobs.count + state.running
    }

    /// Waits until every job given so far has run.
    public func waitUntilIdle() {
        state.condition.lock()
        while !state.jobs.isEmpty || state.running > 0 { state.condition.wait() }
        state.condition.unlock()
    }

    /// Runs the jobs still waiting on the calling thread and on `helpers` more (libdispatch's),
    /// beside the thread's own, in the order given; returns once every job has run. For the end
    /// of a training run, when the jobs are all that is left and every core is free.
    public func runWaitingJobs(helpers: Int) {
        let state = self.state
        DispatchQueue.concurrentPerform(iterations: max(0, helpers) + 1) { _ in
            state.condition.lock()
            while let job = state.take() { state.run(taken: job) }
            state.condition.unlock()
        }
        waitUntilIdle()
    }

    private func start() {
        let state = self.state, niceness = self.niceness, onlyWhenIdle = self.onlyWhenIdle
        let thread = Thread {
            if onlyWhenIdle { BackgroundThread.runOnlyWhenIdle() } else { BackgroundThread.lowerPriority(by: niceness) }
            state.condition.lock()
            while true {
                while state.jobs.isEmpty && !state.finished { state.condition.wait() }
                guard let job = state.take() else { break }
                state.run(taken: job)
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

    /// Linux's SCHED_IDLE (5 in <sched.h>, which Swift's Glibc leaves out: it is a GNU extension).
    static let schedIdle: Int32 = 5

    /// Puts the calling thread in Linux's SCHED_IDLE class: it runs only when no other thread
    /// wants its core. Best effort, as `lowerPriority`.
    static func runOnlyWhenIdle() {
        #if os(Linux)
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = pthread_setschedparam(pthread_self(), schedIdle, &parameters)
        #endif
    }

    /// Whether the calling thread is in the SCHED_IDLE class (false elsewhere than Linux).
    public static var runsOnlyWhenIdle: Bool {
        #if os(Linux)
        var policy: Int32 = 0
        var parameters = sched_param()
        return pthread_getschedparam(pthread_self(), &policy, &parameters) == 0 && policy == schedIdle
        #else
        return false
        #endif
    }

    /// Runs `body` on the calling thread and returns how long it took: wall seconds, and the CPU
    /// seconds the thread used (user and system), which is what a job cost whatever share of a
    /// core its lower priority left it.
    public static func measure(_ body: () -> Void) -> (seconds: Double, cpuSeconds: Double) {
        let started = Date(), startedCPU = threadCPUSeconds()
        body()
        return (Date().timeIntervalSince(started), threadCPUSeconds() - startedCPU)
    }

    /// The CPU time the calling thread has used so far, in seconds (user and system).
    static func threadCPUSeconds() -> Double {
        var t = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0 else { return 0 }
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// The kernel's id of the calling thread, from /proc/thread-self ("pid/task/tid").
    static func currentThreadID() -> Int32? {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(cString: buffer).split(separator: "/").last.flatMap { Int32($0) }
    }
}
