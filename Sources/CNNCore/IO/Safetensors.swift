import Foundation

/// The safetensors format (huggingface/safetensors), float32 only.
///
/// Layout: a little-endian u64 N, then N bytes of JSON header
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}`
/// (padded with spaces to a multiple of 8), then the tensors' raw little-endian bytes, with
/// offsets relative to the end of the header. Python reads it with `safetensors.numpy.load_file`.
public enum Safetensors {
    /// The bytes of a file holding the named tensors, in the order given.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) -> Data {
        var data = header(tensors, metadata: metadata)
        data.reserveCapacity(data.count + tensors.reduce(0) { $0 + $1.tensor.count * 4 })
        for (_, tensor) in tensors {
            tensor.data.withUnsafeBytes { data.append(contentsOf: $0) }  // little-endian host, see LittleEndian.swift
        }
        return data
    }

    /// The same bytes as `encode`, written straight from the tensors to a new file at `url`:
    /// no copy of the whole file in memory (a checkpoint is 47 MB; building it as `Data` first
    /// cost more than writing it).
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CNNError.writeFailed(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        try header(tensors, metadata: metadata).withUnsafeBytes { try writeAll(fd, $0, path: url.path) }
        for (_, tensor) in tensors {
            try tensor.data.withUnsafeBytes { try writeAll(fd, $0, path: url.path) }
        }
    }

    /// write(2) until every byte is out (it may write less than asked, or be interrupted).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw CNNError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
            done += n
        }
    }

    /// The u64 length and the JSON header, padded to a multiple of 8 bytes.
    static func header(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) -> Data {
        var header: [String: JSONValue] = [:]
        var offset = 0
        for (name, tensor) in tensors {
            let size = tensor.count * 4
            header[name] = .object(["dtype": .string("F32"), "shape": .ints(tensor.shape),
                                    "data_offsets": .ints([offset, offset + size])])
            offset += size
        }
        if !metadata.isEmpty { header["__metadata__"] = .object(metadata.mapValues { .string($0) }) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var json = (try? encoder.encode(JSONValue.object(header))) ?? Data("{}".utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        return data
    }

    /// Reads every tensor of a safetensors file, checking each offset against the file's size.
    public static func decode(_ data: Data, path: String) throws -> [String: Tensor] {
        func bad(_ reason: String) -> CNNError { .badWeights(path: path, reason: reason) }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw bad("the file is \(bytes.count) bytes long, too short for a safetensors header") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(bytes.count - 8) else { throw bad("the header claims \(n) bytes but the file is truncated") }
        guard n <= UInt64(Limits.maxJSONBytes) else {
            throw bad("the header claims \(n) bytes, more than the \(Limits.maxJSONBytes) allowed for a header")
        }
        let headerEnd = 8 + Int(n)
        guard let header = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes[8..<headerEnd])),
              let entries = header.objectValue else { throw bad("the header is not valid JSON") }
        if let name = JSONDuplicateKeys.firstDuplicate(in: bytes[8..<headerEnd]) {
            throw bad("the header lists tensor '\(name)' twice")
        }
        let payload = bytes.count - headerEnd
        var result: [String: Tensor] = [:]
        for (name, entry) in entries where name != "__metadata__" {
            guard let fields = entry.objectValue, fields["dtype"]?.stringValue == "F32" else {
                throw bad("tensor '\(name)' is not F32 (only float32 weights are supported)")
            }
            guard let shapeList = fields["shape"]?.arrayValue, let offsetList = fields["data_offsets"]?.arrayValue,
                  case let shape = shapeList.compactMap(\.intValue), shape.count == shapeList.count,
                  case let offsets = offsetList.compactMap(\.intValue), offsets.count == 2, offsetList.count == 2,
                  shape.allSatisfy({ $0 >= 0 }) else {
                throw bad("tensor '\(name)' has no valid shape or data_offsets (lists of whole numbers, sizes at least 0)")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= payload else {
                throw bad("tensor '\(name)' lies past the end of the file (the file is truncated)")
            }
            guard let count = checkedElementCount(shape) else { throw bad("tensor '\(name)' has an impossible shape \(shape)") }
            guard end - begin == count * 4 else { throw bad("tensor '\(name)' has \(end - begin) bytes for shape \(shape)") }
            result[name] = Tensor(shape: shape, data: LittleEndian.floats(bytes, from: headerEnd + begin, count: count))
        }
        return result
    }
}
