import CNNCore

/// Which images make up each training batch: a pure function of (seed, epoch, step), so a
/// resumed run draws exactly the batches an uninterrupted one would.
///
/// Two orders, both with `flow_from_directory(shuffle=True)`'s meaning and a kept partial last batch:
/// - `.keras3` (default; Keras 3's PyDataset): `fit(steps_per_epoch=S)` takes batches 0…S−1 of a
///   freshly shuffled index array each epoch, then reshuffles.
/// - `.keras2` (Keras 2's Iterator, which the coursework's `fit_generator` used): batches continue
///   through the shuffled array across epochs; it is reshuffled after each full pass.
public struct BatchSchedule: Sendable {
    public enum Order: String, Sendable, CaseIterable { case keras3, keras2 }

    public let count: Int
    public let batchSize: Int
    public let stepsPerEpoch: Int
    public let seed: UInt64
    public let order: Order

    public init(count: Int, batchSize: Int, stepsPerEpoch: Int, seed: UInt64, order: Order = .keras3) {
        self.count = count
        self.batchSize = batchSize
        self.stepsPerEpoch = stepsPerEpoch
        self.seed = seed
        self.order = order
    }

    /// Batches in one pass over the data: ⌈count / batchSize⌉.
    public var batchesPerPass: Int { (count + batchSize - 1) / batchSize }

    /// The shuffled index array of pass `pass` (seeded, the same on every run).
    public func permutation(pass: Int) -> [Int] {
        var rng = SeededRNG(seed: seed).fork(0x5EED_0000 + UInt64(pass))
        return Array(0..<count).shuffled(using: &rng)
    }

    /// The image indices of the batch at (epoch, step).
    public func indices(epoch: Int, step: Int) -> [Int] {
        let (pass, batch): (Int, Int)
        switch order {
        case .keras3:
            (pass, batch) = (epoch, step % batchesPerPass)
        case .keras2:
            let global = epoch * stepsPerEpoch + step
            (pass, batch) = (global / batchesPerPass, global % batchesPerPass)
        }
        let order = permutation(pass: pass)
        return Array(order[(batch * batchSize)..<min((batch + 1) * batchSize, count)])
    }
}
