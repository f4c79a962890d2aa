import Foundation
import ZIPFoundation

/// Zips made for the bad-file tests.
enum ZipWithout {
    /// A zip holding metadata.json and model.weights.h5 but no config.json.
    static func config(weights: Data) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (name, data) in [("metadata.json", Data("{}".utf8)), ("model.weights.h5", weights)] {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data ?? Data()
    }
}
