import CHDF5
import CHDF5Shims
import CNNCore
import Foundation

/// A dataset whose values are not float32 (Keras writes float32 unless the model computes in
/// another dtype), with the type it has instead.
struct HDF5TypeMismatch: Error {
    let path: String
    let found: String
}

/// A group of an open HDF5 file: what the Keras readers and writers need of it, nothing more.
/// `path` ("model_weights/dense") names the group in messages.
struct HDF5Group {
    let handle: HDF5Handle
    let path: String

    private func child(_ name: String) -> String { path.isEmpty ? name : "\(path)/\(name)" }

    // MARK: - Reading

    /// Whether `relativePath` ("vars/0", "conv2d/kernel:0") exists, checked one link at a time
    /// (libhdf5 fails, rather than answers no, when an intermediate group is missing).
    func has(_ relativePath: String) -> Bool {
        var prefix = ""
        for part in relativePath.split(separator: "/") {
            prefix += prefix.isEmpty ? String(part) : "/\(part)"
            guard H5Lexists(handle.id, prefix, cnnviz_h5_default()) > 0 else {
                var ignored = [CChar](repeating: 0, count: 8)
                cnnviz_h5_last_error(&ignored, ignored.count)  // clears the stack
                return false
            }
        }
        return !prefix.isEmpty
    }

    /// Opens the group at `relativePath`.
    func group(_ relativePath: String) throws -> HDF5Group {
        HDF5Group(handle: try HDF5Handle(H5Gopen2(handle.id, relativePath, cnnviz_h5_default()), parent: handle,
                                         close: H5Gclose, what: "cannot open the group \(child(relativePath))"),
                  path: child(relativePath))
    }

