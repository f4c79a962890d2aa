import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file only if it is a regular file, and never blocks on anything else.
///
/// A FIFO named `x.jpg` blocks open(2) forever, and a device can hand out endless bytes, so
/// every file cnnviz reads (images, lessons, model.json, weights, checkpoints) comes through here:
/// `stat` first, then `open` with `O_NONBLOCK` (a FIFO that appears after the check still cannot
/// block), then `fstat` on the open descriptor to confirm it is the regular file that was checked.
public enum RegularFile {
    /// Why a file could not be read: names the file, says what it is instead, and what to do.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public enum Kind: Sendable, Equatable { case missing, notRegular, tooLarge, unreadable }
        public let kind: Kind
        public let path: String
        public let reason: String
        public let hint: String

        public var description: String { "\(path): \(reason). \(hint)." }
    }

    /// The whole file, if it is a regular file of at most `limit` bytes.
    public static func read(_ url: URL, limit: Int) throws -> Data {
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else { throw openProblem(path, errno) }
        try checkRegular(info, path: path)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw openProblem(path, errno) }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { throw unreadable(path, errno) }
        try checkRegular(info, path: path)
        let size = Int(info.st_size)
        guard size <= limit else {
            throw Problem(kind: .tooLarge, path: path,
                          reason: "the file has \(size) bytes, more than the \(limit) bytes allowed for it",
                          hint: "Check that this is the file you meant")
        }
        var data = Data(count: size)
        var total = 0
        let failure: Int32? = data.withUnsafeMutableBytes { raw -> Int32? in
            guard let base = raw.baseAddress else { return nil }
            while total < size {
                #if canImport(Glibc)
                let n = Glibc.read(fd, base + total, size - total)
                #else
                let n = Darwin.read(fd, base + total, size - total)
                #endif
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if n == 0 { break }  // the file shrank while being read
                total += n
            }
            return nil
        }
        if let code = failure { throw unreadable(path, code) }
        if total < size { data.removeSubrange(total..<size) }
        return data
    }

    /// What kind of file system entry `mode` is, in words ("a named pipe (FIFO)").
    public static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    static func checkRegular(_ info: stat, path: String) throws {
        guard info.st_mode & S_IFMT == S_IFREG else {
            let what = kindName(info.st_mode)
            throw Problem(kind: .notRegular, path: path, reason: "this is \(what), not a file that can be read",
                          hint: info.st_mode & S_IFMT == S_IFDIR ? "Give the path of a file inside it" : "Give the path of a regular file")
        }
    }

    static func openProblem(_ path: String, _ code: Int32) -> Problem {
        if code == ENOENT || code == ENOTDIR {
            return Problem(kind: .missing, path: path, reason: "no such file", hint: "Check the path and its spelling")
        }
        if code == EACCES || code == EPERM {
            return Problem(kind: .unreadable, path: path, reason: "permission denied", hint: "Check the file's permissions")
        }
        return unreadable(path, code)
    }

    static func unreadable(_ path: String, _ code: Int32) -> Problem {
        Problem(kind: .unreadable, path: path, reason: "the file cannot be read (\(String(cString: strerror(code))))",
                hint: "Check the file and the disk")
    }
}
