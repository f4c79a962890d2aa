import CNNCore

/// One 8-bit RGB colour.
public struct RGB: Equatable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }

    /// From a hex number, e.g. `RGB(hex: 0x440154)`.
    public init(hex: UInt32) {
        self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF))
    }

    /// "#440154".
    public var hexString: String {
        "#" + [r, g, b].map { v in let s = String(v, radix: 16, uppercase: true); return s.count == 1 ? "0" + s : s }.joined()
    }

    public var tuple: (UInt8, UInt8, UInt8) { (r, g, b) }

    /// Linear mix: t = 0 gives `self`, t = 1 gives `other`.
    public func mixed(with other: RGB, _ t: Double) -> RGB {
        func m(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded().clamped(0, 255)) }
        return RGB(m(r, other.r), m(g, other.g), m(b, other.b))
    }

    public static let white = RGB(255, 255, 255)
    public static let black = RGB(0, 0, 0)
    public static let ink = RGB(33, 37, 41)
    public static let gray = RGB(128, 128, 128)
    public static let lightGray = RGB(222, 226, 230)
    public static let highlight = RGB(255, 140, 0)
    public static let blue = RGB(hex: 0x1F77B4)
    public static let orange = RGB(hex: 0xFF7F0E)
    public static let green = RGB(hex: 0x2CA02C)
    public static let red = RGB(hex: 0xD62728)
}

extension Double {
    func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(Swift.max(self, lo), hi) }
}

/// Maps a number in [0, 1] to a colour.
///
/// - `viridis`: perceptually uniform, dark purple → yellow; used for activations (≥ 0 after ReLU).
/// - `diverging`: blue for negative, white at zero, red for positive (ColorBrewer RdBu, its centre
///   made pure white); used for signed values: kernels, gradients, pre-activation maps. With a
///   symmetric range [−m, m], t = 0.5 is exactly zero, so white means "nothing".
/// - `gray`: black → white; used for image channels.
public enum Colormap: String, CaseIterable, Sendable {
    case viridis, diverging, gray

    /// The colour at t (clamped to [0, 1]); piecewise linear between the map's control points.
    public func color(_ t: Double) -> RGB {
        let t = t.isNaN ? 0 : t.clamped(0, 1)
        switch self {
        case .gray:
            let v = UInt8((t * 255).rounded())
            return RGB(v, v, v)
        case .viridis:
            return Colormap.interpolate(Colormap.viridisStops, t)
        case .diverging:
            return Colormap.interpolate(Colormap.divergingStops, t)
        }
    }

    /// Whether the map is meant for signed data (its range should be symmetric around zero).
    public var isSigned: Bool { self == .diverging }

    static func interpolate(_ stops: [(Double, RGB)], _ t: Double) -> RGB {
        guard let first = stops.first, let last = stops.last else { return .black }
        if t <= first.0 { return first.1 }
        if t >= last.0 { return last.1 }
        var i = 1
        while stops[i].0 < t { i += 1 }
        let (t0, c0) = stops[i - 1], (t1, c1) = stops[i]
        return c0.mixed(with: c1, (t - t0) / (t1 - t0))
    }