    /// The names of the group's members (groups and datasets), in name order.
    func memberNames() throws -> [String] {
        var info = H5G_info_t()
        guard H5Gget_info(handle.id, &info) >= 0 else { throw HDF5Error.failed("cannot list the group \(path)") }
        return try (0..<info.nlinks).map { i in
            let size = H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, cnnviz_h5_default())
            guard size >= 0 else { throw HDF5Error.failed("cannot list the group \(path)") }
            var buffer = [CChar](repeating: 0, count: size + 1)
            guard H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, size + 1, cnnviz_h5_default()) >= 0 else {
                throw HDF5Error.failed("cannot list the group \(path)")
            }
            return String(cString: buffer)
        }
    }

    /// The strings of attribute `name` (one for a scalar); nil if the group has no such attribute.
    func strings(attribute name: String) throws -> [String]? {
        var count = 0
        var status: Int32 = 0
        guard let buffer = cnnviz_h5_read_strings(handle.id, name, &count, &status) else {
            switch status {
            case 1: return nil
            case 2: throw HDF5Error(what: "the attribute \"\(name)\" of \(path.isEmpty ? "the file" : path) is not text", detail: "")
            default: throw HDF5Error.failed("cannot read the attribute \"\(name)\" of \(path.isEmpty ? "the file" : path)")
            }
        }
        defer { free(buffer) }
        var strings: [String] = []
        var cursor = buffer
        for _ in 0..<count {
            let s = String(cString: cursor)
            strings.append(s)
            cursor += strlen(cursor) + 1
        }
        return strings
    }

    /// The float32 dataset at `relativePath`: its shape and values in C order. Any other stored
    /// type throws `HDF5TypeMismatch`; more than `Limits.maxTensorElements` values are refused.
    func floats(_ relativePath: String) throws -> (shape: [Int], values: [Float]) {
        let where_ = child(relativePath)
        let dataset = try HDF5Handle(H5Dopen2(handle.id, relativePath, cnnviz_h5_default()), parent: handle,
                                     close: H5Dclose, what: "cannot open the dataset \(where_)")
        let type = try HDF5Handle(H5Dget_type(dataset.id), parent: dataset, close: H5Tclose, what: "cannot read the type of \(where_)")
        let typeClass = H5Tget_class(type.id), bytes = H5Tget_size(type.id)
        guard typeClass == H5T_FLOAT, bytes == 4 else {
            throw HDF5TypeMismatch(path: where_, found: Self.typeName(typeClass, bytes: bytes, signed: H5Tget_sign(type.id) != H5T_SGN_NONE))
        }
        let space = try HDF5Handle(H5Dget_space(dataset.id), parent: dataset, close: H5Sclose, what: "cannot read the shape of \(where_)")
        let rank = H5Sget_simple_extent_ndims(space.id)
        guard rank >= 0, rank <= 8 else { throw HDF5Error.failed("cannot read the shape of \(where_)") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Sget_simple_extent_dims(space.id, &dims, nil) == rank else { throw HDF5Error.failed("cannot read the shape of \(where_)") }
        let shape = dims.map { Int(clamping: $0) }
        guard let count = Limits.product(shape), count <= Limits.maxTensorElements else {
            throw HDF5Error(what: "the dataset \(where_) of shape \(shape) holds more than \(Limits.maxTensorElements) values", detail: "")
        }
        var values = [Float](repeating: 0, count: count)
        if count > 0 {
            let status = values.withUnsafeMutableBytes {
                H5Dread(dataset.id, cnnviz_h5_native_float(), cnnviz_h5_all(), cnnviz_h5_all(), cnnviz_h5_default(), $0.baseAddress)
            }
            guard status >= 0 else { throw HDF5Error.failed("cannot read the values of \(where_)") }
        }
        return (shape, values)
    }

    /// "float64", "int32", … for a type that is not float32.
    static func typeName(_ typeClass: H5T_class_t, bytes: Int, signed: Bool) -> String {
        switch typeClass {
        case H5T_FLOAT: return "float\(bytes * 8)"
        case H5T_INTEGER: return "\(signed ? "" : "u")int\(bytes * 8)"
        case H5T_STRING: return "text"
        default: return "a non-numeric type"
        }
    }

    // MARK: - Writing

    /// Creates the group `name` inside this one.
    func makeGroup(_ name: String) throws -> HDF5Group {
        let d = cnnviz_h5_default()
        return HDF5Group(handle: try HDF5Handle(H5Gcreate2(handle.id, name, d, d, d), parent: handle, close: H5Gclose,
                                                what: "cannot create the group \(child(name))"),
                         path: child(name))
    }

    /// Writes a float32 dataset `name` (little-endian IEEE, as Keras stores weights).
    func writeFloats(_ name: String, shape: [Int], values: [Float]) throws {
        var dims = shape.map { hsize_t($0) }
        let space = try HDF5Handle(H5Screate_simple(Int32(dims.count), &dims, nil), parent: handle, close: H5Sclose,
                                   what: "cannot describe the shape of \(child(name))")
        let d = cnnviz_h5_default()
        let dataset = try HDF5Handle(H5Dcreate2(handle.id, name, cnnviz_h5_ieee_f32le(), space.id, d, d, d), parent: handle,
                                     close: H5Dclose, what: "cannot create the dataset \(child(name))")
        guard !values.isEmpty else { return }
        let status = values.withUnsafeBytes {
            H5Dwrite(dataset.id, cnnviz_h5_native_float(), cnnviz_h5_all(), cnnviz_h5_all(), d, $0.baseAddress)
        }
        guard status >= 0 else { throw HDF5Error.failed("cannot write the dataset \(child(name))") }
    }

    /// Writes a text attribute: a scalar for one string with `scalar`, otherwise a list.
    func writeStrings(attribute name: String, _ values: [String], scalar: Bool = false) throws {
        let copies = values.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer<CChar>($0) }
        let status = pointers.withUnsafeBufferPointer { cnnviz_h5_write_strings(handle.id, name, $0.baseAddress, values.count, scalar ? 1 : 0) }
        guard status >= 0 else { throw HDF5Error.failed("cannot write the attribute \"\(name)\" of \(path)") }
    }

    /// Writes an empty list attribute, as h5py stores Keras' `weight_names` of a layer without weights.
    func writeEmptyList(attribute name: String) throws {
        guard cnnviz_h5_write_empty_list(handle.id, name) >= 0 else {
            throw HDF5Error.failed("cannot write the attribute \"\(name)\" of \(path)")
        }
    }
}
