import XCTest
import CNNCore

/// A central-difference gradient check strict enough to catch a 1% error, for layers and models
/// with ReLU and max pooling.
///
/// Each probed value v (an input, a weight, a bias) is moved by ±h and the scalar loss L is
/// recomputed: numeric = (L(v + h) − L(v − h)) / 2h, compared with the analytic gradient from
/// `backward`. The loss is summed in Double from the Float outputs.
///
/// Kinks: ReLU at 0 and max-pooling windows whose two largest values swap. Between kinks a network
/// of linear maps, ReLU and max pooling is linear in any single value, so with a linear output
/// and L = Σ r·y the central difference is exact up to Float rounding. A step across a kink is
/// detected rather than hoped away: the four slopes over half-steps then differ (`kinkFree` is
/// false), and such a probe is left unjudged; `assertAgree` fails the test if more than
/// `atKinksAllowed` of the probes are (choose inputs away from the kinks, not a looser tolerance).
public enum CentralDifference {
    /// Agreement asked of analytic and numeric: |a − n| ≤ relative · max(|n|, floor).
    ///
    /// Why these numbers: outputs are Float32 (rounding 6e-8 relative); a probe changes a few dozen
    /// outputs of size ≤ ~3, so L(v ± h) carry rounding errors of ~1e-6 and the numeric slope, after
    /// dividing by 2h = 2e-2, a few 1e-5 (`assertAgree` prints the worst error of each check: 8e-5
    /// of the 1e-3 allowed, debug and release). 1e-3 of max(|n|, 0.1) allows 1e-4 at the least,
    /// while a gradient 1% off differs by
    /// 1e-2·|n|, more than 1e-3·max(|n|, 0.1) as soon as |n| > 0.01: `assertCatchesOnePercent`
    /// checks that every such probe then fails.
    public static let relative = 1e-3
    public static let floor = 0.1

    /// The analytic gradient agrees with the numeric one (see `relative`).
    public static func agrees(_ analytic: Double, _ numeric: Double) -> Bool {
        abs(analytic - numeric) <= relative * max(abs(numeric), floor)
    }
    /// Smallest |numeric| for which a 1% error must be caught (see `relative`).
    public static let catchesOnePercentAbove = 0.011
    /// The step: large enough that Float rounding of L (~1e-6) is small against h·gradient.
    public static let step: Float = 1e-2
    /// Largest spread of the four slopes over v − h, v − h/2, v, v + h/2, v + h that is still
    /// rounding, not a kink. The loss must be piecewise linear in each probed value (ReLU, max
    /// pooling, linear maps and a linear output: L = Σ r·y), so between kinks these slopes differ
    /// by rounding only, ~1e-6 / (h/2) = 1e-4 (`assertAgree` prints the largest seen). A kink
    /// inside the step bends them by |r·w| ~ 1e-2 to 1 times the part of the half-step beyond it;
    /// one that escapes this test moves the central difference by less than the spread.
    public static let kinkJump = 4e-4
    /// Largest share of probes allowed to sit within a step of a kink (left unjudged, and named
    /// when there are too many). In a layer none do with the inputs chosen; in a model a
    /// first-layer weight moves every unit above it, and a few of those sit within a step of 0 or
    /// of a pooling tie (6% in the models of `GradientThroughReLUTests`).
    public static let atKinksAllowed = 0.1

    /// One probed value: where it lives, its analytic gradient, and how to read and write it.
    public struct Probe {
        public var what: String
        public var analytic: Float
        public var get: () -> Float
        public var set: (Float) -> Void

        public init(what: String, analytic: Float, get: @escaping () -> Float, set: @escaping (Float) -> Void) {
            self.what = what
            self.analytic = analytic
            self.get = get
            self.set = set
        }
    }

    public struct Comparison {
        public var what: String
        public var analytic: Double
        public var numeric: Double
        /// The spread of the slopes over the four half-steps (see `kinkJump`).
        public var jump: Double

        public init(what: String, analytic: Double, numeric: Double, jump: Double) {
            self.what = what
            self.analytic = analytic
            self.numeric = numeric
            self.jump = jump
        }
        /// |a − n| / max(|n|, floor): at most `relative` when they agree.
        public var error: Double { abs(analytic - numeric) / max(abs(numeric), floor) }
        public var agrees: Bool { CentralDifference.agrees(analytic, numeric) }
        public var kinkFree: Bool { jump <= kinkJump }
        /// The same comparison with the analytic gradient multiplied by `factor` (1.01: a 1% error).
        public func scaled(by factor: Double) -> Comparison {
            Comparison(what: what, analytic: analytic * factor, numeric: numeric, jump: jump)
        }
    }

