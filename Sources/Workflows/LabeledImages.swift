import CNNCore
import Foundation
import ImageFiles

/// A set of images with class labels, already decoded and resized (what training reads).
public protocol LabeledImages {
    var classNames: [String] { get }
    var count: Int { get }
    /// The decoded, resized image `i`.
    func image(_ i: Int) -> RGBImage
    /// The class index of image `i`.
    func label(_ i: Int) -> Int
    /// Where image `i` came from.
    func path(_ i: Int) -> URL
}

/// Turns images into model input exactly as the model's preprocessing says (rescale).
enum Batching {
    /// A batch tensor (N, H, W, 3) and binary labels (N, 1) from the given images.
    static func tensors(_ images: [RGBImage], labels: [Int], rescale: Float) -> (x: Tensor, y: Tensor) {
        guard let first = images.first else { return (Tensor(shape: [0], data: []), Tensor(shape: [0], data: [])) }
        let size = first.pixels.count
        var data = [Float](repeating: 0, count: images.count * size)
        data.withUnsafeMutableBufferPointer { buffer in
            for (n, image) in images.enumerated() {
                image.write(into: UnsafeMutableBufferPointer(rebasing: buffer[(n * size)..<((n + 1) * size)]), rescale: rescale)
            }
        }
        return (Tensor(shape: [images.count, first.height, first.width, 3], data: data),
                Tensor(shape: [labels.count, 1], data: labels.map(Float.init)))
    }
}

extension DirectoryDataset: LabeledImages {
    public func label(_ i: Int) -> Int { labels[i] }
    public func path(_ i: Int) -> URL { files[i] }
}
