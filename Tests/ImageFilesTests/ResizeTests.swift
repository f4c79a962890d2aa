import XCTest
@testable import ImageFiles

/// Resizing picks the same source pixels as PIL (and so Keras).
final class ResizeTests: XCTestCase {
    func testNearestIndicesMatchPIL() {
        XCTAssertEqual(Resize.nearestIndices(from: 10, to: 4), [1, 3, 6, 8])
        XCTAssertEqual(Resize.nearestIndices(from: 3, to: 7), [0, 0, 1, 1, 1, 2, 2])
        XCTAssertEqual(Resize.nearestIndices(from: 5, to: 5), [0, 1, 2, 3, 4])
    }

    /// A 10×3 image whose red channel is the column and green the row.
    func testNearestPicksThosePixels() {
        var image = RGBImage(width: 10, height: 3)
        for y in 0..<3 { for x in 0..<10 { image[x, y] = (UInt8(x), UInt8(y), 9) } }
        let small = Resize.nearest(image, width: 4, height: 7)
        XCTAssertEqual((0..<4).map { small[$0, 0].0 }, [1, 3, 6, 8])
        XCTAssertEqual((0..<7).map { small[0, $0].1 }, [0, 0, 1, 1, 1, 2, 2])
        XCTAssertTrue((0..<28).allSatisfy { small.pixels[3 * $0 + 2] == 9 })
    }

    /// Upscaling [0, 100] to 4: centres at 0.25, 0.75, 1.25, 1.75 in source pixels; the first and
    /// last fall beyond the outer centres and copy them, the middle two mix 3:1 → [0, 25, 75, 100].
    func testBilinearUpscaleByHand() {
        let image = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 100, 100, 100])
        let big = Resize.bilinear(image, width: 4, height: 1)
        XCTAssertEqual((0..<4).map { big[$0, 0].0 }, [0, 25, 75, 100])
    }

    /// Downscaling [0, 100, 200, 40] to 2: PIL widens the triangle to the scale (2), so output 0
    /// (centre 1.0) weighs sources 0, 1, 2 by 0.75, 0.75, 0.25 → (0 + 75 + 50)/1.75 = 71.4 → 71;
    /// output 1 (centre 3.0) weighs sources 1, 2, 3 by 0.25, 0.75, 0.75 → (25 + 150 + 30)/1.75 = 117.
    func testBilinearDownscaleUsesWidenedFilter() {
        let values: [UInt8] = [0, 100, 200, 40]
        let image = RGBImage(width: 4, height: 1, pixels: values.flatMap { [$0, $0, $0] })
        let small = Resize.bilinear(image, width: 2, height: 1)
        XCTAssertEqual((0..<2).map { small[$0, 0].0 }, [71, 117])
    }

    func testBilinearKeepsConstantImagesAndSizes() {
        let image = RGBImage(width: 13, height: 7, fill: (10, 200, 33))
        for (w, h) in [(5, 3), (64, 64), (13, 20)] {
            let out = Resize.bilinear(image, width: w, height: h)
            XCTAssertEqual([out.width, out.height], [w, h])
            XCTAssertEqual(out, RGBImage(width: w, height: h, fill: (10, 200, 33)))
        }
    }

    func testTensorRescales() {
        let image = RGBImage(width: 2, height: 1, pixels: [0, 51, 255, 102, 0, 0])
        let tensor = image.tensor(rescale: 1 / 255)
        XCTAssertEqual(tensor.shape, [1, 1, 2, 3])
        XCTAssertEqual(tensor.data[1], 0.2, accuracy: 1e-6)
        XCTAssertEqual(tensor.data[2], 1, accuracy: 1e-6)
    }
}

/// `ImageLoader`: exact mode is decode + `Resize`; DCT-scaled mode still ends at the target size.
final class ImageLoaderTests: XCTestCase {
    func testExactIsDecodeThenResizeAndScaledKeepsTargetSize() throws {
        let folder = try TestImages.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("photo.jpg")
        try ImageFile.write(TestImages.smooth(width: 200, height: 150), to: url)
        let full = try ImageFile.read(url)
        XCTAssertEqual(try ImageLoader.load(url, width: 64, height: 64), Resize.nearest(full, width: 64, height: 64))
        XCTAssertEqual(try ImageLoader.load(url, width: 64, height: 64, interpolation: .bilinear),
                       Resize.bilinear(full, width: 64, height: 64))
        let scaled = try ImageLoader.load(url, width: 64, height: 64, mode: .dctScaled)
        XCTAssertEqual([scaled.width, scaled.height], [64, 64])
        // A smooth image looks nearly the same either way.
        let diff = zip(scaled.pixels, Resize.nearest(full, width: 64, height: 64).pixels).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThan(Double(diff.reduce(0, +)) / Double(diff.count), 3)
        // PNG ignores the mode (always decoded in full).
        let png = folder.appendingPathComponent("photo.png")
        try ImageFile.write(full, to: png)
        XCTAssertEqual(try ImageLoader.load(png, width: 64, height: 64, mode: .dctScaled), Resize.nearest(full, width: 64, height: 64))
    }
}
