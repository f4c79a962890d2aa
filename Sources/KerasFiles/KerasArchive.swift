import CNNCore
import Foundation
import ZIPFoundation

/// The zip of a .keras file (Keras 3's `saving_lib`): `metadata.json`, `config.json` and
/// `model.weights.h5`, stored uncompressed as Keras writes them. Read and written in memory.
enum KerasArchive {
    static let configMember = "config.json"
    static let metadataMember = "metadata.json"
    static let weightsMember = "model.weights.h5"

    struct Members {
        var config: Data
        var weights: Data
        /// Keras does not need it to load a model; nil when absent.
        var metadata: Data?
    }

    /// The config and weights of a .keras file's bytes; `path` names it in errors. Each member's
    /// CRC is checked, so a damaged archive is refused here rather than read as wrong numbers.
    static func read(_ bytes: Data, path: String) throws -> Members {
        let archive: Archive
        do {
            archive = try Archive(data: bytes, accessMode: .read)
        } catch {
            throw KerasFileError.corruptZip(path: path, detail: "its table of contents cannot be read")
        }
        func member(_ name: String, limit: Int) throws -> Data {
            guard let entry = archive[name] else { throw KerasFileError.missingMember(path: path, member: name) }
            guard entry.uncompressedSize <= UInt64(limit) else {
                throw KerasFileError.corruptZip(path: path, detail: "\(name) says it holds \(entry.uncompressedSize) bytes, more than the \(limit) CNNViz reads")
            }
            var data = Data()
            do {
                // ZIPFoundation compares the CRC of deflated members only; Keras stores them.
                let checksum = try archive.extract(entry, bufferSize: 1 << 20) { data.append($0) }
                guard checksum == entry.checksum else { throw Archive.ArchiveError.invalidCRC32 }
            } catch {
                throw KerasFileError.corruptZip(path: path, detail: "\(name) cannot be extracted: \(describe(error))")
            }
            return data
        }
        let config = try member(configMember, limit: Limits.maxJSONBytes)
        let weights = try member(weightsMember, limit: Limits.maxWeightsBytes)
        let metadata = archive[metadataMember] == nil ? nil : try member(metadataMember, limit: Limits.maxJSONBytes)
        return Members(config: config, weights: weights, metadata: metadata)
    }

    /// The bytes of a .keras zip holding the three members, dated as Keras dates its JSON
    /// members (1980-01-01, the zip epoch), so the same model gives the same bytes.
    static func write(config: Data, metadata: Data, weights: Data, path: String) throws -> Data {
        do {
            let archive = try Archive(accessMode: .create)
            let epoch = Date(timeIntervalSince1970: 315_532_800)
            for (name, data) in [(metadataMember, metadata), (configMember, config), (weightsMember, weights)] {
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), modificationDate: epoch,
                                     compressionMethod: .none) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let bytes = archive.data else { throw CNNError.writeFailed(path: path, reason: "the zip archive was not made") }
            return bytes
        } catch let error as CNNError {
            throw error
        } catch {
            throw CNNError.writeFailed(path: path, reason: "the zip archive could not be made (\(describe(error)))")
        }
    }

    /// ZIPFoundation's errors in words.
    static func describe(_ error: Error) -> String {
        switch error {
        case Archive.ArchiveError.invalidCRC32: return "its checksum does not match its bytes"
        case Archive.ArchiveError.invalidCompressionMethod: return "it is compressed in a way zip readers do not know"
        case Archive.ArchiveError.invalidEntryPath: return "a member has an invalid name"
        default: return "\(error)"
        }
    }
}
