import CNNCore
import XCTest
@testable import ImageFiles

/// The fast `Augmentation.apply` against its twin `applyReference`: the same bits, always.
final class AugmentationFastTests: XCTestCase {
    /// Sizes as (width, height): the training size, single pixels, single rows and columns,
    /// and non-square images both ways round (Keras' axis quirks show only there).
    static let sizes = [(64, 64), (1, 1), (1, 7), (7, 1), (5, 3), (3, 5), (37, 64), (64, 37)]
    static let scales: [Float] = [1, 1 / 255]
    /// The coursework's generator, and wide ones that rotate (so the source row changes along
    /// an output row), shift by fractions and by pixels, shear hard and zoom far.
    static let generators = [
        Augmentation.coursework,
        Augmentation(rotationRange: 180, widthShiftRange: 0.3, heightShiftRange: 0.3, shearRange: 45,
                     zoomRange: 0.5, horizontalFlip: true),
        Augmentation(rotationRange: 180, widthShiftRange: 7, heightShiftRange: 7, shearRange: 45,
                     zoomRange: 0.5, horizontalFlip: true),
    ]

    func testRandomDrawsGiveTheReferenceBits() {
        var rng = SeededRNG(seed: 2024)
        for (width, height) in Self.sizes {
            let pixels = (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let draws = width * height > 100 ? 12 : 60
            for (g, generator) in Self.generators.enumerated() {
                for _ in 0..<draws {
                    let p = generator.randomParameters(height: height, width: width, rng: &rng)
                    for scale in Self.scales {
                        assertSameBits(p, pixels, width, height, scale, "generator \(g), \(width)×\(height)")
                    }
                }
            }
        }
    }

    func testIdentityAndFlipOnly() {
        var rng = SeededRNG(seed: 7)
        for (width, height) in Self.sizes {
            let pixels = (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            for p in [Augmentation.Parameters(), .init(flipHorizontal: true), .init(zx: 1.25, flipHorizontal: true)] {
                for scale in Self.scales { assertSameBits(p, pixels, width, height, scale, "\(p.label)") }
            }
        }
    }

    /// Parameters nobody checked: NaN and ±inf in every field, alone and together. The reference
    /// maps a NaN coordinate to 0 and clamps an infinite one to the edge; so must the fast path.
    func testNonFiniteParameters() {
        var rng = SeededRNG(seed: 99)
        var draws = [Augmentation.Parameters]()
        for bad in [Double.nan, .infinity, -.infinity] {
            draws += [.init(theta: bad), .init(tx: bad), .init(ty: bad), .init(shear: bad),
                      .init(zx: bad), .init(zy: bad), .init(zx: bad, zy: 0.9, flipHorizontal: true),
                      .init(theta: 10, tx: bad, ty: 2, shear: 3, zx: 1.1, zy: 0.9, flipHorizontal: true),
                      .init(theta: bad, tx: bad, ty: bad, shear: bad, zx: bad, zy: bad)]
        }
        draws += [.init(zx: 0, zy: 0), .init(zx: -1, zy: 1), .init(tx: 1e300, ty: -1e300), .init(zx: 1e-300, zy: 1e300)]
        for (width, height) in Self.sizes {
            let pixels = (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            for p in draws {
                for scale in Self.scales + [.nan, .infinity, 0] {
                    assertSameBits(p, pixels, width, height, scale, "\(p), \(width)×\(height)")
                }
            }
        }
    }

    /// A 2×2 image by hand, so a failure here points at the arithmetic rather than the geometry.
    func testSmallImageByHand() {
        let pixels: [UInt8] = [0, 10, 20, 100, 110, 120, 200, 210, 220, 255, 0, 1]
        for p in [Augmentation.Parameters(zx: 0.7, zy: 0.6), .init(theta: 30), .init(shear: 20, flipHorizontal: true)] {
            assertSameBits(p, pixels, 2, 2, 1, "\(p.label)")
        }
    }

    private func assertSameBits(_ p: Augmentation.Parameters, _ pixels: [UInt8], _ width: Int, _ height: Int,
                                _ scale: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let count = width * height * 3
        // Filled with different garbage, so a value the fast path forgets to write shows.
        var fast = [Float](repeating: -1, count: count), reference = [Float](repeating: -2, count: count)
        pixels.withUnsafeBufferPointer { source in
            fast.withUnsafeMutableBufferPointer {
                Augmentation.apply(p, pixels: source, width: width, height: height, scale: scale, into: $0)
            }
            reference.withUnsafeMutableBufferPointer {
                Augmentation.applyReference(p, pixels: source, width: width, height: height, scale: scale, into: $0)
            }
        }
        guard let k = (0..<count).first(where: { fast[$0].bitPattern != reference[$0].bitPattern }) else { return }
        XCTFail("\(what), scale \(scale): float \(k) (pixel \(k / 3), channel \(k % 3)) is \(fast[k]), the reference gives \(reference[k])",
                file: file, line: line)
    }
}
