import CNNCore

extension RGBImage {
    /// The image as a batch of one, shape [1, H, W, 3], each byte times `rescale`
    /// (Keras' `rescale=1./255` gives values in [0, 1]).
    public func tensor(rescale: Float) -> Tensor {
        Tensor(shape: [1, height, width, 3], data: pixels.map { Float($0) * rescale })
    }

    /// Writes the image's values times `rescale` into `buffer` (H·W·3 floats), for batching.
    public func write(into buffer: UnsafeMutableBufferPointer<Float>, rescale: Float) {
        precondition(buffer.count >= pixels.count)
        for i in pixels.indices { buffer[i] = Float(pixels[i]) * rescale }
    }
}
