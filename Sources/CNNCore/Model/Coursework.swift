/// The model the coursework builds in Keras:
///
///     Conv2D(32, (3, 3), input_shape=(64, 64, 3), activation="relu")
///     MaxPooling2D(pool_size=(2, 2))
///     Flatten()
///     Dense(units=128, activation="relu")
///     Dense(units=1, activation="sigmoid")
///     compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
public enum Coursework {
    /// The architecture for square RGB images of `imageSize` pixels (64 in the coursework).
    public static func spec(imageSize: Int = 64, classNames: [String] = ["cats", "dogs"]) -> ModelSpec {
        let layers: [(className: String, config: [String: JSONValue])] = [
            ("Conv2D", ["name": .string("conv2d"), "filters": .int(32), "kernel_size": .ints([3, 3]), "strides": .ints([1, 1]),
                        "padding": .string("valid"), "activation": .string("relu"), "use_bias": .bool(true)]),
            ("MaxPooling2D", ["name": .string("max_pooling2d"), "pool_size": .ints([2, 2]), "strides": .ints([2, 2]), "padding": .string("valid")]),
            ("Flatten", ["name": .string("flatten")]),
            ("Dense", ["name": .string("dense"), "units": .int(128), "activation": .string("relu"), "use_bias": .bool(true)]),
            ("Dense", ["name": .string("dense_1"), "units": .int(1), "activation": .string("sigmoid"), "use_bias": .bool(true)]),
        ]
        var spec = ModelSpec(name: "coursework", inputShape: [imageSize, imageSize, 3], layers: layers)
        spec.classNames = classNames
        spec.preprocessing = Preprocessing(rescale: 1.0 / 255, targetSize: (imageSize, imageSize), interpolation: "nearest")
        return spec
    }

    /// The coursework model, built with weights from `seed`.
    public static func model(imageSize: Int = 64, seed: UInt64 = 0) throws -> Sequential {
        try spec(imageSize: imageSize).build(seed: seed)
    }
}