    /// Viridis (Smith & van der Walt, matplotlib's default map, CC0): every 8th entry of the
    /// 256-entry table and the last one, at their positions index/255.
    static let viridisStops: [(Double, RGB)] = {
        let table: [(Int, Double, Double, Double)] = [
            (0, 0.267004, 0.004874, 0.329415), (8, 0.277018, 0.050344, 0.375715), (16, 0.282327, 0.094955, 0.417331),
            (24, 0.282884, 0.135920, 0.453427), (32, 0.278826, 0.175490, 0.483397), (40, 0.270595, 0.214069, 0.507052),
            (48, 0.258965, 0.251537, 0.524736), (56, 0.244972, 0.287675, 0.537260), (64, 0.229739, 0.322361, 0.545706),
            (72, 0.214298, 0.355619, 0.551184), (80, 0.199430, 0.387607, 0.554642), (88, 0.185556, 0.418570, 0.556753),
            (96, 0.172719, 0.448791, 0.557885), (104, 0.160665, 0.478540, 0.558115), (112, 0.149039, 0.508051, 0.557250),
            (120, 0.137770, 0.537492, 0.554906), (128, 0.127568, 0.566949, 0.550556), (136, 0.120565, 0.596422, 0.543611),
            (144, 0.120638, 0.625828, 0.533488), (152, 0.132268, 0.655014, 0.519661), (160, 0.157851, 0.683765, 0.501686),
            (168, 0.196571, 0.711827, 0.479221), (176, 0.246070, 0.738910, 0.452024), (184, 0.304148, 0.764704, 0.419943),
            (192, 0.369214, 0.788888, 0.382914), (200, 0.440137, 0.811138, 0.340967), (208, 0.515992, 0.831158, 0.294279),
            (216, 0.595839, 0.848717, 0.243329), (224, 0.678489, 0.863742, 0.189503), (232, 0.762373, 0.876424, 0.137064),
            (240, 0.845561, 0.887322, 0.099702), (248, 0.926106, 0.897330, 0.104071), (255, 0.993248, 0.906157, 0.143936),
        ]
        return table.map { entry in
            func byte(_ v: Double) -> UInt8 { UInt8((v * 255).rounded()) }
            return (Double(entry.0) / 255, RGB(byte(entry.1), byte(entry.2), byte(entry.3)))
        }
    }()

    /// ColorBrewer RdBu (11 classes), reversed so that negative is blue, with a white centre.
    static let divergingStops: [(Double, RGB)] = {
        let hexes: [UInt32] = [0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xFFFFFF,
                               0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F]
        return hexes.enumerated().map { (Double($0.offset) / Double(hexes.count - 1), RGB(hex: $0.element)) }
    }()
}

/// Which values share one colour scale.
///
/// Per map: every tile uses its own min and max (shows the pattern inside each map, hides how
/// strong maps are relative to each other). Per layer: all tiles of one picture share a scale
/// (compare channels). Global: the caller passes one range for several pictures.
public enum Normalization: Equatable, Sendable {
    case perMap
    case perLayer
    case global(ValueRange)
}

/// The numbers a colour scale spans.
public struct ValueRange: Equatable, Sendable {
    public var lo: Float
    public var hi: Float

    public init(lo: Float, hi: Float) { self.lo = lo; self.hi = hi }

    /// The smallest and largest value (0…0 for no values).
    public init<S: Sequence>(of values: S) where S.Element == Float {
        var lo = Float.infinity, hi = -Float.infinity
        for v in values where v.isFinite { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        self.init(lo: lo.isFinite ? lo : 0, hi: hi.isFinite ? hi : 0)
    }

    /// The range made symmetric around zero, [−m, m] with m = max(|lo|, |hi|), for diverging maps.
    public var symmetric: ValueRange {
        let m = Swift.max(abs(lo), abs(hi))
        return ValueRange(lo: -m, hi: m)
    }

    /// The range fitted to a colour map: symmetric for signed maps.
    public func fitted(to map: Colormap) -> ValueRange { map.isSigned ? symmetric : self }

    /// True when lo == hi: every value gets the same colour.
    public var isEmpty: Bool { !(hi > lo) }

    /// Where `v` falls in the range, 0…1 (0 for an empty range).
    public func position(_ v: Float) -> Double {
        guard !isEmpty else { return 0 }
        return ((Double(v) - Double(lo)) / (Double(hi) - Double(lo))).clamped(0, 1)
    }
}

extension Colormap {
    /// The colour of value `v` within `range`.
    /// An empty range gives the map's "nothing" colour: white for signed maps, the low end otherwise.
    public func color(_ v: Float, in range: ValueRange) -> RGB {
        range.isEmpty ? color(isSigned ? 0.5 : 0) : color(range.position(v))
    }
}
