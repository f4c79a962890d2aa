import Foundation

/// The largest sizes cnnviz agrees to work with, and overflow-safe arithmetic to check against them.
///
/// Every size that comes from a person or a file (an option, model.json, a weights header, a
/// checkpoint) is checked here before anything is allocated: a product that overflows `Int` traps,
/// and an allocation the machine cannot hold aborts, both without a word of explanation. The
/// limits are far beyond what a student trains here (the coursework: 64×64 images, 7 layers,
/// 3.9 M weights, batches of 32) and well below what would exhaust memory.
public enum Limits {
    /// Images at most 4096 pixels a side: one such RGB image is 200 MB as floats, and the
    /// coursework uses 64. Also the largest kernel, pooling window and stride.
    public static let maxImageSide = 4096
    /// At most 65536 filters in a Conv2D, units in a Dense or channels in an input: the
    /// coursework's widest layer has 128.
    public static let maxUnits = 65_536
    /// At most 256 layers: the deepest Keras classics (ResNet-152) have fewer Sequential layers
    /// than this, and each layer here is a step a student reads.
    public static let maxLayers = 256
    /// A tensor (one sample's activations, a weight array, or a whole batch) at most 2^28
    /// elements, 1 GB of floats: the coursework's largest is 3.9 M.
    public static let maxTensorElements = 1 << 28
    /// A model at most 2^28 weights in all: training holds four copies (weights, gradients and
    /// Adam's two moments), 4 GB at this limit.
    public static let maxParameters = 1 << 28
    /// Batches at most 4096 images: the coursework uses 32, and larger batches only cost memory.
    public static let maxBatchSize = 4096
    /// At most 100000 epochs: the coursework runs 32.
    public static let maxEpochs = 100_000
    /// `train --checkpoint-every`: a week, in seconds (longer would mean no checkpoint at all).
    public static let maxCheckpointSeconds: Double = 604_800
    /// At most 1000000 steps an epoch: the coursework runs 20 (250 would see all 8000 images).
    public static let maxStepsPerEpoch = 1_000_000
    /// JSON files (model.json, trainer_state.json, manifest.json) at most 16 MB; a model.json is
    /// a few kilobytes.
    public static let maxJSONBytes = 16 << 20
    /// Weights and optimizer files at most 2 GB: the coursework's weights are 16 MB, and
    /// `maxParameters` weights are 1 GB.
    public static let maxWeightsBytes = 2 << 30

    // MARK: Overflow-safe arithmetic

    /// The product of `values`, or nil when one is negative or the product overflows `Int`.
    public static func product(_ values: [Int]) -> Int? {
        var result = 1
        for value in values {
            guard value >= 0 else { return nil }
            let (next, overflow) = result.multipliedReportingOverflow(by: value)
            guard !overflow else { return nil }
            result = next
        }
        return result
    }

    /// a · b, or nil when either is negative or the product overflows `Int`.
    public static func product(_ a: Int, _ b: Int) -> Int? { product([a, b]) }

    /// The sum of `values`, or nil when one is negative or the sum overflows `Int`.
    public static func sum(_ values: [Int]) -> Int? {
        var result = 0
        for value in values {
            guard value >= 0 else { return nil }
            let (next, overflow) = result.addingReportingOverflow(value)
            guard !overflow else { return nil }
            result = next
        }
        return result
    }

    // MARK: Checks that name the limit

    /// Throws unless `value` is in 1...limit. `what` names the value ("--batch-size"), `unit`
    /// says what the limit counts ("images a batch"), `hint` what to do instead.
    public static func check(_ value: Int, _ what: String, atMost limit: Int, unit: String, hint: String) throws {
        guard value >= 1 else {
            throw CNNError.invalidInput("\(what) must be at least 1, got \(value)", hint: hint)
        }
        guard value <= limit else {
            throw CNNError.invalidInput("\(what) \(value) is too large: at most \(limit) \(unit)", hint: hint)
        }
    }

    /// The number of elements of `shape`; throws unless every size is positive and the count is
    /// at most `maxTensorElements` (checked without overflow).
    @discardableResult
    public static func checkElements(_ shape: [Int], _ what: String) throws -> Int {
        guard shape.allSatisfy({ $0 > 0 }), let count = product(shape), count <= maxTensorElements else {
            throw CNNError.invalidInput("\(what) of shape \(CNNError.format(shape)) is too large: a tensor holds at most \(maxTensorElements) values",
                                        hint: "use smaller images or fewer filters and units")
        }
        return count
    }

    /// Throws unless `bytes` (nil: more than `Int` can count) fits in the machine's memory.
    ///
    /// An allocation beyond it would not fail politely: Linux overcommits, and the process is
    /// killed, or Swift aborts, when the pages are touched.
    public static func checkMemory(_ bytes: Int?, for what: String, available: UInt64 = ProcessInfo.processInfo.physicalMemory) throws {
        let gigabytes = { (b: Double) in String(format: "%.1f GB", b / 1e9) }
        guard let bytes, UInt64(bytes) <= available else {
            let needed = bytes.map { gigabytes(Double($0)) } ?? "more than \(Int.max) bytes"
            throw CNNError.invalidInput("\(what) would need \(needed) of memory, but this machine has \(gigabytes(Double(available)))",
                                        hint: "use a smaller batch, smaller images or a smaller model")
        }
    }
}
