/// Which layer's maps Grad-CAM weighs: the output of the last convolution block.
///
/// Grad-CAM (Selvaraju et al. 2017) uses the last convolutional layer's feature maps after
/// their activation, A = ReLU(conv(x)). With `Conv2D(activation="relu")` that is the Conv2D's
/// own output; with `Conv2D → BatchNormalization → Activation("relu")`, as Keras models often
/// write it, it is the output of the Activation. Layers that act on each value alone and keep
/// the shape (BatchNormalization, Activation, Dropout) belong to the block; anything else
/// (pooling, Flatten, another Conv2D) ends it.
public enum GradCAMLayer {
    /// The index of the layer whose output is A, given the model's layer kinds in order; nil
    /// when there is no Conv2D.
    public static func index(kinds: [LayerKind?]) -> Int? {
        guard var index = kinds.lastIndex(where: { $0 == .conv2D }) else { return nil }
        while index + 1 < kinds.count, let next = kinds[index + 1], partOfBlock.contains(next) { index += 1 }
        return index
    }

    /// Element-wise layers that keep the feature maps' shape.
    static let partOfBlock: Set<LayerKind> = [.batchNormalization, .activation, .dropout]
}
