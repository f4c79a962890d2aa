import Foundation
import XCTest

/// Runs the built `cnnviz` binary, as a user would, and captures what it prints.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
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

    @discardableResult
    static func run(_ arguments: [String], in folder: URL? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("cnnviz")
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs, so a full pipe never blocks it.
        let outBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outBox.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let outData = outBox.data
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "cnnviz \(arguments) was killed by a signal (a crash or trap)", file: file, line: line)
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
    }

    static func scratch(_ name: String = #function) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cnnviz-cli-\(name.filter { $0.isLetter })-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
