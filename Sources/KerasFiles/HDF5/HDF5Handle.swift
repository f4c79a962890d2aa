import CHDF5
import CHDF5Shims
import Foundation

/// An HDF5 failure: what we were doing, and libhdf5's own innermost message (never printed by
/// libhdf5 itself: the error stack is silenced and read here instead).
struct HDF5Error: Error, CustomStringConvertible {
    let what: String
    let detail: String

    var description: String { detail.isEmpty ? what : "\(what) (libhdf5: \(detail))" }

    /// The error for a failed call, with the message libhdf5 left on its error stack.
    static func failed(_ what: String) -> HDF5Error {
        var buffer = [CChar](repeating: 0, count: 512)
        cnnviz_h5_last_error(&buffer, buffer.count)
        return HDF5Error(what: what, detail: String(cString: buffer))
    }
}

/// One open libhdf5 identifier (file, group, dataset, dataspace, datatype), closed exactly once
/// when the last reference goes. `parent` keeps the file open while its objects are in use.
final class HDF5Handle {
    let id: hid_t
    private let close: (hid_t) -> herr_t
    private let parent: HDF5Handle?

    /// Takes ownership of `id`; throws (with libhdf5's message) if the call that made it failed.
    init(_ id: hid_t, parent: HDF5Handle?, close: @escaping (hid_t) -> herr_t, what: @autoclosure () -> String) throws {
        guard id >= 0 else { throw HDF5Error.failed(what()) }
        self.id = id
        self.close = close
        self.parent = parent
    }

    deinit { _ = close(id) }
}

/// libhdf5 is called from one thread at a time (Debian's serial build is not thread-safe), and
/// its error stack is silenced before the first call.
enum HDF5Library {
    private static let lock = NSLock()
    private static let silenced: Bool = {
        cnnviz_h5_silence()
        return true
    }()
    private static var counter = 0

    static func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        _ = silenced
        return try body()
    }

    /// A name no other open in-memory file has (libhdf5 would take two files of one name for one).
    static func uniqueName() -> String {
        counter += 1
        return "cnnviz-memory-\(getpid())-\(counter).h5"
    }
}
