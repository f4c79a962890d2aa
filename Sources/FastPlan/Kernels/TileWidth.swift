import CKernelShims

/// How many floats one register of a fast kernel's tile holds: 8 (AVX2's 256-bit registers, and
/// the portable build) or 16 (AVX-512's 512-bit registers). The kernels are written with Swift's
/// SIMD8 and SIMD16 types; the compiler turns each into the machine's vector instructions (a
/// SIMD16 becomes two AVX2 registers, or four NEON ones on arm64), so both widths give correct
/// results everywhere, and the tests run both. Only speed depends on the choice: a 16-wide tile
/// on an AVX2 machine needs twice the registers it has, and an 8-wide tile on an AVX-512
/// machine leaves half of every register unused (measured: half the FMA throughput).
public enum TileWidth: String, Sendable, CaseIterable {
    case narrow
    case wide

    /// Floats per vector register.
    public var floats: Int { self == .wide ? 16 : 8 }

    /// The width the fast kernels use on this machine, decided once at start-up: wide when the
    /// CPU has AVX-512 (a cpuid check) and this build is compiled for the CPU it runs on (the
    /// native release build, `CNNVIZ_FMA`; a portable build has no 512-bit instructions to use).
    public static let preferred: TileWidth = {
        #if CNNVIZ_FMA
        return cnnviz_cpu_has_avx512f() == 1 ? .wide : .narrow
        #else
        return .narrow
        #endif
    }()

    /// The vector unit the kernels use, for benchmark output and README figures.
    public var machineDescription: String {
        #if arch(arm64)
        return "NEON (4 floats per register; SIMD8 tiles)"
        #else
        return self == .wide ? "AVX-512 (16 floats per register)" : "AVX2 or older (8 floats per register)"
        #endif
    }
}

extension Gemm {
    /// 16 floats from `p` (any alignment): one 512-bit load with AVX-512.
    @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// Stores 16 floats at `p` (any alignment).
    @inline(__always)
    static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}

extension SIMD16 where Scalar == Float {
    /// self + a·b, as `SIMD8.plusProduct`: one FMA instruction in native builds.
    @inline(__always)
    func plusProduct(_ a: Self, _ b: Self) -> Self {
        #if CNNVIZ_FMA
        return addingProduct(a, b)
        #else
        return self + a * b
        #endif
    }
}
