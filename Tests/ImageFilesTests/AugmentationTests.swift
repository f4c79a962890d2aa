import CNNCore
import XCTest
@testable import ImageFiles

/// ImageDataGenerator's transforms: hand-checkable cases and seeded determinism.
final class AugmentationTests: XCTestCase {
    /// A 4×3 image with distinct pixels: red = column·10, green = row·10.
    let image: RGBImage = {
        var image = RGBImage(width: 4, height: 3)
        for y in 0..<3 { for x in 0..<4 { image[x, y] = (UInt8(x * 10), UInt8(y * 10), 7) } }
        return image
    }()

    func testIdentityParametersChangeNothing() {
        let out = Augmentation.apply(.init(), to: image)
        XCTAssertEqual(out, image.pixels.map(Float.init))
        // zoom 1 and shear 0 written explicitly is still the identity.
        XCTAssertEqual(Augmentation.apply(.init(shear: 0, zx: 1, zy: 1), to: image), image.pixels.map(Float.init))
    }

    func testFlipOnlyMirrorsColumns() {
        let out = Augmentation.applied(.init(flipHorizontal: true), to: image)
        for y in 0..<3 { for x in 0..<4 { XCTAssertEqual(out[x, y].0, UInt8((3 - x) * 10)); XCTAssertEqual(out[x, y].1, UInt8(y * 10)) } }
    }

    /// Zoom 2 in both directions on a square 4×4 image: output index i samples input
    /// 2·(i − 1.5) + 1.5 = 2i − 1.5 → −1.5, 0.5, 2.5, 4.5; clamped to the edge: 0, 0.5, 2.5, 3.
    /// With red = 10·column: 0, 5, 25, 30.
    func testZoomByHand() {
        var square = RGBImage(width: 4, height: 4)
        for y in 0..<4 { for x in 0..<4 { square[x, y] = (UInt8(x * 10), UInt8(y * 10), 0) } }
        let out = Augmentation.apply(.init(zx: 2, zy: 2), to: square)
        XCTAssertEqual((0..<4).map { out[$0 * 3] }, [0, 5, 25, 30])                  // row 0, red along columns
        XCTAssertEqual((0..<4).map { out[($0 * 4) * 3 + 1] }, [0, 5, 25, 30])        // column 0, green along rows
    }

    /// Keras' matrix acts on (column, row) after its axis swap, so zx scales columns.
    func testZxScalesColumnsOnly() {
        var square = RGBImage(width: 4, height: 4)
        for y in 0..<4 { for x in 0..<4 { square[x, y] = (UInt8(x * 10), UInt8(y * 10), 0) } }
        let out = Augmentation.apply(.init(zx: 2), to: square)
        XCTAssertEqual((0..<4).map { out[$0 * 3] }, [0, 5, 25, 30])
        XCTAssertEqual((0..<4).map { out[($0 * 4) * 3 + 1] }, [0, 10, 20, 30], "rows untouched")
    }

    /// Rotating a square by 90° maps the image onto itself turned a quarter.
    func testRotation90() {
        var square = RGBImage(width: 3, height: 3)
        for y in 0..<3 { for x in 0..<3 { square[x, y] = (UInt8(y * 3 + x), 0, 0) } }
        let out = Augmentation.applied(.init(theta: 90), to: square)
        let reds = (0..<9).map { out.pixels[$0 * 3] }
        XCTAssertEqual(Set(reds), Set(0..<9), "a permutation of the pixels")
        XCTAssertEqual(reds[4], 4, "centre stays")
        XCTAssertNotEqual(reds, Array(0..<9))
    }

    func testDrawsAreSeededAndWithinKerasRanges() {
        let aug = Augmentation(rotationRange: 10, widthShiftRange: 0.1, heightShiftRange: 0.2,
                               shearRange: 0.2, zoomRange: 0.2, horizontalFlip: true)
        var r1 = SeededRNG(seed: 42), r2 = SeededRNG(seed: 42)
        var flips = 0
        for _ in 0..<500 {
            let p = aug.randomParameters(height: 64, width: 32, rng: &r1)
            XCTAssertEqual(p, aug.randomParameters(height: 64, width: 32, rng: &r2))
            XCTAssertLessThanOrEqual(abs(p.theta), 10)
            XCTAssertLessThanOrEqual(abs(p.tx), 0.2 * 64, "height shift is a fraction of the height")
            XCTAssertLessThanOrEqual(abs(p.ty), 0.1 * 32)
            XCTAssertLessThanOrEqual(abs(p.shear), 0.2, "shear_range is in degrees")
            XCTAssertTrue((0.8...1.2).contains(p.zx) && (0.8...1.2).contains(p.zy))
            if p.flipHorizontal { flips += 1 }
        }
        XCTAssertTrue((200...300).contains(flips), "flip with probability 0.5: \(flips)/500")
        // Coursework: only shear, zoom and flip are drawn; zx and zy independently.
        var rng = SeededRNG(seed: 1)
        let p = Augmentation.coursework.randomParameters(height: 64, width: 64, rng: &rng)
        XCTAssertEqual(p.theta, 0); XCTAssertEqual(p.tx, 0); XCTAssertEqual(p.ty, 0)
        XCTAssertNotEqual(p.zx, p.zy)
    }

    /// A 0.2° shear moves pixels by at most a fraction of a pixel on 64×64: nearly invisible.
    func testCourseworkShearIsTiny() {
        let noise = TestImages.noise(width: 64, height: 64)
        let out = Augmentation.apply(.init(shear: 0.2), to: noise)
        let maxDiff = zip(out, noise.pixels).map { abs($0 - Float($1)) }.max() ?? 0
        XCTAssertGreaterThan(maxDiff, 0)
        let meanDiff = zip(out, noise.pixels).map { abs($0 - Float($1)) }.reduce(0, +) / Float(out.count)
        XCTAssertLessThan(meanDiff, 25, "0.2° shifts rows by ≤ 0.11 px")
    }
}