    /// Numeric against analytic for every probe (`kinkFree` false where the step crossed a kink).
    public static func compare(_ probes: [Probe], loss: () throws -> Double) rethrows -> [Comparison] {
        try probes.map { probe in
            let saved = probe.get()
            // The points actually reached in Float (saved ± h rounds).
            let points = [-step, -step / 2, 0, step / 2, step].map { saved + $0 }
            var losses: [Double] = []
            for point in points {
                probe.set(point)
                losses.append(try loss())
            }
            probe.set(saved)
            let slopes: [Double] = (0..<4).map { (i: Int) -> Double in
                let rise: Double = losses[i + 1] - losses[i]
                return rise / Double(points[i + 1] - points[i])
            }
            let numeric: Double = (losses[4] - losses[0]) / Double(points[4] - points[0])
            let jump: Double = (slopes.max() ?? 0) - (slopes.min() ?? 0)
            return Comparison(what: probe.what, analytic: Double(probe.analytic), numeric: numeric, jump: jump)
        }
    }

    /// Probes for the elements of every parameter (about `perParameter` of each, evenly spread),
    /// from the gradients `backward` left.
    public static func parameterProbes(_ parameters: [Parameter], perParameter: Int = .max) -> [Probe] {
        parameters.enumerated().flatMap { (p, parameter) in
            let count = parameter.value.count
            return stride(from: 0, to: count, by: max(1, count / max(1, perParameter))).map { i in
                Probe(what: "\(parameter.name)#\(p)[\(i)]", analytic: parameter.gradient.data[i],
                      get: { parameter.value.data[i] }, set: { parameter.value.data[i] = $0 })
            }
        }
    }

    /// Fails the test for every comparison that disagrees, or if more than `atKinksAllowed` of
    /// the probes sit at kinks.
    public static func assertAgree(_ comparisons: [Comparison], _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(comparisons.isEmpty, "\(context): nothing probed", file: file, line: line)
        let atKinks = comparisons.filter { !$0.kinkFree }
        XCTAssertLessThanOrEqual(Double(atKinks.count), atKinksAllowed * Double(comparisons.count),
                                 "\(context): \(atKinks.count) of \(comparisons.count) probes sit at kinks (\(atKinks.prefix(5).map(\.what))); move the inputs away from them",
                                 file: file, line: line)
        for c in comparisons where c.kinkFree && !c.agrees {
            XCTFail("\(context) \(c.what): analytic \(c.analytic), numeric \(c.numeric)", file: file, line: line)
        }
        let judged = comparisons.filter(\.kinkFree)
        let worst = judged.map(\.error).max() ?? 0
        print("\(context): \(judged.count) of \(comparisons.count) probes judged, worst error \(worst) of \(relative) allowed, largest rounding jump \(judged.map(\.jump).max() ?? 0)")
    }

    /// With the analytic gradients 1% too large, every probe whose gradient is large enough to
    /// judge must fail, and there must be such probes.
    public static func assertCatchesOnePercent(_ comparisons: [Comparison], _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        let scaled = comparisons.map { $0.scaled(by: 1.01) }
        let judged = scaled.filter { $0.kinkFree && abs($0.numeric) >= catchesOnePercentAbove }
        XCTAssertGreaterThan(judged.count, scaled.count / 4, "\(context): too few gradients large enough to judge", file: file, line: line)
        for c in judged where c.agrees {
            XCTFail("\(context) \(c.what): a 1% error passed (analytic×1.01 \(c.analytic), numeric \(c.numeric))", file: file, line: line)
        }
    }
}

/// A tensor the probes can change in place (for input gradients).
public final class TensorBox {
    public var tensor: Tensor
    public init(_ tensor: Tensor) { self.tensor = tensor }

    public func probes(gradient: Tensor, prefix: String = "x") -> [CentralDifference.Probe] {
        tensor.data.indices.map { i in
            CentralDifference.Probe(what: "\(prefix)[\(i)]", analytic: gradient.data[i],
                                    get: { self.tensor.data[i] }, set: { self.tensor.data[i] = $0 })
        }
    }
}
