import Foundation
import XCTest

/// Runs the built `cnnviz` binary, as a user would, and captures what it prints.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// The signal that ended the process, if one did.
    var signal: Int32? = nil
}

/// Holds the bytes read on another thread (the DispatchGroup orders the write before the read).
final class DataBox: @unchecked Sendable { var data = Data() }

enum CLI {
    /// The folder holding the built products (the test bundle sits beside `cnnviz`).
    static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        fatalError("could not find the products directory")
        #else
        return Bundle.main.bundleURL
        #endif
    }

    /// Runs `cnnviz arguments` in `folder`, with extra environment variables. A run that takes
    /// longer than `timeout` seconds is killed (SIGKILL) and fails the test as a hang.
    @discardableResult
    static func run(_ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:], timeout: Double = 300,
                    allowSignal: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        try launch(binary, arguments, in: folder, environment: environment, timeout: timeout, allowSignal: allowSignal,
                   what: "cnnviz \(arguments)", file: file, line: line)
    }

    /// Runs a shell command line (for pipes and redirections) with the same watchdog.
    static func shell(_ command: String, in folder: URL? = nil, timeout: Double = 30,
                      file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        try launch(URL(fileURLWithPath: "/bin/sh"), ["-c", command], in: folder, timeout: timeout, allowSignal: true,
                   what: command, file: file, line: line)
    }

    /// Runs `executable`, reading both pipes as it runs; a hang is killed and fails the test.
    static func launch(_ executable: URL, _ arguments: [String], in folder: URL?, environment: [String: String] = [:],
                       timeout: Double, allowSignal: Bool, what: String, file: StaticString, line: UInt) throws -> CLIResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let watchdog = Watchdog(pid: process.processIdentifier, seconds: timeout)
        // Read both pipes while the process runs, so a full pipe never blocks it.
        let outBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outBox.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let outData = outBox.data
        process.waitUntilExit()
        let hung = watchdog.finish()
        XCTAssertFalse(hung, "\(what) did not finish within \(timeout) s (a hang)", file: file, line: line)
        if !hung, !allowSignal {
            XCTAssertEqual(process.terminationReason, .exit, "\(what) was killed by a signal (a crash or trap)", file: file, line: line)
        }
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self),
                         signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil)
    }

    /// The binary the tests run: the one built beside the tests, or `CNNVIZ_BINARY` (e.g. a release build).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CNNVIZ_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return productsDirectory.appendingPathComponent("cnnviz")
    }

    /// Every regular file and symlink under `folder` (relative path → bytes, or "-> target" for a
    /// link), to show afterwards that the user's files are byte-identical.
    static func snapshot(_ folder: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        let fm = FileManager.default
        func walk(_ url: URL, _ prefix: String) {
            guard let names = try? fm.contentsOfDirectory(atPath: url.path) else { return }
            for name in names {
                let child = url.appendingPathComponent(name), key = prefix + name
                var info = stat()
                guard lstat(child.path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: result[key + "/"] = Data(); walk(child, key + "/")
                case S_IFLNK: result[key] = Data(("-> " + ((try? fm.destinationOfSymbolicLink(atPath: child.path)) ?? "?")).utf8)
                // FileManager.contents leaks a buffer on empty files (seen under the address sanitizer).
                case S_IFREG: result[key] = info.st_size == 0 ? Data() : fm.contents(atPath: child.path) ?? Data()
                default: result[key] = Data("special \(info.st_mode & S_IFMT)".utf8)
                }
            }
        }
        walk(folder, "")
        return result
    }

    static func scratch(_ name: String = #function) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cnnviz-cli-\(name.filter { $0.isLetter })-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Kills a process that runs longer than its time (SIGKILL: a process blocked in open(2) ignores nothing else).
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var fired = false

    init(pid: Int32, seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            lock.lock(); defer { lock.unlock() }
            if !done { fired = true; kill(pid, SIGKILL) }
        }
    }

    /// Stops the watch; true if it had to kill the process.
    func finish() -> Bool {
        lock.lock(); defer { lock.unlock() }
        done = true
        return fired
    }
}
