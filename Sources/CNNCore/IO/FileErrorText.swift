import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file operation's error as words a person reads: the reason, not a Foundation dump.
///
/// `FileManager.createDirectory`, `Data.write` and `moveItem` throw `NSError`s whose
/// `localizedDescription` on Linux reads "The operation could not be completed. (NSCocoaErrorDomain
/// error 512.)". The useful part is the POSIX error underneath (`NSUnderlyingErrorKey`, domain
/// `NSPOSIXErrorDomain`, the errno as its code): `strerror` turns it into "No space left on device".
/// Every place that shows such an error to the user goes through `describe`, so the wording is
/// the same everywhere: "could not write out/x.png: No space left on device".
public enum FileErrorText {
    /// The reason in one phrase, without the path: "Permission denied", "No space left on device".
    ///
    /// Errors that already describe themselves (CNNCore's, ImageFiles's, anything
    /// `CustomStringConvertible` that is not an `NSError`) keep their own text.
    public static func describe(_ error: Error) -> String {
        if let code = posixCode(error) { return String(cString: strerror(code)) }
        if let cocoa = error as? CocoaError, let words = cocoaWords[cocoa.code] { return words }
        let isFoundationError = error is CocoaError || type(of: error) is NSError.Type
        if !isFoundationError { return String(describing: error) }
        let ns = error as NSError
        return "the operation failed (\(ns.domain) code \(ns.code))"
    }

    /// Foundation's file error codes that come without an errno, in strerror's words.
    static let cocoaWords: [CocoaError.Code: String] = [
        .fileNoSuchFile: "No such file or directory", .fileReadNoSuchFile: "No such file or directory",
        .fileWriteOutOfSpace: "No space left on device", .fileWriteNoPermission: "Permission denied",
        .fileReadNoPermission: "Permission denied", .fileWriteFileExists: "File exists",
        .fileWriteVolumeReadOnly: "Read-only file system",
    ]

    /// The errno behind a Foundation file error, if there is one: the error itself when its
    /// domain is NSPOSIXErrorDomain, else its underlying error's (searched a few levels down).
    ///
    /// On Linux the underlying error is stored as a Swift `POSIXError`, which `as? NSError` does
    /// not find; it is read as `Error` first.
    public static func posixCode(_ error: Error) -> Int32? {
        var current: Error? = error
        var depth = 0
        while let next = current, depth < 4 {
            if let posix = next as? POSIXError { return posix.code.rawValue }
            let ns = next as NSError
            if ns.domain == NSPOSIXErrorDomain, ns.code > 0, ns.code < Int(Int32.max) { return Int32(ns.code) }
            current = ns.userInfo[NSUnderlyingErrorKey] as? Error
            depth += 1
        }
        return nil
    }
}
