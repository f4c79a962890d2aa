import Foundation

/// Why an image could not be read, written or used: names the file and says what to do.
///
/// The command line prints `description` as one line, so a student with a bad file in a
/// 2,000-image folder learns which file it is and how to get past it.
public struct ImageError: Error, CustomStringConvertible, Equatable {
    /// What kind of problem it is, for code that wants to react (tests, `--skip-bad-images`).
    public enum Kind: Sendable, Equatable {
        case emptyFile, unknownFormat, corrupt, truncated, tooLarge, unreadable, writeFailed
        case missingFolder, noClasses, tooFewClasses, emptyClass, invalidArgument
    }

    public let kind: Kind
    /// The file or folder at fault.
    public let path: String
    /// What is wrong with it.
    public let reason: String
    /// What to do about it.
    public let hint: String

    public init(_ kind: Kind, path: String, reason: String, hint: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
        self.hint = hint
    }

    public var description: String { "\(path): \(reason). \(hint)" }

    /// The usual hint for a file that cannot be decoded.
    ///
    /// The hints name no command-line flag: `predict`, `inspect`, `augment` and `bench decode`
    /// read images too and have no `--skip-bad-images`. The one loader that honours that flag
    /// (`DirectoryDataset`) adds it with `suggestingSkip()`.
    static let replaceOrSkip = "Replace or delete the file"
    /// The hint for a header that lies about its size.
    static let damagedHint = "The file is damaged or not a photo: replace or delete it"
    /// The hint for a file cut short.
    static let truncatedHint = "Copy or download the file again, or delete it"
    /// What `suggestingSkip()` appends.
    static let skipAdvice = "or pass --skip-bad-images to leave such files out"

    /// The same error with the advice to pass `--skip-bad-images`, for loaders that take it.
    public func suggestingSkip() -> ImageError {
        guard !hint.contains("--skip-bad-images") else { return self }
        return ImageError(kind, path: path, reason: reason, hint: hint + ", " + Self.skipAdvice)
    }
}
