import Foundation

/// The blocks of a loop whose blocks are independent (each writes only its own outputs, the
/// same bits on any thread), handed out one at a time so that a core slowed by other work
/// (the report's pictures and the next batch, built beside a training step) does not hold up
/// the other: each part starts on its own range of `Parallel.ranges`, front to back, as a
/// static split would run it; a part whose range is done takes the last block of the range
/// with the most blocks left (back to front, away from its owner).
///
/// On a quiet machine the parts finish their ranges together and at most a block changes
/// hands. Each hand-out takes a lock: about 25 ns beside a block's 40 µs.
final class BlockQueue: @unchecked Sendable {
    private let lock = NSLock()
    /// What is left of part p's range: fronts[p] ..< backs[p].
    private let fronts: UnsafeMutablePointer<Int>
    private let backs: UnsafeMutablePointer<Int>
    let parts: Int

    init(_ ranges: [Range<Int>]) {
        parts = ranges.count
        fronts = .allocate(capacity: max(parts, 1))
        backs = .allocate(capacity: max(parts, 1))
        for (p, range) in ranges.enumerated() {
            fronts[p] = range.lowerBound
            backs[p] = range.upperBound
        }
    }

    deinit {
        fronts.deallocate()
        backs.deallocate()
    }

    /// The next block for `part`, with the block it will most likely take after this one (to
    /// prefetch; nil when none is left where it takes from), or nil when every block is taken.
    func next(for part: Int) -> (block: Int, following: Int?)? {
        lock.lock()
        defer { lock.unlock() }
        if fronts[part] < backs[part] {
            let block = fronts[part]
            fronts[part] += 1
            return (block, fronts[part] < backs[part] ? fronts[part] : nil)
        }
        var most = -1, left = 0
        for p in 0..<parts where backs[p] - fronts[p] > left {
            (most, left) = (p, backs[p] - fronts[p])
        }
        guard most >= 0 else { return nil }
        backs[most] -= 1
        let block = backs[most]
        return (block, block - 1 >= fronts[most] ? block - 1 : nil)
    }
}
