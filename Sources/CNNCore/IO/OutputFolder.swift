import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why cnnviz will not write to a path: it is not cnnviz's to replace.
public struct OutputRefused: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public let hint: String

    public var description: String { "will not write to \(path): \(reason). \(hint)." }
}

/// Who owns what on disk. A command writes only inside folders it created: each carries an
/// `OutputMarker` listing what cnnviz wrote there. Everything else is the user's and is never
/// replaced, emptied or deleted.
///
/// - A folder to write into (a run folder, a tutorials root) must be new or carry a marker.
/// - A folder replaced whole must be new, or carry a marker that lists every entry inside it
///   (and so on down its subfolders).
/// - A file replaced must be a regular file that its folder's marker lists.
/// - Symbolic links, FIFOs and devices are never ours; a link is never followed to delete.
/// - "", ".", the current folder and its ancestors, "/" and the home folder are never outputs.
/// - `output/` in the current folder is cnnviz's default place: it is marked when first used,
///   and what it held before (its README) is left alone.
public enum OutputFolder {
    /// The default output folder, relative to the current directory.
    public static let defaultRoot = "output"

    /// Refuses a path that must never be an output, whatever it holds.
    public static func checkNotProtected(_ url: URL) throws {
        let raw = url.path
        guard !raw.isEmpty else { throw refused("(empty path)", "an empty path means the current folder", nameNew) }
        let target = resolved(url)
        let cwd = resolved(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        if target == "/" { throw refused(raw, "it is the root of the file system", nameNew) }
        if target == cwd { throw refused(raw, "it is the current folder", nameNew) }
        if cwd.hasPrefix(target + "/") { throw refused(raw, "it holds the current folder", nameNew) }
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty,
           target == resolved(URL(fileURLWithPath: home)) {
            throw refused(raw, "it is your home folder", nameNew)
        }
    }

    /// Creates `url` and any missing folders above it, each with a marker; an existing folder on
    /// the way is used as it is (nothing in it is touched).
    public static func create(_ url: URL) throws {
        // One thread at a time (the training report inspects two images at once, both creating
        // `inspect/`): a second marker written with no entries would drop the first's.
        markerLock.lock()
        defer { markerLock.unlock() }
        let path = url.standardizedFileURL.path
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw refused(path, "it is \(RegularFile.kindName(info.st_mode)), not a folder", chooseOther)
            }
            adoptIfDefault(url)
            return
        }
        let parent = url.standardizedFileURL.deletingLastPathComponent()
        if parent.path != path { try create(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw CNNError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        try OutputMarker(complete: true).write(in: url)
        try register(url.lastPathComponent, in: parent)
    }

    /// A folder that a command writes into entry by entry (a training run, a tutorials root):
    /// created if new; if it exists it must be a real folder that cnnviz made.
    /// With `create: false` it only checks, so a command can refuse before any work and create later.
    public static func claim(_ url: URL, create creating: Bool = true) throws {
        try checkNotProtected(url)
        var info = stat()
        if lstat(url.path, &info) != 0 { return creating ? try create(url) : () }
        adoptIfDefault(url)
        guard info.st_mode & S_IFMT == S_IFDIR else { throw notOurs(url, info) }
        guard OutputMarker.read(in: url) != nil else {
            throw refused(url.path, "this folder was not made by cnnviz (it has no \(OutputMarker.fileName) marker)", chooseOther)
        }
    }

    /// Checks that `url` may be replaced whole: nothing there yet, or a folder everything in
    /// which cnnviz wrote.
    public static func checkReplaceable(_ url: URL) throws {
        try checkNotProtected(url)
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw notOurs(url, info) }
        guard OutputMarker.read(in: url) != nil else {
            throw refused(url.path, "this folder was not made by cnnviz (it has no \(OutputMarker.fileName) marker)", chooseOther)
        }
        if let foreign = foreignEntry(in: url) {
            throw refused(url.path, "it holds \(foreign), which cnnviz did not write", "Move your files out of it, or choose another output path")
        }
    }

    /// Checks that a file may be written at `url`: nothing there yet, or a regular file that the
    /// marker of its folder lists.
    public static func checkFileReplaceable(_ url: URL) throws {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFREG else { throw notOurs(url, info) }
        let folder = url.deletingLastPathComponent()
        guard let marker = OutputMarker.read(in: folder), marker.entries.contains(url.lastPathComponent) else {
            throw refused(url.path, "a file of that name is already there and cnnviz did not write it", chooseOther)
        }
    }

