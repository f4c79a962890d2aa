import ImageFiles

/// Small image helpers for composing pictures.
public enum ImageOps {
    /// Each pixel becomes a `scale`×`scale` block.
    public static func enlarge(_ image: RGBImage, scale: Int) -> RGBImage {
        guard scale > 1 else { return image }
        var canvas = Canvas(width: image.width * scale, height: image.height * scale)
        canvas.blit(image, x: 0, y: 0, scale: scale)
        return canvas.image
    }

    /// Images one under the other, left-aligned, `gap` pixels apart, on white.
    public static func stackVertically(_ images: [RGBImage], gap: Int = 8) -> RGBImage {
        let width = images.map(\.width).max() ?? 0
        let height = images.map(\.height).reduce(0, +) + max(images.count - 1, 0) * gap
        var canvas = Canvas(width: width, height: height)
        var y = 0
        for image in images {
            canvas.blit(image, x: 0, y: y)
            y += image.height + gap
        }
        return canvas.image
    }

    /// Images side by side, top-aligned, `gap` pixels apart, on white.
    public static func stackHorizontally(_ images: [RGBImage], gap: Int = 8) -> RGBImage {
        let width = images.map(\.width).reduce(0, +) + max(images.count - 1, 0) * gap
        let height = images.map(\.height).max() ?? 0
        var canvas = Canvas(width: width, height: height)
        var x = 0
        for image in images {
            canvas.blit(image, x: x, y: 0)
            x += image.width + gap
        }
        return canvas.image
    }
}
