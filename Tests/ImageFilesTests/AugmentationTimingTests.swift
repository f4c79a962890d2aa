import CNNCore
import Foundation
import XCTest
@testable import ImageFiles

/// Timings of the augmentation's fast path and its reference twin on the coursework's draws
/// (64×64), in one process so both see the same load on a shared machine. Skipped unless
/// `CNNVIZ_AUGMENT_TIMING` is set; run in release:
///     CNNVIZ_AUGMENT_TIMING=1 swift test -c release --filter AugmentationTimingTests
/// Prints the median CPU time per output pixel of seven interleaved rounds of each.
final class AugmentationTimingTests: XCTestCase {
    func testTimingOfAugmentation() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment["CNNVIZ_AUGMENT_TIMING"] == nil, "set CNNVIZ_AUGMENT_TIMING to time")
        let (width, height, draws) = (64, 64, 2048)
        var rng = SeededRNG(seed: 7)
        let images = (0..<16).map { _ in (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        let parameters = (0..<draws).map { _ in Augmentation.coursework.randomParameters(height: height, width: width, rng: &rng) }
        var output = [Float](repeating: 0, count: width * height * 3)
        func nanosecondsPerPixel(fast: Bool) -> Double {
            let start = Self.cpuSeconds()
            for k in 0..<draws {
                images[k % images.count].withUnsafeBufferPointer { pixels in
                    output.withUnsafeMutableBufferPointer {
                        if fast {
                            Augmentation.apply(parameters[k], pixels: pixels, width: width, height: height, scale: 1 / 255, into: $0)
                        } else {
                            Augmentation.applyReference(parameters[k], pixels: pixels, width: width, height: height, scale: 1 / 255, into: $0)
                        }
                    }
                }
            }
            return (Self.cpuSeconds() - start) / Double(draws * width * height) * 1e9
        }
        var reference = [Double](), fast = [Double]()
        for _ in 0..<7 {
            reference.append(nanosecondsPerPixel(fast: false))
            fast.append(nanosecondsPerPixel(fast: true))
        }
        let (r, f) = (reference.sorted()[3], fast.sorted()[3])
        print(String(format: "augmentation, 64×64 coursework draws, CPU ns per output pixel (median of 7): reference %.2f, fast %.2f, %.2f× less", r, f, r / f))
    }

    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
