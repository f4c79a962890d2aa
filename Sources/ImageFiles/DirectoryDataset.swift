import Foundation

/// The resampling `DirectoryDataset` uses (Keras' `interpolation` argument).
public typealias Interpolation = Resize.Interpolation

/// A folder of class subfolders read with `flow_from_directory`'s meaning, decoded once and
/// kept in memory.
///
/// - Classes are the sorted names of the subfolders of `directory`, indexed 0, 1, … (cats → 0,
///   dogs → 1). Hidden folders (".ipynb_checkpoints") are not classes — Keras would count them.
/// - A class's images are its files, searched recursively in sorted order, whose names end in
///   .png, .jpg or .jpeg (any case). Hidden files (".DS_Store", "._cat.1.jpg") are ignored.
///   Keras also accepts .bmp, .ppm, .tif, .tiff; such files are reported through `warn` and left out.
/// - Every image is decoded and resized to `targetSize` (height, width, as Keras' `target_size`)
///   on all cores, and kept as H·W·3 bytes (12 KB at 64×64), so later epochs never decode again.
/// - A file that cannot be decoded stops loading with an error naming it, or, with
///   `skipBadImages`, is left out with a warning line through `warn` and listed in `skipped`.
public final class DirectoryDataset: @unchecked Sendable {
    public let directory: URL
    /// The sorted class names; the label of class `classNames[i]` is i.
    public let classNames: [String]
    /// The images kept, grouped by class in sorted order.
    public let files: [URL]
    /// The class index of each file.
    public let labels: [Int]
    /// Files left out with `skipBadImages`, and why.
    public let skipped: [(URL, String)]
    /// Image height and width after resizing.
    public let height: Int
    public let width: Int
    public let interpolation: Interpolation
    /// height · width · 3 bytes per image, one after another.
    private let cache: [UInt8]

    /// Lists, checks, decodes and resizes every image. Throws `ImageError` for a missing folder,
    /// fewer than `minimumClasses` class folders, a class folder without images, or (without
    /// `skipBadImages`) the first file that cannot be decoded.
    public init(directory: URL, targetSize: (Int, Int), interpolation: Interpolation = .nearest,
                skipBadImages: Bool = false, minimumClasses: Int = 1,
                decodeMode: ImageLoader.DecodeMode = .exact,
                warn: (String) -> Void = { _ in }) throws {
        let (height, width) = targetSize
        guard height > 0, width > 0 else {
            throw ImageError(.invalidArgument, path: directory.path, reason: "target size \(height)×\(width) is not positive",
                             hint: "Give a target size such as 64×64")
        }
        let listing = try DatasetListing(directory: directory, minimumClasses: minimumClasses)
        for note in listing.ignoredNotes { warn(note) }

        // Files that are not regular (a FIFO, socket or device named x.jpg) are refused before
        // any decoding starts; with `skipBadImages` the loader's refusal below skips them.
        if !skipBadImages {
            for file in listing.files {
                if let what = DatasetListing.notRegularKind(file) {
                    throw ImageError(.unreadable, path: file.path, reason: "this is \(what), not an image file",
                                     hint: "Remove it from the folder, or pass --skip-bad-images to leave such files out")
                }
            }
        }

        let count = listing.files.count
        let imageBytes = height * width * 3
        var cache = [UInt8](repeating: 0, count: count * imageBytes)
        var failures = [ImageError?](repeating: nil, count: count)
        cache.withUnsafeMutableBufferPointer { cacheBuffer in
            failures.withUnsafeMutableBufferPointer { failureBuffer in
                // Each iteration writes only its own slice and slot: no two threads share bytes.
                DispatchQueue.concurrentPerform(iterations: count) { i in
                    do {
                        let image = try ImageLoader.load(listing.files[i], width: width, height: height,
                                                         interpolation: interpolation, mode: decodeMode)
                        for j in 0..<imageBytes { cacheBuffer[i * imageBytes + j] = image.pixels[j] }
                    } catch let error as ImageError {
                        failureBuffer[i] = error
                    } catch {
                        failureBuffer[i] = ImageError(.unreadable, path: listing.files[i].path,
                                                      reason: "\(error)", hint: ImageError.replaceOrSkip)
                    }
                }
            }
        }

        var keptFiles = [URL](), keptLabels = [Int](), skipped = [(URL, String)]()
        var keptCache = [UInt8]()
        let anyFailed = failures.contains { $0 != nil }
        if anyFailed { keptCache.reserveCapacity(cache.count) }
        for i in 0..<count {
            if let failure = failures[i] {
                guard skipBadImages else { throw failure.suggestingSkip() }
                warn("warning: skipping \(failure.path): \(failure.reason)")
                skipped.append((listing.files[i], failure.reason))
                continue
            }
            keptFiles.append(listing.files[i])
            keptLabels.append(listing.labels[i])
            if anyFailed { keptCache += cache[(i * imageBytes)..<((i + 1) * imageBytes)] }
        }
        // Skipping may empty a class: that is an error too (a class the model never sees).
        for (index, name) in listing.classNames.enumerated() where !keptLabels.contains(index) {
            throw ImageError(.emptyClass, path: directory.appendingPathComponent(name).path,
                             reason: "class folder '\(name)' has no readable images left after skipping \(skipped.count) bad files",
                             hint: "Put readable .png or .jpg images in it, or remove the folder")
        }
        self.directory = directory
        self.classNames = listing.classNames
        self.files = keptFiles
        self.labels = keptLabels
        self.skipped = skipped
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.cache = anyFailed ? keptCache : cache
    }

    /// Number of images kept.
    public var count: Int { files.count }

    /// Class names with their indices, in index order (Keras' `class_indices`).
    public var classIndices: [(String, Int)] { classNames.enumerated().map { ($1, $0) } }

    /// Keras' line: "Found 2000 images belonging to 2 classes." (Keras does not pluralise either.)
    public var foundMessage: String { "Found \(count) images belonging to \(classNames.count) classes." }

    /// Keras' printed `class_indices`: {'cats': 0, 'dogs': 1}
    public var classIndicesDescription: String {
        "{" + classIndices.map { "'\($0.0)': \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// "Skipped 3 bad images." or nil when nothing was skipped.
    public var skippedMessage: String? {
        skipped.isEmpty ? nil : "Skipped \(skipped.count) bad image\(skipped.count == 1 ? "" : "s")."
    }

    /// Image `i`, resized, as it was cached.
    public func image(_ i: Int) -> RGBImage {
        let size = height * width * 3
        return RGBImage(width: width, height: height, pixels: Array(cache[(i * size)..<((i + 1) * size)]))
    }

    /// Lends image `i`'s cached bytes without copying.
    public func withPixels<T>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let size = height * width * 3
        return try cache.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[(i * size)..<((i + 1) * size)])) }
    }
}
