import Dispatch
import Foundation

/// Splits loops over the machine's cores.
///
/// Each call cuts `0..<count` into at most one contiguous range per core (never smaller than
/// `minimumChunk`, so tiny loops stay on one thread and pay no hand-over cost) and runs the
/// ranges on `SpinningWorkers` (loops started on the main thread) or with
/// `DispatchQueue.concurrentPerform`. Ranges never overlap, so a body that writes only the
/// outputs of its own range needs no locks.
public enum Parallel {
    /// How many ranges a loop is cut into at most: the active cores.
    public static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The ranges `0..<count` is cut into (at most `workers`, each at least `minimumChunk` long
    /// except when the whole loop is shorter).
    public static func ranges(_ count: Int, minimumChunk: Int = 1) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let pieces = max(1, min(workers, count / max(minimumChunk, 1)))
        return (0..<pieces).map { p in (count * p / pieces)..<(count * (p + 1) / pieces) }
    }

    /// Runs `body(chunkIndex, range)` for every range of `ranges(count, minimumChunk:)`.
    public static func forEachRange(_ count: Int, minimumChunk: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        let parts = ranges(count, minimumChunk: minimumChunk)
        if parts.count <= 1 {
            if let only = parts.first { body(0, only) }
            return
        }
        if SpinningWorkers.shared.run(count: parts.count, { index in body(index, parts[index]) }) { return }
        DispatchQueue.concurrentPerform(iterations: parts.count) { index in
            Denormals.flushToZeroOnThisThread()  // a pool thread: it may never have run the engine
            body(index, parts[index])
        }
    }
}

extension Array where Element == Float {
    /// An array of `count` values whose contents the caller must write in full before reading:
    /// skips the zero fill (a whole pass over memory for a 16 MB feature map).
    @inline(__always)
    static func uninitialized(_ count: Int, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
    }
}
