import Foundation

/// The small file cnnviz leaves in every folder it creates: which command made the folder, with
/// which version, and the names of the entries it wrote there.
///
/// It is what lets a command replace its own earlier output and refuse everything else: a folder
/// without a marker, or one holding an entry the marker does not list, belongs to the user.
///
///     {"written_by": "cnnviz inspect", "version": "0.11.0", "complete": true,
///      "entries": ["index.html", "pictures", "tensors", "manifest.json"]}
public struct OutputMarker: Equatable {
    /// The marker's file name inside each folder.
    public static let fileName = ".cnnviz-output"
    /// The version written into markers.
    public static let version = "0.11.0"

    /// The command that made the folder, e.g. "cnnviz inspect".
    public var writtenBy: String
    public var version: String
    /// False while the folder is filled under a temporary name; true once it is whole.
    public var complete: Bool
    /// Names of the entries directly inside the folder that cnnviz wrote.
    public var entries: Set<String>

    public init(writtenBy: String = OutputMarker.writer, complete: Bool, entries: Set<String> = []) {
        self.writtenBy = writtenBy
        self.version = OutputMarker.version
        self.complete = complete
        self.entries = entries
    }

    /// "cnnviz" and the subcommand words it was run with ("cnnviz dataset synth"); "cnnviz"
    /// when called as a library.
    public static let writer: String = {
        let words = ProcessInfo.processInfo.arguments.dropFirst().prefix(2)
            .prefix { !$0.isEmpty && $0.allSatisfy { $0.isLowercase || $0 == "-" } && !$0.hasPrefix("-") }
        return (["cnnviz"] + words).joined(separator: " ")
    }()

    /// The marker in `folder`, or nil when there is none (or it is not a regular file, or not ours).
    public static func read(in folder: URL) -> OutputMarker? {
        let url = folder.appendingPathComponent(fileName)
        guard let data = try? RegularFile.read(url, limit: 16 << 20),
              let object = try? JSONDecoder().decode(JSONValue.self, from: data).objectValue,
              let by = object["written_by"]?.stringValue, by.hasPrefix("cnnviz"),
              let names = object["entries"]?.arrayValue else { return nil }
        var marker = OutputMarker(writtenBy: by, complete: object["complete"]?.boolValue ?? false,
                                  entries: Set(names.compactMap(\.stringValue)))
        marker.version = object["version"]?.stringValue ?? "?"
        return marker
    }

    /// Writes the marker into `folder`, through a temporary file and rename(2).
    public func write(in folder: URL) throws {
        let json = JSONValue.object([
            "written_by": .string(writtenBy), "version": .string(version), "complete": .bool(complete),
            "entries": .array(entries.sorted().map { .string($0) }),
        ]).encodedString() + "\n"
        let url = folder.appendingPathComponent(Self.fileName)
        // A name of its own per write (PID and a random number): two threads writing markers
        // at once must not rename each other's file.
        let temp = folder.appendingPathComponent(Self.fileName + ".tmp-" + AtomicWrite.tag())
        do {
            try Data(json.utf8).write(to: temp)
        } catch {
            unlink(temp.path)
            throw CNNError.writeFailed(path: url.path, reason: FileErrorText.describe(error))
        }
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp.path)
            throw CNNError.writeFailed(path: url.path, reason: reason)
        }
    }
}
