import CHDF5
import CHDF5Shims
import Foundation

/// An HDF5 file held in memory: opened from bytes (read) or created empty (write), never a path
/// on disk, so reading a .keras needs no temporary file and writing one leaves none behind.
/// Callers hold `HDF5Library.locked` around everything they do with it.
final class HDF5File {
    let handle: HDF5Handle

    private init(_ handle: HDF5Handle) { self.handle = handle }

    /// Opens the bytes of an HDF5 file, read-only.
    static func open(_ bytes: Data) throws -> HDF5File {
        let id = bytes.withUnsafeBytes { raw in
            cnnviz_h5_open_image(raw.baseAddress, raw.count, HDF5Library.uniqueName())
        }
        return HDF5File(try HDF5Handle(id, parent: nil, close: H5Fclose, what: "not a readable HDF5 file"))
    }

    /// A new, empty file in memory.
    static func create() throws -> HDF5File {
        HDF5File(try HDF5Handle(cnnviz_h5_create_in_memory(HDF5Library.uniqueName()), parent: nil, close: H5Fclose,
                                what: "could not create an HDF5 file in memory"))
    }

    /// The root group "/".
    func root() throws -> HDF5Group {
        HDF5Group(handle: try HDF5Handle(H5Gopen2(handle.id, "/", cnnviz_h5_default()), parent: handle, close: H5Gclose,
                                 what: "cannot open the root group"), path: "")
    }

    /// The file's bytes, as they would be on disk.
    func bytes() throws -> Data {
        let size = cnnviz_h5_file_image(handle.id, nil, 0)
        guard size > 0 else { throw HDF5Error.failed("could not read back the HDF5 file written in memory") }
        var data = Data(count: size)
        let written = data.withUnsafeMutableBytes { cnnviz_h5_file_image(handle.id, $0.baseAddress, size) }
        guard written == size else { throw HDF5Error.failed("could not read back the HDF5 file written in memory") }
        return data
    }
}
