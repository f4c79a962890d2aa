#if canImport(Glibc)
import Glibc
#endif

/// Keeps the big feature-map arrays in the heap between training steps (Linux/glibc only).
///
/// Every step allocates and frees arrays of 16 MB (the coursework's conv output for a batch of
/// 32). By default glibc gives blocks that large back to the kernel on free (mmap/munmap, or by
/// trimming the heap), so the next step page-faults them in again and the kernel zeroes every
/// page: measured as ~18% of a training step's CPU time in `clear_page`/page-fault handlers.
/// Raising the mmap threshold to its maximum (32 MB) and the trim threshold to 1 GB keeps the
/// freed blocks for reuse. The resident size then stays at its peak instead of dipping between
/// steps; the peak itself does not grow. `mallopt` is looked up with `dlsym` because Swift's
/// Glibc module does not export it.
public enum Allocator {
    /// Applied once, when first read. The `cnnviz` executable reads it at start-up; a library
    /// never changes the process's malloc settings behind its caller's back.
    public static let keepLargeBlocks: Bool = {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let M_TRIM_THRESHOLD: Int32 = -1, M_MMAP_THRESHOLD: Int32 = -3  // from glibc's malloc.h
        return mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1 && mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1
        #else
        return false
        #endif
    }()
}
