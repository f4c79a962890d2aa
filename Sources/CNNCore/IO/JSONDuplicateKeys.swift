import Foundation

/// Finds a key that a JSON object lists twice, which `JSONDecoder` accepts silently (it keeps
/// one of the values): in a safetensors header two tensors of the same name mean a damaged or
/// crafted file, and whichever one won would be a guess.
enum JSONDuplicateKeys {
    /// The first key the top-level object of `bytes` repeats, or nil (also for text that is not
    /// an object: the JSON decoder reports that).
    static func firstDuplicate(in bytes: ArraySlice<UInt8>) -> String? {
        var i = bytes.startIndex
        func skipSpace() { while i < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 } }
        /// Moves past a string that starts at `i` (a quote); returns its raw bytes with the quotes.
        func skipString() -> ArraySlice<UInt8>? {
            let start = i
            i += 1
            while i < bytes.endIndex {
                switch bytes[i] {
                case UInt8(ascii: "\\"): i += 2
                case UInt8(ascii: "\""): i += 1; return bytes[start..<i]
                default: i += 1
                }
            }
            return nil
        }
        /// Moves past one value: a string, or anything up to the comma or brace that ends it at depth 0.
        func skipValue() {
            var depth = 0
            while i < bytes.endIndex {
                switch bytes[i] {
                case UInt8(ascii: "\""): _ = skipString(); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return }
                    depth -= 1
                case UInt8(ascii: ","): if depth == 0 { return }
                default: break
                }
                i += 1
            }
        }
        skipSpace()
        guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var seen = Set<String>()
        while true {
            skipSpace()
            guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "\""), let raw = skipString() else { return nil }
            let key = (try? JSONDecoder().decode(String.self, from: Data(raw))) ?? String(decoding: raw, as: UTF8.self)
            guard seen.insert(key).inserted else { return key }
            skipSpace()
            guard i < bytes.endIndex, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipValue()
            guard i < bytes.endIndex, bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
    }
}
