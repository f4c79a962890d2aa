import CNNCore
import Foundation

/// Reading and writing image files, choosing PNG or JPEG by content (read) or extension (write).
public enum ImageFile {
    /// The formats `read` recognises from the first bytes of a file.
    public enum Format: Sendable { case png, jpeg }

    /// Which format the bytes are, from their signature; nil if neither.
    public static func sniff(_ data: Data) -> Format? {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if data.starts(with: [0xFF, 0xD8]) { return .jpeg }
        return nil
    }

    /// Reads a PNG or JPEG file (whatever its extension says) as 8-bit RGB.
    public static func read(_ url: URL) throws -> RGBImage {
        let data = try readData(url)
        return try decode(data, path: url.path)
    }

    /// Decodes PNG or JPEG bytes, sniffing the format. `path` names the file in errors.
    public static func decode(_ data: Data, path: String) throws -> RGBImage {
        switch try format(of: data, path: path) {
        case .png: return try PNGCodec.decode(data, path: path)
        case .jpeg: return try JPEGCodec.decode(data, path: path)
        }
    }

    /// Writes `.png` or `.jpg`/`.jpeg` (chosen by extension) atomically: a crash never leaves
    /// half a file.
    public static func write(_ image: RGBImage, to url: URL) throws {
        let data: Data
        switch url.pathExtension.lowercased() {
        case "png": data = try PNGCodec.encode(image)
        case "jpg", "jpeg": data = try JPEGCodec.encode(image)
        default:
            throw ImageError(.invalidArgument, path: url.path, reason: "cannot tell the image format from the extension '.\(url.pathExtension)'",
                             hint: "Name the file .png or .jpg")
        }
        try writeAtomically(data, to: url)
    }

    /// Writes through CNNCore's `AtomicWrite.file` (temporary file, then rename(2)): a crash
    /// leaves the old file or the new one. Failures become an `ImageError` naming the image.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        do {
            try AtomicWrite.file(data, to: url)
        } catch let refused as OutputRefused {
            throw refused  // not a disk problem: the path is the user's
        } catch {
            throw ImageError(.writeFailed, path: url.path, reason: "could not write the image (\(error))",
                             hint: "Check that the folder exists and is writable, and that the disk has room")
        }
    }

    /// The largest image file read: 256 MB, far above any photo (a 24-megapixel JPEG is about
    /// 10 MB, an uncompressed 100-megapixel PNG 300 MB but refused by `Shim.maxPixels` anyway).
    /// A bigger file is almost surely not meant as one image, and would be read whole into memory.
    public static let maxFileBytes = 256 << 20

    /// The file's bytes, or an error naming it.
    ///
    /// Through CNNCore's `RegularFile.read`: stat, open with O_NONBLOCK, fstat, then one read
    /// until the end. A FIFO, socket or device named `x.jpg` is refused instead of blocking
    /// open(2) forever; a symbolic link to a regular file is fine. (One open and one fstat also
    /// read a folder of 2,000 small photos about 10% faster than `Data(contentsOf:)`.)
    static func readData(_ url: URL) throws -> Data {
        let data: Data
        do {
            data = try RegularFile.read(url, limit: maxFileBytes)
        } catch let problem as RegularFile.Problem {
            throw imageError(problem)
        }
        guard !data.isEmpty else { throw emptyFileError(url.path) }
        return data
    }

    /// A `RegularFile.Problem` in the words of an image file.
    static func imageError(_ problem: RegularFile.Problem) -> ImageError {
        switch problem.kind {
        case .missing:
            return ImageError(.unreadable, path: problem.path, reason: problem.reason, hint: "Check the path and its spelling")
        case .notRegular:
            return ImageError(.unreadable, path: problem.path, reason: problem.reason,
                              hint: "Give the path of a .png or .jpg file")
        case .tooLarge:
            return ImageError(.tooLarge, path: problem.path,
                              reason: problem.reason + " (an image file may have at most \(maxFileBytes >> 20) MB)",
                              hint: "Check that this is an image; shrink it below \(maxFileBytes >> 20) MB if it is")
        case .unreadable:
            return ImageError(.unreadable, path: problem.path, reason: problem.reason, hint: problem.hint)
        }
    }

    /// PNG or JPEG, or an error that says what the bytes look like instead.
    static func format(of data: Data, path: String) throws -> Format {
        guard !data.isEmpty else { throw emptyFileError(path) }
        if let format = sniff(data) { return format }
        let head = data.prefix(64)
        let looksLikeText = head.allSatisfy { $0 == 9 || $0 == 10 || $0 == 13 || (32..<127).contains($0) }
        let what = looksLikeText ? "it looks like text" : "its first bytes are " + head.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")
        throw ImageError(.unknownFormat, path: path, reason: "not a PNG or JPEG image (\(what))",
                         hint: ImageError.replaceOrSkip)
    }

    static func emptyFileError(_ path: String) -> ImageError {
        ImageError(.emptyFile, path: path, reason: "the file is empty (0 bytes)", hint: ImageError.replaceOrSkip)
    }
}
