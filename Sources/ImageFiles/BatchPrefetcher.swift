import CNNCore
import Foundation

/// A `BatchIterator` whose next batch is built on another thread while the caller trains on
/// the current one: `cnnviz train`'s loop never waits for augmentation.
///
/// Deterministic by construction: the indices and the augmentation stream of a batch are taken
/// from the iterator on the caller's thread, in the order the caller asks (`prefetch`, `next`,
/// `endEpoch`), exactly as without prefetching; only the pixels are filled elsewhere, and
/// `makeBatch` gives the same bytes on any thread. So the same seed gives the same batches
/// (BatchPrefetcherTests) and the same trained weights.
///
/// The caller says when the next batch is wanted (`prefetch`), because only it knows whether an
/// epoch ends first: in Keras 3 order the epoch's end reshuffles, which changes the next batch.
public final class BatchPrefetcher {
    /// The batches' source, positioned after every batch taken or being built.
    public private(set) var iterator: BatchIterator
    private let thread = BackgroundThread(name: "cnnviz batch prefetch")
    private let lock = NSLock()
    private var pending: (done: DispatchGroup, box: Box, indices: [Int], stream: UInt64)?
    private var seconds = 0.0
    private var cpuSeconds = 0.0

    /// Where a batch built on the prefetch thread is left for the caller.
    private final class Box: @unchecked Sendable {
        var batch: (x: Tensor, y: Tensor)?
    }

    public init(_ iterator: BatchIterator) {
        self.iterator = iterator
    }

    /// Whether a batch is being built (or waits to be taken).
    public var hasPending: Bool { pending != nil }

    /// The wall time spent building batches on the prefetch thread so far (beside the caller's work).
    public var backgroundSeconds: Double {
        lock.lock()
        defer { lock.unlock() }
        return seconds
    }

    /// The CPU time the prefetch thread used for it.
    public var backgroundCPUSeconds: Double {
        lock.lock()
        defer { lock.unlock() }
        return cpuSeconds
    }

    /// Starts building the next batch on the prefetch thread, on one core at a lower priority
    /// (`BackgroundThread`: the caller's training step uses the cores). Does nothing if one is
    /// already being built.
    public func prefetch() {
        guard pending == nil else { return }
        let stream = UInt64(iterator.totalBatchesSeen)
        let indices = iterator.nextIndices()
        let source = iterator, box = Box(), done = DispatchGroup()
        done.enter()
        thread.async { [lock] in
            defer { done.leave() }
            let took = BackgroundThread.measure { box.batch = source.makeBatch(indices, augmentationStream: stream, parallel: false) }
            lock.lock()
            self.seconds += took.seconds
            self.cpuSeconds += took.cpuSeconds
            lock.unlock()
        }
        pending = (done, box, indices, stream)
    }

    /// The next batch: the one being built (waiting for it to be finished), or, when none was
    /// asked for, one built now on every core.
    public func next() -> (x: Tensor, y: Tensor) {
        guard let (done, box, indices, stream) = pending else { return iterator.nextBatch() }
        done.wait()
        pending = nil
        return box.batch ?? iterator.makeBatch(indices, augmentationStream: stream)
    }

    /// Ends an epoch (`BatchIterator.endEpoch`). A batch asked for before the end would belong
    /// to the old order, so there must be none.
    public func endEpoch() {
        precondition(pending == nil, "BatchPrefetcher.endEpoch with a batch still being built: take it with next() first")
        iterator.endEpoch()
    }

    /// Waits for a batch being built, and drops it (the run is stopping).
    public func cancel() {
        pending?.done.wait()
        pending = nil
    }
}
