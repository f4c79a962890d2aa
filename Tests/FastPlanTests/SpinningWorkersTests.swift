import XCTest
import Foundation
@testable import FastPlan

/// `SpinningWorkers`, the threads `Parallel` loops started on the main thread run on: every part
/// of every loop runs exactly once, loops inside a loop and loops on other threads go to
/// libdispatch, and nothing hangs when loops follow each other at once or after the workers slept.
final class SpinningWorkersTests: XCTestCase {
    func testEveryPartOfEveryLoopRunsOnce() throws {
        try XCTSkipUnless(Thread.isMainThread && Parallel.workers > 1, "needs the main thread and two cores")
        let count = Parallel.workers
        var runs = [Int](repeating: 0, count: count)
        for loop in 0..<5_000 {
            runs.withUnsafeMutableBufferPointer { r in
                XCTAssertTrue(SpinningWorkers.shared.run(count: count) { part in r[part] += 1 })
            }
            if loop % 1_000 == 999 { Thread.sleep(forTimeInterval: 0.01) }  // long enough for the workers to sleep
        }
        XCTAssertEqual(runs, [Int](repeating: 5_000, count: count))
    }

    func testParallelRangesCoverTheLoopOnceWithNestedLoopsAndOtherThreads() throws {
        try XCTSkipUnless(Thread.isMainThread, "needs the main thread")
        // A loop on another thread at the same time as the main thread's: both complete.
        let other = DispatchGroup()
        let totals = Totals(Parallel.workers)
        DispatchQueue.global().async(group: other) {
            let otherTotal = totals.parts
            XCTAssertFalse(SpinningWorkers.shared.run(count: 2) { _ in }, "only the main thread uses the workers")
            for _ in 0..<2_000 {
                Parallel.forEachRange(1_000) { part, range in otherTotal[part] += range.count }
            }
        }
        var covered = [Int](repeating: 0, count: 10_000)
        for _ in 0..<200 {
            covered.withUnsafeMutableBufferPointer { c in
                Parallel.forEachRange(100) { _, outer in
                    for i in outer {
                        // A loop inside a loop's body: libdispatch, or one range.
                        Parallel.forEachRange(100) { _, inner in for j in inner { c[i * 100 + j] += 1 } }
                    }
                }
            }
        }
        XCTAssertEqual(covered, [Int](repeating: 200, count: 10_000))
        XCTAssertEqual(other.wait(timeout: .now() + 60), .success)
        XCTAssertEqual((0..<Parallel.workers).reduce(0) { $0 + totals.parts[$1] }, 2_000 * 1_000)
    }

    /// One sum per part, written by the threads of one loop at a time (each its own part).
    final class Totals: @unchecked Sendable {
        let parts: UnsafeMutablePointer<Int>
        init(_ count: Int) { parts = .allocate(capacity: count); parts.initialize(repeating: 0, count: count) }
        deinit { parts.deallocate() }
    }
}