    /// The first entry under `folder` that cnnviz did not write (relative path), or nil.
    public static func foreignEntry(in folder: URL, prefix: String = "") -> String? {
        guard let marker = OutputMarker.read(in: folder) else { return prefix.isEmpty ? "no marker" : prefix }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return prefix + "(unreadable)" }
        for name in names.sorted() where name != OutputMarker.fileName && !isLeftover(name) {
            let child = folder.appendingPathComponent(name)
            var info = stat()
            guard marker.entries.contains(name), lstat(child.path, &info) == 0 else { return prefix + name }
            switch info.st_mode & S_IFMT {
            case S_IFREG: continue
            case S_IFDIR: if let inner = foreignEntry(in: child, prefix: prefix + name + "/") { return inner }
            default: return prefix + name
            }
        }
        return nil
    }

    /// Adds `name` to the marker of `folder`, if the folder has a complete marker (a folder still
    /// being filled lists its entries when it is sealed).
    public static func register(_ name: String, in folder: URL) throws {
        markerLock.lock()
        defer { markerLock.unlock() }
        guard var marker = OutputMarker.read(in: folder), marker.complete, !marker.entries.contains(name) else { return }
        marker.entries.insert(name)
        try marker.write(in: folder)
    }

    /// Writes a complete marker into `folder` and every folder below it, each listing what it holds.
    /// Called on a folder that cnnviz filled under a temporary name, just before it is renamed into place.
    public static func seal(_ folder: URL) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var entries = Set<String>()
        for name in names where name != OutputMarker.fileName && !name.hasPrefix(OutputMarker.fileName + ".tmp-") {
            let child = folder.appendingPathComponent(name)
            var info = stat()
            guard lstat(child.path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: try seal(child); entries.insert(name)
            case S_IFREG: entries.insert(name)
            default: continue  // nothing cnnviz writes is a link or a device
            }
        }
        try OutputMarker(complete: true, entries: entries).write(in: folder)
    }

    /// Deletes a folder cnnviz wrote, entry by entry, never following a symbolic link (a link is
    /// removed, not what it points to). Callers check ownership first.
    public static func removeOwned(_ url: URL) throws {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] {
                try removeOwned(url.appendingPathComponent(name))
            }
            guard rmdir(url.path) == 0 else { throw CNNError.writeFailed(path: url.path, reason: String(cString: strerror(errno))) }
        } else {
            guard unlink(url.path) == 0 else { throw CNNError.writeFailed(path: url.path, reason: String(cString: strerror(errno))) }
        }
    }

    // MARK: - Helpers

    /// Serialises marker updates within the process (`create`, `register`); recursive because
    /// `create` creates missing parents and registers itself.
    static let markerLock = NSRecursiveLock()

    /// A temporary name cnnviz gives a file or folder while writing it (".NAME.tmp-PID-N",
    /// ".NAME.old-PID-N", ".cnnviz-output.tmp-PID-N"), left behind by a killed run.
    static func isLeftover(_ name: String) -> Bool {
        guard name.hasPrefix(".") else { return false }
        for infix in [".tmp-", ".old-"] {
            guard let range = name.range(of: infix, options: .backwards) else { continue }
            let tag = name[range.upperBound...]
            if !tag.isEmpty, tag.allSatisfy({ $0.isNumber || $0 == "-" }) { return true }
        }
        return false
    }
    static let nameNew = "Name a new folder instead, e.g. --output results/run-1"
    static let chooseOther = "Choose another output path (--output), or move it away yourself"

    static func refused(_ path: String, _ reason: String, _ hint: String) -> OutputRefused {
        OutputRefused(path: path, reason: reason, hint: hint)
    }

    static func notOurs(_ url: URL, _ info: stat) -> OutputRefused {
        refused(url.path, "it is \(RegularFile.kindName(info.st_mode)) that cnnviz did not make", chooseOther)
    }

    /// The absolute path with symbolic links resolved where the path exists.
    static func resolved(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    /// Marks `./output` the first time cnnviz uses it (a fresh clone has it with only a README).
    static func adoptIfDefault(_ url: URL) {
        let cwd = resolved(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        guard resolved(url) == cwd + "/" + defaultRoot, OutputMarker.read(in: url) == nil else { return }
        var info = stat()
        guard lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return }
        try? OutputMarker(complete: true).write(in: url)
    }
}
