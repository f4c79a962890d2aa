import Foundation
import XCTest
@testable import ImageFiles

/// Batches built one ahead on another thread are the batches the iterator gives without
/// prefetching: same images, same transforms, same bytes, across epochs in both orders.
final class BatchPrefetcherTests: XCTestCase {
    var root: URL!
    var dataset: DirectoryDataset!

    /// 11 noisy 5×4 images in two classes, so that every transform shows in the pixels.
    override func setUpWithError() throws {
        root = try TestImages.temporaryFolder()
        for (name, range) in [("cats", 0..<5), ("dogs", 5..<11)] {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in range {
                try ImageFile.write(TestImages.noise(width: 5, height: 4, seed: UInt64(i + 1)), to: folder.appendingPathComponent("img\(i).png"))
            }
        }
        dataset = try DirectoryDataset(directory: root, targetSize: (4, 5), minimumClasses: 2)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func iterator(_ mode: IteratorMode) -> BatchIterator {
        BatchIterator(dataset: dataset, batchSize: 3, shuffle: true, seed: 7, augmentation: Augmentation(rotationRange: 20, zoomRange: 0.3, horizontalFlip: true),
                      rescale: 1 / 255, mode: mode)
    }

    /// The trainer's pattern: take a batch, ask for the next unless the epoch ends, end the
    /// epoch, ask for the next epoch's first. 3 epochs of 5 steps (more than the 4 batches of a
    /// pass, so Keras 3 order wraps and Keras 2 order runs into the next pass).
    func testPrefetchedBatchesEqualTheIteratorsOwn() {
        for mode in IteratorMode.allCases {
            var plain = iterator(mode)
            let prefetcher = BatchPrefetcher(iterator(mode))
            let (epochs, steps) = (3, 5)
            for epoch in 0..<epochs {
                for step in 0..<steps {
                    let expected = plain.nextBatch()
                    let got = prefetcher.next()
                    if step + 1 < steps { prefetcher.prefetch() }
                    XCTAssertEqual(got.x, expected.x, "\(mode) epoch \(epoch) step \(step): pixels")
                    XCTAssertEqual(got.y, expected.y, "\(mode) epoch \(epoch) step \(step): labels")
                }
                plain.endEpoch()
                prefetcher.endEpoch()
                if epoch + 1 < epochs { prefetcher.prefetch() }
            }
            XCTAssertEqual(prefetcher.iterator.totalBatchesSeen, plain.totalBatchesSeen, "\(mode)")
            XCTAssertGreaterThan(prefetcher.backgroundSeconds, 0, "\(mode): the batches after the first were built on the prefetch thread")
        }
    }

    /// A batch asked for and then dropped (the run stops) leaves the iterator past it, and the
    /// next batch taken without prefetching is the one after it.
    func testCancelDropsTheBatchBeingBuilt() {
        var plain = iterator(.keras3)
        let prefetcher = BatchPrefetcher(iterator(.keras3))
        _ = prefetcher.next()
        prefetcher.prefetch()
        XCTAssertTrue(prefetcher.hasPending)
        prefetcher.cancel()
        XCTAssertFalse(prefetcher.hasPending)
        _ = plain.nextBatch()
        _ = plain.nextBatch()
        XCTAssertEqual(prefetcher.next().x, plain.nextBatch().x)
    }

    /// One thread or every core: the same bytes.
    func testSerialAndParallelBatchesAreTheSame() {
        let it = iterator(.keras3)
        let indices = Array(0..<dataset.count)
        XCTAssertEqual(it.makeBatch(indices, augmentationStream: 3, parallel: false).x, it.makeBatch(indices, augmentationStream: 3).x)
    }

    /// The prefetch thread runs its jobs in order, off the caller's thread, at nice 10 on Linux
    /// (10 nicer than the process, so that it takes a core from the training step only when the step leaves one idle),
    /// while the caller keeps its own priority.
    func testBackgroundThreadRunsJobsInOrderAtALowerPriority() throws {
        let thread = BackgroundThread(name: "test", niceness: 10)
        let callerPriority = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        var seen: [Int] = []
        var priority: Int32 = -100
        var onCaller = true
        for k in 0..<5 { thread.async { seen.append(k) } }
        thread.async {
            onCaller = Thread.isMainThread
            if let tid = BackgroundThread.currentThreadID() { priority = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid)) }
        }
        thread.waitUntilIdle()
        XCTAssertEqual(seen, [0, 1, 2, 3, 4])
        XCTAssertFalse(onCaller)
        #if os(Linux)
        XCTAssertEqual(priority, min(callerPriority + 10, 19), "the thread's own niceness")
        #endif
        XCTAssertEqual(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0), callerPriority, "the caller's is unchanged")
    }

    /// A thread made `onlyWhenIdle` runs its jobs in Linux's SCHED_IDLE class; `runWaitingJobs`
    /// runs the jobs still waiting on the caller and its helpers, each exactly once, even while
    /// the thread's own job is held up, and returns when all have run.
    func testIdleThreadsJobsCanBeRunByTheirWaiter() {
        let thread = BackgroundThread(name: "test idle", onlyWhenIdle: true)
        let lock = NSLock()
        var runs = [Int](repeating: 0, count: 40)
        var idleClass = false
        let release = DispatchSemaphore(value: 0), started = DispatchSemaphore(value: 0)
        thread.async {
            idleClass = BackgroundThread.runsOnlyWhenIdle
            started.signal()
            release.wait()  // the thread is held up: the waiting jobs must be run by others
        }
        started.wait()
        for k in runs.indices {
            thread.async {
                lock.lock()
                runs[k] += 1
                let done = runs.reduce(0, +)
                lock.unlock()
                if done == runs.count { release.signal() }
            }
        }
        thread.runWaitingJobs(helpers: 1)
        XCTAssertEqual(runs, [Int](repeating: 1, count: runs.count))
        #if os(Linux)
        XCTAssertTrue(idleClass, "SCHED_IDLE")
        #endif
        XCTAssertFalse(BackgroundThread.runsOnlyWhenIdle, "the caller's class is unchanged")
    }
}
