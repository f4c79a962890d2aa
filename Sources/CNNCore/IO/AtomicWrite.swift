import CFileShims
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes that never leave a half-written file or folder where the real one should be, and
/// never replace anything cnnviz did not write (`OutputFolder` holds the rules).
///
/// Everything is written beside its destination under a temporary name, then renamed into place:
/// a kill leaves either the old file or folder or the new one, never a mixture.
public enum AtomicWrite {
    /// Writes `data` to `url` through a temporary file in the same folder. An existing file is
    /// replaced only if cnnviz wrote it (its folder's marker lists it).
    public static func file(_ data: Data, to url: URL) throws {
        try OutputFolder.checkFileReplaceable(url)
        let folder = url.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(tag())")
        do {
            try data.write(to: temp, options: .withoutOverwriting)
        } catch {
            unlink(temp.path)
            throw CNNError.writeFailed(path: url.path, reason: FileErrorText.describe(error))
        }
        KillPoints.reach("\(url.lastPathComponent): written under a temporary name")
        // rename(2) replaces the destination in one step; FileManager's replaceItemAt does not on Linux.
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp.path)
            throw CNNError.writeFailed(path: url.path, reason: reason)
        }
        try OutputFolder.register(url.lastPathComponent, in: folder)
    }

    /// Fills a fresh temporary folder with `fill`, then puts it at `url` in place of the folder
    /// there, if any (which must be cnnviz's: see `OutputFolder.checkReplaceable`).
    ///
    /// The old folder stays whole until the new one is whole: the two are swapped in one step
    /// with renameat2(RENAME_EXCHANGE). Where the system cannot swap, the old folder is renamed
    /// aside first; a kill between the two renames leaves it complete under `.NAME.old-*`, and
    /// the next write there (or `recover`) puts it back.
    public static func folder(at url: URL, _ fill: (URL) throws -> Void) throws {
        let parent = url.deletingLastPathComponent()
        try OutputFolder.checkNotProtected(url)
        try OutputFolder.create(parent)
        recover(url)
        try OutputFolder.checkReplaceable(url)
        let tag = tag()
        let temp = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(tag)")
        guard mkdir(temp.path, 0o755) == 0 else {
            throw CNNError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
        do {
            try OutputMarker(complete: false).write(in: temp)
            try fill(temp)
            try OutputFolder.seal(temp)
        } catch {
            try? OutputFolder.removeOwned(temp)
            throw error
        }
        KillPoints.reach("\(url.lastPathComponent): filled under a temporary name")
        do {
            try put(temp, at: url, tag: tag)
        } catch {
            try? OutputFolder.removeOwned(temp)
            throw error
        }
        try OutputFolder.register(url.lastPathComponent, in: parent)
    }

    /// Moves the complete folder `temp` to `url`, swapping out the folder there.
    static func put(_ temp: URL, at url: URL, tag: String) throws {
        var info = stat()
        guard lstat(url.path, &info) == 0 else {
            guard rename(temp.path, url.path) == 0 else { throw posix(url) }
            KillPoints.reach("\(url.lastPathComponent): renamed into place")
            return
        }
        try OutputFolder.checkReplaceable(url)  // again: it may have changed while we filled
        if !exchangeDisabled, cnnviz_exchange(temp.path, url.path) == 0 {
            // `temp` now holds the old folder, complete; `url` the new one.
            KillPoints.reach("\(url.lastPathComponent): swapped with the old folder")
            try OutputFolder.removeOwned(temp)
            KillPoints.reach("\(url.lastPathComponent): old folder removed")
            return
        }
        let old = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).old-\(tag)")
        guard rename(url.path, old.path) == 0 else { throw posix(url) }
        KillPoints.reach("\(url.lastPathComponent): between the two renames")
        guard rename(temp.path, url.path) == 0 else {
            let error = posix(url)
            rename(old.path, url.path)  // put the old folder back
            throw error
        }
        KillPoints.reach("\(url.lastPathComponent): renamed into place")
        try OutputFolder.removeOwned(old)
        KillPoints.reach("\(url.lastPathComponent): old folder removed")
    }

    /// Tidies what a killed run left beside `url`: if `url` is missing and a complete old copy
    /// (`.NAME.old-*`) is there, it is put back; temporary and old copies of runs that are no
    /// longer alive are removed (only those carrying cnnviz's marker). Returns true if it
    /// restored a folder.
    @discardableResult
    public static func recover(_ url: URL) -> Bool {
        let parent = url.deletingLastPathComponent()
        let name = url.lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return false }
        var restored = false
        let leftovers = names.compactMap { entry -> (url: URL, old: Bool)? in
            for (prefix, old) in [(".\(name).old-", true), (".\(name).tmp-", false)] where entry.hasPrefix(prefix) {
                guard !isAlive(tag: String(entry.dropFirst(prefix.count))) else { return nil }
                return (parent.appendingPathComponent(entry), old)
            }
            return nil
        }
        var info = stat()
        if lstat(url.path, &info) != 0,
           let copy = leftovers.first(where: { $0.old && OutputMarker.read(in: $0.url)?.complete == true }),
           rename(copy.url.path, url.path) == 0 {
            restored = true
        }
        for leftover in leftovers where lstat(leftover.url.path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR {
            if OutputMarker.read(in: leftover.url) != nil {
                try? OutputFolder.removeOwned(leftover.url)
            } else {
                rmdir(leftover.url.path)  // killed before its marker was written: empty
            }
        }
        return restored
    }

    // MARK: - Helpers

    /// Tests set CNNVIZ_NO_RENAME_EXCHANGE=1 to take the two-rename path.
    static let exchangeDisabled = ProcessInfo.processInfo.environment["CNNVIZ_NO_RENAME_EXCHANGE"] == "1"

    /// "<pid>-<random>": names a temporary copy and the process that made it.
    static func tag() -> String { "\(getpid())-\(UInt32.random(in: 0...UInt32.max))" }

    /// Whether the process named in a tag still runs (then its temporary copies are in use).
    static func isAlive(tag: String) -> Bool {
        guard let pid = Int32(tag.prefix { $0 != "-" }), pid > 0 else { return false }
        if pid == getpid() { return false }  // a copy of an earlier process that had our number
        return kill(pid, 0) == 0 || errno == EPERM
    }

    static func posix(_ url: URL) -> CNNError {
        CNNError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
    }
}
