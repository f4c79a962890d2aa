import CNNCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of a class-per-subfolder dataset, listed with `flow_from_directory`'s rules (see
/// `DirectoryDataset`), and every problem with the folder itself as an `ImageError`.
public struct DatasetListing {
    /// Extensions read (lower case): what Keras accepts and CNNViz can decode.
    public static let extensions: Set<String> = ["png", "jpg", "jpeg"]
    /// Extensions Keras accepts that CNNViz does not decode: reported, not read.
    public static let unsupportedKerasExtensions: Set<String> = ["bmp", "ppm", "tif", "tiff"]

    public let classNames: [String]
    public let files: [URL]
    public let labels: [Int]
    /// Per class, the number of files.
    public let perClass: [Int]
    /// Lines about files left out because CNNViz cannot decode their format.
    public let ignoredNotes: [String]

    public init(directory: URL, minimumClasses: Int = 1) throws {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isFolder) else {
            throw ImageError(.missingFolder, path: directory.path, reason: "no such folder",
                             hint: "Check the path; it should hold one subfolder per class, e.g. training_set/cats and training_set/dogs")
        }
        guard isFolder.boolValue else {
            throw ImageError(.missingFolder, path: directory.path, reason: "this is a file, not a folder",
                             hint: "Give the folder that holds one subfolder per class")
        }
        let entries = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        let classNames = entries.filter { name in
            var sub: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &sub) && sub.boolValue
        }.sorted(by: Self.pythonOrder)
        guard !classNames.isEmpty else {
            throw ImageError(.noClasses, path: directory.path, reason: "the folder has no class subfolders",
                             hint: "Put each class's images in its own subfolder, e.g. \(directory.lastPathComponent)/cats and \(directory.lastPathComponent)/dogs")
        }
        guard classNames.count >= minimumClasses else {
            throw ImageError(.tooFewClasses, path: directory.path,
                             reason: "found \(classNames.count) class folder\(classNames.count == 1 ? "" : "s") (\(classNames.joined(separator: ", "))) but at least \(minimumClasses) are needed",
                             hint: "Add a subfolder for each other class (e.g. cats and dogs), or point to the folder above them")
        }
        var files = [URL](), labels = [Int](), perClass = [Int](), ignored = [String: Int]()
        for (index, name) in classNames.enumerated() {
            let classFolder = directory.appendingPathComponent(name)
            let found = Self.imageFiles(in: classFolder, ignored: &ignored)
            guard !found.isEmpty else {
                throw ImageError(.emptyClass, path: classFolder.path, reason: "class folder '\(name)' holds no .png, .jpg or .jpeg images",
                                 hint: "Put the class's images in it, or remove the folder")
            }
            files += found
            labels += [Int](repeating: index, count: found.count)
            perClass.append(found.count)
        }
        self.classNames = classNames
        self.files = files
        self.labels = labels
        self.perClass = perClass
        self.ignoredNotes = ignored.keys.sorted().map { ext in
            "note: left out \(ignored[ext] ?? 0) .\(ext) file(s) that Keras would read; convert them to .png to use them"
        }
    }

    /// Image files under `folder`, recursively: folders in sorted path order, files sorted by
    /// name within each (Keras' `_iter_valid_files`). Symbolic links to folders are not followed.
    static func imageFiles(in folder: URL, ignored: inout [String: Int]) -> [URL] {
        let fm = FileManager.default
        var result = [URL]()
        var pending = [folder]
        var folders = [URL]()
        while let current = pending.popLast() {
            folders.append(current)
            for name in (try? fm.contentsOfDirectory(atPath: current.path)) ?? [] where !name.hasPrefix(".") {
                let url = current.appendingPathComponent(name)
                if let values = try? url.resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey]),
                   values.isDirectory == true, values.isSymbolicLink != true {
                    pending.append(url)
                }
            }
        }
        for current in folders.sorted(by: { pythonOrder($0.path, $1.path) }) {
            let names = ((try? fm.contentsOfDirectory(atPath: current.path)) ?? []).sorted(by: pythonOrder)
            for name in names where !name.hasPrefix(".") {
                let url = current.appendingPathComponent(name)
                var isFolder: ObjCBool = false
                guard fm.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                let ext = (name as NSString).pathExtension.lowercased()
                if extensions.contains(ext) {
                    result.append(url)
                } else if unsupportedKerasExtensions.contains(ext) {
                    ignored[ext, default: 0] += 1
                }
            }
        }
        return result
    }

    /// What a listed image file is when it is not a regular file (following symbolic links):
    /// "a named pipe (FIFO)", "a socket", "a character device"…; nil for a regular file, or one
    /// that cannot be examined (the loader then reports why).
    ///
    /// A FIFO named `cat.1.jpg` would block open(2) for ever; `RegularFile.read` refuses it
    /// anyway, but checking the whole listing first refuses it before any image is decoded.
    public static func notRegularKind(_ url: URL) -> String? {
        var info = stat()
        guard stat(url.path, &info) == 0, info.st_mode & S_IFMT != S_IFREG else { return nil }
        return RegularFile.kindName(info.st_mode)
    }

    /// Python's string order (by code point), which Keras' `sorted` uses: "B" < "a", "cat.10" < "cat.2".
    static func pythonOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }
}
