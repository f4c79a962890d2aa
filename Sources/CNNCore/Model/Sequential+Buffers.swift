extension Sequential {
    /// Every non-trainable buffer (BatchNormalization's moving statistics), layer by layer.
    /// Saved and loaded with the weights; never handed to an optimizer (`parameters` holds
    /// the trainable arrays only).
    public var buffers: [Parameter] { layers.flatMap(\.buffers) }
    /// Values of all buffers: Keras' "Non-trainable params".
    public var bufferCount: Int { layers.reduce(0) { $0 + $1.bufferCount } }
}
