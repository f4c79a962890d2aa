import CNNCore
import Foundation

/// How batches continue across epochs.
public enum IteratorMode: String, Sendable, CaseIterable {
    /// Keras 3 (`PyDataset`): `fit(steps_per_epoch=k)` asks for batches 0…k−1 of the shuffled
    /// index array, then `on_epoch_end` reshuffles. Asking for more batches than the array holds
    /// wraps to its start.
    case keras3
    /// Keras 2 (`Iterator._flow_index`): batches continue where the previous epoch stopped, and
    /// the index array is reshuffled only after a full pass; `endEpoch()` changes nothing.
    case keras2
}

/// Batches of a `DirectoryDataset` as `flow_from_directory(..., class_mode='binary')` yields
/// them: x of shape [N, H, W, 3] (augmented, then times `rescale`), y of shape [N, 1] holding
/// each image's class index as a Float. N is `batchSize` except for the last batch of a pass,
/// which keeps the remaining images (⌈n / batchSize⌉ batches per pass).
///
/// Shuffling and augmentation come from `seed`: permutation number k is drawn from
/// `SeededRNG(seed).fork(k)`, and the augmentation of batch t's j-th image from its own fork,
/// so the same seed gives the same batches and the batch's images can be augmented in parallel.
public struct BatchIterator {
    public let dataset: DirectoryDataset
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64
    public let augmentation: Augmentation?
    public let rescale: Float
    public let mode: IteratorMode

    /// The current order of image indices.
    public private(set) var indexArray: [Int]
    /// Batch position within the index array.
    public private(set) var batchIndex = 0
    /// Completed epochs (`endEpoch` calls).
    public private(set) var epoch = 0
    /// Batches handed out so far.
    public private(set) var totalBatchesSeen = 0
    /// How many permutations have been drawn.
    private var permutations = 0

    public init(dataset: DirectoryDataset, batchSize: Int, shuffle: Bool, seed: UInt64,
                augmentation: Augmentation?, rescale: Float, mode: IteratorMode = .keras3) {
        precondition(batchSize > 0, "batch size must be positive")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.augmentation = augmentation
        self.rescale = rescale
        self.mode = mode
        self.indexArray = Array(0..<dataset.count)
        reshuffle()
    }

    /// Batches in one pass over the data: ⌈n / batchSize⌉ (Keras' `len(iterator)`).
    public var batchesPerEpoch: Int { (dataset.count + batchSize - 1) / batchSize }

    /// The indices of the next batch, advancing the position (no pixels touched).
    public mutating func nextIndices() -> [Int] {
        if batchIndex >= batchesPerEpoch {  // only in keras3 mode: asked past the end
            batchIndex = 0
        }
        let start = batchIndex * batchSize
        let indices = Array(indexArray[start..<min(start + batchSize, indexArray.count)])
        batchIndex += 1
        totalBatchesSeen += 1
        if mode == .keras2 && batchIndex == batchesPerEpoch {
            batchIndex = 0
            reshuffle()
        }
        return indices
    }

    /// The next batch: x [N, H, W, 3] and y [N, 1].
    public mutating func nextBatch() -> (x: Tensor, y: Tensor) {
        let batchNumber = UInt64(totalBatchesSeen)
        let indices = nextIndices()
        return makeBatch(indices, augmentationStream: batchNumber)
    }

    /// Ends an epoch: in `.keras3` mode reshuffles and starts again at batch 0 (Keras'
    /// `on_epoch_end`); in `.keras2` mode the position carries on.
    public mutating func endEpoch() {
        epoch += 1
        if mode == .keras3 {
            batchIndex = 0
            reshuffle()
        }
    }

    private mutating func reshuffle() {
        indexArray = Array(0..<dataset.count)
        if shuffle {
            var rng = SeededRNG(seed: seed).fork(UInt64(permutations))
            // Fisher–Yates, as numpy's permutation does (different generator, same idea).
            if indexArray.count > 1 {
                for i in stride(from: indexArray.count - 1, to: 0, by: -1) {
                    let j = Int(rng.next() % UInt64(i + 1))
                    indexArray.swapAt(i, j)
                }
            }
        }
        permutations += 1
    }

    /// The augmentation drawn for each image of a batch of `count` (nil without augmentation):
    /// the j-th image's from its own fork of the batch's stream, so `makeBatch` can apply them in
    /// parallel and a record of the batch (`cnnviz train`'s batches/) can list them.
    public func augmentationParameters(count: Int, augmentationStream: UInt64) -> [Augmentation.Parameters]? {
        guard let augmentation else { return nil }
        let base = SeededRNG(seed: seed ^ 0xA5A5_A5A5_5A5A_5A5A).fork(augmentationStream)
        return (0..<count).map { j in
            var rng = base.fork(UInt64(j))
            return augmentation.randomParameters(height: dataset.height, width: dataset.width, rng: &rng)
        }
    }

    /// Builds x and y for the given image indices: on every core, or with `parallel` false on
    /// the calling thread alone (`BatchPrefetcher`, beside a training step that uses the cores).
    /// The images are independent, so both give the same bytes.
    public func makeBatch(_ indices: [Int], augmentationStream: UInt64, parallel: Bool = true) -> (x: Tensor, y: Tensor) {
        let h = dataset.height, w = dataset.width, size = h * w * 3
        var x = [Float](repeating: 0, count: indices.count * size)
        let draws = augmentationParameters(count: indices.count, augmentationStream: augmentationStream)
        let rescale = self.rescale, dataset = self.dataset
        x.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            let fill = { (j: Int) in
                let target = UnsafeMutableBufferPointer(rebasing: out[(j * size)..<((j + 1) * size)])
                dataset.withPixels(indices[j]) { pixels in
                    if let draws {
                        Augmentation.apply(draws[j], pixels: pixels, width: w, height: h, scale: rescale, into: target)
                    } else {
                        for k in 0..<size { target[k] = Float(pixels[k]) * rescale }
                    }
                }
            }
            if parallel {
                DispatchQueue.concurrentPerform(iterations: indices.count, execute: fill)
            } else {
                for j in indices.indices { fill(j) }
            }
        }
        let y = indices.map { Float(dataset.labels[$0]) }
        return (Tensor(shape: [indices.count, h, w, 3], data: x), Tensor(shape: [indices.count, 1], data: y))
    }
}
