import XCTest
import Foundation
@testable import FastPlan

/// `BlockQueue`: every block is handed out exactly once, each part starts on its own range front
/// to back, a part done with its range helps the one with the most left from its back, and the
/// block named as following is the one the part gets next when nobody takes it meanwhile.
final class BlockQueueTests: XCTestCase {
    func testOnePartAloneTakesItsRangeThenHelpsFromTheBackOfTheOther() {
        let queue = BlockQueue([0..<3, 3..<7])
        var taken: [(block: Int, following: Int?)] = []
        while let next = queue.next(for: 0) { taken.append(next) }
        XCTAssertEqual(taken.map(\.block), [0, 1, 2, 6, 5, 4, 3], "its own range up, then the other's from the back")
        XCTAssertEqual(taken.map(\.following), [1, 2, nil, 5, 4, 3, nil])
        XCTAssertNil(queue.next(for: 1), "nothing left for the owner")
    }

    func testTheFollowingBlockIsTheNextOneHandedOutToThatPart() {
        let queue = BlockQueue([0..<10])
        var previous: Int??
        while let (block, following) = queue.next(for: 0) {
            if let previous { XCTAssertEqual(previous, block) }
            previous = following
        }
        XCTAssertEqual(previous, .some(nil), "the last block has none after it")
    }

    func testEveryBlockIsHandedOutOnceWhenPartsRaceAndOneIsSlow() {
        for _ in 0..<50 {
            let blocks = 241, parts = 3
            let queue = BlockQueue(Parallel.ranges(blocks, minimumChunk: 1).isEmpty ? [] : (0..<parts).map { p in
                (blocks * p / parts)..<(blocks * (p + 1) / parts)
            })
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: blocks)
            counts.initialize(repeating: 0, count: blocks)
            defer { counts.deallocate() }
            let perPart = UnsafeMutablePointer<Int>.allocate(capacity: parts)
            perPart.initialize(repeating: 0, count: parts)
            defer { perPart.deallocate() }
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                while let (block, _) = queue.next(for: part) {
                    counts[block] += 1  // each block once: no two threads write the same count
                    perPart[part] += 1
                    if part == 0 { usleep(20) }  // a part slowed by other work
                }
            }
            XCTAssertEqual((0..<blocks).filter { counts[$0] != 1 }, [], "blocks taken other than once")
            XCTAssertEqual((0..<parts).map { perPart[$0] }.reduce(0, +), blocks)
        }
    }
}
