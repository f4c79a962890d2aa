import XCTest
@testable import CNNCore
@testable import FastPlan

/// Which form of `plusProduct` (the step of every fast matrix kernel) these tests exercise.
///
/// Native release builds define `CNNVIZ_FMA` (Package.swift) and compute c + a·b with one
/// rounding (fused multiply-add); debug and portable builds round a·b, then the sum. The release
/// binary runs the fused form, so CI also runs these tests in release (`.ci/run`), and this test
/// fails if that run did not get the fused form (or a debug run did).
final class FusedMultiplyAddTests: XCTestCase {
    func testPlusProductFormMatchesTheBuild() {
        // a·b = (1 + ε)(1 − ε) = 1 − ε², exactly. Rounded to Float that is 1, so a·b − 1 is 0;
        // fused, nothing is rounded before the sum and the result is −ε² = −2⁻⁴⁶.
        let e = Float.ulpOfOne
        let a = SIMD8<Float>(repeating: 1 + e), b = SIMD8<Float>(repeating: 1 - e)
        let result = SIMD8<Float>(repeating: -1).plusProduct(a, b)
        let fused = result[0] != 0
        XCTAssertEqual(result[0], fused ? -e * e : 0, "neither the fused nor the separate result")
        #if DEBUG
        let expected = false
        #else
        let expected = ProcessInfo.processInfo.environment["CNNVIZ_PORTABLE"] == nil
        #endif
        print("plusProduct ran as \(fused ? "one fused multiply-add (CNNVIZ_FMA)" : "a multiply, then an add")")
        XCTAssertEqual(fused, expected, "this build should run plusProduct \(expected ? "fused (CNNVIZ_FMA)" : "as multiply then add")")
    }
}
