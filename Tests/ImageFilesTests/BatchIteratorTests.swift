import XCTest
@testable import ImageFiles

/// Batches, partial last batch, seeded reshuffles, and the Keras 3 / Keras 2 epoch semantics.
final class BatchIteratorTests: XCTestCase {
    var root: URL!
    var dataset: DirectoryDataset!

    /// 10 images, 4 cats then 6 dogs; image i is filled with value i so batches show their indices.
    override func setUpWithError() throws {
        root = try TestImages.temporaryFolder()
        for (name, range) in [("cats", 0..<4), ("dogs", 4..<10)] {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in range {
                let v = UInt8(i)
                try ImageFile.write(RGBImage(width: 3, height: 2, fill: (v, v, v)), to: folder.appendingPathComponent("img\(i).png"))
            }
        }
        dataset = try DirectoryDataset(directory: root, targetSize: (2, 3), minimumClasses: 2)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func testUnshuffledBatchesKeepOrderAndPartialLastBatch() {
        var it = BatchIterator(dataset: dataset, batchSize: 4, shuffle: false, seed: 1, augmentation: nil, rescale: 1 / 255)
        XCTAssertEqual(it.batchesPerEpoch, 3)
        let (x, y) = it.nextBatch()
        XCTAssertEqual(x.shape, [4, 2, 3, 3])
        XCTAssertEqual(y.shape, [4, 1])
        XCTAssertEqual(y.data, [0, 0, 0, 0])
        XCTAssertEqual(x.data[18], 1 / 255, accuracy: 1e-7)  // image 1's first value
        _ = it.nextBatch()
        let (last, lastY) = it.nextBatch()
        XCTAssertEqual(last.shape, [2, 2, 3, 3], "the last partial batch is kept")
        XCTAssertEqual(lastY.data, [1, 1])
        XCTAssertEqual(last.data[0] * 255, 8, accuracy: 1e-4)
    }

    func testShuffleIsSeededAndAPermutation() {
        var a = BatchIterator(dataset: dataset, batchSize: 4, shuffle: true, seed: 7, augmentation: nil, rescale: 1)
        var b = BatchIterator(dataset: dataset, batchSize: 4, shuffle: true, seed: 7, augmentation: nil, rescale: 1)
        var c = BatchIterator(dataset: dataset, batchSize: 4, shuffle: true, seed: 8, augmentation: nil, rescale: 1)
        XCTAssertEqual(a.indexArray, b.indexArray)
        XCTAssertNotEqual(a.indexArray, c.indexArray)
        XCTAssertEqual(a.indexArray.sorted(), Array(0..<10))
        XCTAssertNotEqual(a.indexArray, Array(0..<10))
        // Pixels and labels follow the indices.
        let first = a.indexArray[0]
        let (x, y) = a.nextBatch()
        XCTAssertEqual(x.data[0], Float(first))
        XCTAssertEqual(y.data[0], first < 4 ? 0 : 1)
        XCTAssertEqual(b.nextBatch().x, x)
        _ = c.nextBatch()
    }

    /// Keras 3: each epoch starts at batch 0 of a fresh permutation, whatever steps_per_epoch.
    func testKeras3ReshufflesEachEpochAndRestarts() {
        var it = BatchIterator(dataset: dataset, batchSize: 4, shuffle: true, seed: 3, augmentation: nil, rescale: 1, mode: .keras3)
        let order0 = it.indexArray
        XCTAssertEqual(it.nextIndices(), Array(order0[0..<4]))  // steps_per_epoch = 1
        it.endEpoch()
        let order1 = it.indexArray
        XCTAssertNotEqual(order0, order1)
        XCTAssertEqual(it.nextIndices(), Array(order1[0..<4]), "starts again at batch 0")
        XCTAssertEqual(it.nextIndices(), Array(order1[4..<8]))
        XCTAssertEqual(it.nextIndices(), Array(order1[8..<10]))
        XCTAssertEqual(it.nextIndices(), Array(order1[0..<4]), "past the end wraps, same order")
        // Same seed, same sequence of permutations.
        var again = BatchIterator(dataset: dataset, batchSize: 4, shuffle: true, seed: 3, augmentation: nil, rescale: 1, mode: .keras3)
        again.endEpoch()
        XCTAssertEqual(again.indexArray, order1)
    }

    /// Keras 2: steps_per_epoch continues through the data; reshuffle only after a full pass.
    func testKeras2ContinuesAcrossEpochs() {
        var it = BatchIterator(dataset: dataset, batchSize: 4, shuffle: true, seed: 3, augmentation: nil, rescale: 1, mode: .keras2)
        let order0 = it.indexArray
        XCTAssertEqual(it.nextIndices(), Array(order0[0..<4]))  // epoch 1, steps_per_epoch = 2
        XCTAssertEqual(it.nextIndices(), Array(order0[4..<8]))
        it.endEpoch()
        XCTAssertEqual(it.indexArray, order0, "no reshuffle at the epoch boundary")
        XCTAssertEqual(it.nextIndices(), Array(order0[8..<10]), "continues where it stopped; partial batch kept")
        let order1 = it.indexArray
        XCTAssertNotEqual(order1, order0, "a full pass reshuffles")
        XCTAssertEqual(it.nextIndices(), Array(order1[0..<4]))
    }

    func testAugmentedBatchesAreSeededAndDifferFromPlain() throws {
        // A non-flat image makes flips and zooms visible.
        let folder = root.appendingPathComponent("cats")
        // ImageFile.write never replaces a file it did not write, so the flat image goes first.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("img0.png"))
        try ImageFile.write(TestImages.noise(width: 3, height: 2), to: folder.appendingPathComponent("img0.png"))
        let data = try DirectoryDataset(directory: root, targetSize: (2, 3), minimumClasses: 2)
        let aug = Augmentation(zoomRange: 0.5, horizontalFlip: true)
        var a = BatchIterator(dataset: data, batchSize: 10, shuffle: false, seed: 5, augmentation: aug, rescale: 1)
        var b = BatchIterator(dataset: data, batchSize: 10, shuffle: false, seed: 5, augmentation: aug, rescale: 1)
        var plain = BatchIterator(dataset: data, batchSize: 10, shuffle: false, seed: 5, augmentation: nil, rescale: 1)
        let xa = a.nextBatch().x
        XCTAssertEqual(xa, b.nextBatch().x)
        XCTAssertNotEqual(xa, plain.nextBatch().x)
        XCTAssertNotEqual(xa, a.nextBatch().x, "the next batch draws new transforms")
    }
}
