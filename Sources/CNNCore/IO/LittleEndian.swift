// Both file formats CNNViz writes (.npy `<f4`, safetensors F32) store little-endian floats, the
// memory order of every CPU Swift targets here (x86-64, arm64), so arrays are copied as raw bytes.
#if _endian(big)
#error("CNNViz writes float arrays as raw bytes and assumes a little-endian CPU")
#endif

enum LittleEndian {
    /// `count` floats read from `bytes` starting at byte `offset` (caller checked the bounds).
    static func floats(_ bytes: [UInt8], from offset: Int, count: Int) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count * 4)]))
            }
        }
        return values
    }
}

/// The number of elements of `shape`, or nil when it would overflow (a damaged or hostile header).
func checkedElementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for n in shape {
        guard n >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: n)
        guard !overflow, product < Int.max / 8 else { return nil }
        count = product
    }
    return count
}
