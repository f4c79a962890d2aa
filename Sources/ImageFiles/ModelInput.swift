import CNNCore
import Foundation

/// The one path from an image to a model's input, as `flow_from_directory` and `load_img` give it:
/// resize to the target size with the model's interpolation, then multiply every byte by `rescale`.
/// Training (through `DirectoryDataset` and `BatchIterator`), prediction and inspection all take it.
public enum ModelInput {
    /// `image` resized to `p.targetSize` (height, width) with `p.interpolation`; unchanged when
    /// it already has that size (Keras resizes only when the size differs).
    public static func resized(_ image: RGBImage, _ p: Preprocessing) -> RGBImage {
        ImageLoader.resized(image, width: p.targetSize.1, height: p.targetSize.0, interpolation: interpolation(p))
    }

    /// A batch of one, shape [1, H, W, 3], of an image already resized.
    public static func tensor(_ resized: RGBImage, _ p: Preprocessing) -> Tensor {
        resized.tensor(rescale: p.rescale)
    }

    /// Reads an image file and gives its input tensor and the resized image.
    public static func load(_ url: URL, _ p: Preprocessing) throws -> (tensor: Tensor, resized: RGBImage) {
        let image = try ImageLoader.load(url, width: p.targetSize.1, height: p.targetSize.0, interpolation: interpolation(p))
        return (tensor(image, p), image)
    }

    /// The resize the preprocessing names ("nearest", Keras' default, or "bilinear").
    public static func interpolation(_ p: Preprocessing) -> Resize.Interpolation {
        Resize.Interpolation(rawValue: p.interpolation) ?? .nearest
    }
}
