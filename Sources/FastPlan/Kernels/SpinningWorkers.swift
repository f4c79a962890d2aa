import CKernelShims
import Foundation

/// The threads that run the other cores' ranges of a `Parallel` loop started on the main thread:
/// one per core beyond the caller's, kept spinning for a short while after each loop, so that
/// the next loop finds them awake.
///
/// Why not only `DispatchQueue.concurrentPerform`: its threads go to sleep as soon as a loop
/// ends, and waking a sleeping thread costs far more than a short loop. On a 2-core AMD EPYC VM
/// one image's conv (31 pooled rows, about 60 µs of work) took 0.15 ms on two cores and 0.12 ms
/// on one. A training step runs about a dozen loops, one image two. Loops started on other
/// threads (the report's inspections run two at a time) and loops inside a loop's body still go
/// to libdispatch, as before.
///
/// Part 0 of a loop runs on the calling thread, part i on worker i. Every worker checks in for
/// every loop (`unfinished` counts all of them), so no worker can take one loop's job for another.
final class SpinningWorkers: @unchecked Sendable {
    /// The workers for this machine's cores; made (and their threads started) at the first loop.
    static let shared = SpinningWorkers(threads: Parallel.workers - 1)
    /// How long a worker spins after a loop before it sleeps until the next.
    static let spinSeconds = 0.000_3

    let threads: Int
    /// Bumped (release) to start a loop; each worker runs one part per value it sees.
    private let generation = UnsafeMutablePointer<CLong>.allocate(capacity: 1)
    /// Workers that have not yet finished the current loop.
    private let unfinished = UnsafeMutablePointer<CLong>.allocate(capacity: 1)
    /// The current loop's body and part count, written before `generation` is bumped.
    private var job: Unmanaged<Job>?
    private var parts = 0
    /// A loop is running (only the main thread starts loops here, so a plain flag will do).
    private var inLoop = false
    /// Where sleeping workers wait for the next `generation`.
    private let condition = NSCondition()

    private final class Job {
        let body: (Int) -> Void
        init(_ body: @escaping (Int) -> Void) { self.body = body }
    }

    init(threads: Int) {
        self.threads = threads
        generation.initialize(to: 0)
        unfinished.initialize(to: 0)
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work(part: index + 1) }
            thread.name = "cnnviz worker \(index + 1)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `body(0)` here and `body(1..<count)` on the workers, and returns when all are done;
    /// false (nothing run) when the loop must go to libdispatch instead: not on the main thread,
    /// inside another loop, or more parts than workers.
    func run(count: Int, _ body: (Int) -> Void) -> Bool {
        guard count > 1, count - 1 <= threads, Thread.isMainThread, !inLoop else { return false }
        inLoop = true
        defer { inLoop = false }
        withoutActuallyEscaping(body) { body in
            let box = Job(body)
            job = Unmanaged.passUnretained(box)
            parts = count
            cnnviz_store_release(unfinished, CLong(threads))
            condition.lock()
            _ = cnnviz_add(generation, 1)
            condition.broadcast()  // a system call only when a worker sleeps
            condition.unlock()
            body(0)
            var spins = 0
            while cnnviz_load_acquire(unfinished) != 0 {
                spins += 1
                if spins < 20_000 { cnnviz_spin_pause() } else { sched_yield() }  // a worker the system set aside
            }
            job = nil
            withExtendedLifetime(box) {}
        }
        return true
    }

    /// A worker's life: wait for the next loop (spinning, then sleeping), run its part, check in.
    private func work(part: Int) {
        Denormals.flushToZeroOnThisThread()
        var seen: CLong = 0
        while true {
            var spins = 0
            var spinStarted = 0.0
            while cnnviz_load_acquire(generation) == seen {
                spins += 1
                cnnviz_spin_pause()
                guard spins % 256 == 0 else { continue }
                let now = ProcessInfo.processInfo.systemUptime
                if spinStarted == 0 { spinStarted = now }
                if now - spinStarted > SpinningWorkers.spinSeconds {
                    condition.lock()
                    while cnnviz_load_acquire(generation) == seen { condition.wait() }
                    condition.unlock()
                }
            }
            seen = cnnviz_load_acquire(generation)
            if part < parts, let job {
                job._withUnsafeGuaranteedRef { $0.body(part) }  // no retain: the caller holds the job until all check in
            }
            _ = cnnviz_add(unfinished, -1)
        }
    }
}
