import Foundation

/// NumPy's `.npy` format, version 1.0, for float32 arrays (dtype `<f4`, C order).
///
/// Layout (numpy.lib.format): the magic "\x93NUMPY", version bytes 1 0, a little-endian u16
/// header length, an ASCII Python-dict header padded with spaces and ending in "\n" so that
/// the data starts at a multiple of 64 bytes, then the raw little-endian values.
public enum NPY {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The bytes of a `.npy` file holding `tensor`.
    public static func encode(_ tensor: Tensor) -> Data {
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic)
        data.append(contentsOf: [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        tensor.data.withUnsafeBytes { data.append(contentsOf: $0) }  // little-endian host, see LittleEndian.swift
        return data
    }

    /// Reads a float32, C-order `.npy` file (version 1.0 or 2.0).
    public static func decode(_ data: Data, path: String = "array.npy") throws -> Tensor {
        func bad(_ reason: String) -> CNNError {
            .invalidInput("\(path) is not a float32 .npy file: \(reason)", hint: "write it with numpy.save(path, array.astype('<f4'))")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw bad("the NumPy magic bytes are missing") }
        let major = bytes[6]
        var headerStart = 10
        var headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        if major >= 2 {
            guard bytes.count >= 12 else { throw bad("the header is cut off") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        guard bytes.count >= headerStart + headerLength else { throw bad("the header is cut off") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '<f4'") else { throw bad("dtype is not '<f4'") }
        guard header.contains("'fortran_order': False") else { throw bad("Fortran order is not supported") }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw bad("the shape is missing")
        }
        let shape = try header[open.upperBound..<close].split(separator: ",").map { part -> Int in
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n >= 0 else { throw bad("the shape is not a list of sizes") }
            return n
        }
        guard let count = checkedElementCount(shape) else { throw bad("the shape \(shape) is impossible") }
        let start = headerStart + headerLength
        guard bytes.count - start == count * 4 else {
            throw bad("expected \(count * 4) bytes of data for shape \(shape), found \(bytes.count - start)")
        }
        return Tensor(shape: shape, data: LittleEndian.floats(bytes, from: start, count: count))
    }
}
