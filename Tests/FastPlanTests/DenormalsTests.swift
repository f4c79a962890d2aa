import XCTest
import Foundation
@testable import FastPlan

/// `Denormals`: a thread that flushes turns a result below the smallest normal float into 0 and
/// reads such an input as 0, as TensorFlow's threads do; every part of a `Parallel` loop runs on
/// a thread that flushes, whether on the spinning workers or on libdispatch's.
final class DenormalsTests: XCTestCase {
    /// Half the smallest normal float, computed at run time (not folded by the compiler).
    @inline(never) func halfOfSmallestNormal(_ divisor: Float) -> Float { Float.leastNormalMagnitude / divisor }

    func testFlushingTurnsDenormalResultsAndInputsIntoZero() {
        let before = Denormals.flushedOnThisThread
        defer { Denormals.flushedOnThisThread = before }
        Denormals.flushedOnThisThread = false
        let kept = halfOfSmallestNormal(2)
        XCTAssertTrue(kept.isSubnormal, "without flushing the result stays a denormal")
        Denormals.flushToZeroOnThisThread()
        XCTAssertTrue(Denormals.flushedOnThisThread)
        XCTAssertEqual(halfOfSmallestNormal(2), 0, "a denormal result becomes 0")
        XCTAssertEqual(kept * 4, 0, "a denormal input is read as 0")
        XCTAssertEqual(halfOfSmallestNormal(0.5), Float.leastNormalMagnitude * 2, "normal numbers are untouched")
        Denormals.flushedOnThisThread = false
        XCTAssertEqual(kept * 4, Float.leastNormalMagnitude * 2, "turned off, denormals count again")
    }

    func testEveryPartOfAParallelLoopFlushes() {
        func partsFlushing() -> [Bool] {
            var flushed = [Bool](repeating: false, count: Parallel.workers)
            flushed.withUnsafeMutableBufferPointer { f in
                Parallel.forEachRange(Parallel.workers) { part, _ in f[part] = Denormals.flushedOnThisThread }
            }
            return flushed
        }
        let before = Denormals.flushedOnThisThread
        defer { Denormals.flushedOnThisThread = before }
        // Part 0 runs on the caller's thread, which the program sets (cnnviz's main); the others
        // on threads the engine sets.
        Denormals.flushToZeroOnThisThread()
        XCTAssertEqual(partsFlushing(), [Bool](repeating: true, count: Parallel.workers), "a loop from this thread")
        var fromAnotherThread: [Bool] = []
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) {  // off the main thread: libdispatch's threads
            Denormals.flushToZeroOnThisThread()
            fromAnotherThread = partsFlushing()
        }
        done.wait()
        XCTAssertEqual(fromAnotherThread, [Bool](repeating: true, count: Parallel.workers), "a loop from a libdispatch thread")
    }
}
