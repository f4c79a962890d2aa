import Foundation

/// Writes that never leave a half-written file or folder where the real one should be.
///
/// Everything is written beside its destination under a temporary name, then renamed into place:
/// a crash leaves either the old file or the new one, never a mixture.
public enum AtomicWrite {
    /// Writes `data` to `url` through a temporary file in the same folder.
    public static func file(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: temp)
            // rename(2) replaces the destination in one step; FileManager's replaceItemAt does not on Linux.
            guard rename(temp.path, url.path) == 0 else {
                throw CNNError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw CNNError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Fills a fresh temporary folder with `fill`, then puts it at `url`, replacing any folder there.
    ///
    /// The old folder is moved aside first and removed only after the new one is in place.
    public static func folder(at url: URL, _ fill: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = url.deletingLastPathComponent()
        let tag = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let temp = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(tag)")
        let old = parent.appendingPathComponent(".\(url.lastPathComponent).old-\(tag)")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try fm.createDirectory(at: temp, withIntermediateDirectories: false)
        } catch {
            throw CNNError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
        do {
            try fill(temp)
        } catch {
            try? fm.removeItem(at: temp)
            throw error
        }
        do {
            let existed = fm.fileExists(atPath: url.path)
            if existed { try fm.moveItem(at: url, to: old) }
            do {
                try fm.moveItem(at: temp, to: url)
            } catch {
                if existed { try? fm.moveItem(at: old, to: url) }  // put the user's folder back
                throw error
            }
            if existed { try? fm.removeItem(at: old) }
        } catch {
            try? fm.removeItem(at: temp)
            throw CNNError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }
}
