import Foundation
import XCTest

/// Seeded mutations of every kind of file cnnviz reads (JPEG, PNG, model.json, safetensors,
/// a checkpoint, a lesson), each run through the real binary: it may refuse the file, but it
/// must never crash (a signal), hang, or print a NaN probability with exit 0.
///
/// `swift test` runs 240 cases; `CNNVIZ_FUZZ_CASES=5000` runs more, `CNNVIZ_FUZZ_SEED` picks
/// another sequence, and `CNNVIZ_BINARY=.build/release/cnnviz` runs them on a release build.
/// A failing case's inputs are kept under the temporary folder, named in the failure.
final class FuzzTests: XCTestCase {
    static let environment = ProcessInfo.processInfo.environment
    static let caseCount = environment["CNNVIZ_FUZZ_CASES"].flatMap { Int($0) } ?? 240
    static let seed = environment["CNNVIZ_FUZZ_SEED"].flatMap { UInt64($0) } ?? 2026

    static let architecture = """
    {"input_shape": [8, 8, 3], "layers": [
      {"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": [3, 3], "activation": "relu"}},
      {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2]}}, {"class_name": "Flatten", "config": {}},
      {"class_name": "Dense", "config": {"units": 4, "activation": "relu"}},
      {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}
    """

    /// The file kinds, taken in turn.
    enum Target: CaseIterable { case jpeg, png, modelJSON, weights, checkpoint, lesson }

    func testMutatedInputsNeverCrashOrHang() throws {
        let base = CLI.scratch()
        let fm = FileManager.default
        func run(_ args: [String]) throws -> CLIResult { try CLI.run(args, in: base, timeout: 60) }
        XCTAssertEqual(try run(["dataset", "synth", "--output", "data", "--train-per-class", "4", "--test-per-class", "2"]).status, 0)
        try Data(Self.architecture.utf8).write(to: base.appendingPathComponent("arch.json"))
        let train = ["train", "--train", "data/training_set", "--architecture", "arch.json", "--epochs", "1",
                     "--steps-per-epoch", "2", "--batch-size", "2", "--no-report"]
        let trained = try run(train + ["--output", "run"])
        XCTAssertEqual(trained.status, 0, trained.stderr)

        let jpeg = try Data(contentsOf: base.appendingPathComponent("data/training_set/horizontal/horizontal.1.jpg"))
        let png = try Data(contentsOf: base.appendingPathComponent("data/test_set/horizontal/horizontal.1.png"))
        let modelJSON = try Data(contentsOf: base.appendingPathComponent("run/model/model.json"))
        let weights = try Data(contentsOf: base.appendingPathComponent("run/model/weights.safetensors"))
        let lesson = try Data(contentsOf: Self.repository.appendingPathComponent("Tutorials/en/02-pooling.md"))
        let checkpointFiles = ["trainer_state.json", "optimizer.safetensors", "weights.safetensors", "model.json"]
        let checkpoint = try checkpointFiles.map { try Data(contentsOf: base.appendingPathComponent("run/checkpoint/\($0)")) }

        var rng = FuzzRNG(seed: Self.seed)
        var outcomes: [String: Int] = [:]
        for index in 0..<Self.caseCount {
            let target = Target.allCases[index % Target.allCases.count]
            let folder = base.appendingPathComponent("case-\(index)")
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            let arguments: [String]
            switch target {
            case .jpeg, .png:
                let file = folder.appendingPathComponent(target == .jpeg ? "x.jpg" : "x.png")
                try Mutator.bytes(target == .jpeg ? jpeg : png, &rng).write(to: file)
                arguments = ["predict", "--model", "run/model", file.path]
            case .modelJSON, .weights:
                try fm.copyItem(at: base.appendingPathComponent("run/model"), to: folder.appendingPathComponent("model"))
                let name = target == .modelJSON ? "model.json" : "weights.safetensors"
                let mutated = target == .modelJSON ? Mutator.text(modelJSON, &rng) : Mutator.safetensors(weights, &rng)
                try mutated.write(to: folder.appendingPathComponent("model/\(name)"))
                arguments = ["predict", "--model", folder.appendingPathComponent("model").path, "data/test_set/vertical/vertical.1.png"]
            case .checkpoint:
                let copy = folder.appendingPathComponent("run")
                try fm.copyItem(at: base.appendingPathComponent("run"), to: copy)
                let which = rng.below(checkpointFiles.count)
                let original = checkpoint[which]
                let mutated = checkpointFiles[which].hasSuffix(".json") ? Mutator.text(original, &rng) : Mutator.safetensors(original, &rng)
                try mutated.write(to: copy.appendingPathComponent("checkpoint/\(checkpointFiles[which])"))
                arguments = train + ["--output", copy.path, "--resume"]
            case .lesson:
                let file = folder.appendingPathComponent("lesson.md")
                try Mutator.text(lesson, &rng).write(to: file)
                arguments = ["tutorial", "--file", file.path, "--output", folder.appendingPathComponent("tutorials").path, "--no-color"]
            }
            let r = try CLI.run(arguments, in: base, timeout: 60, allowSignal: true)
            let what = "fuzz case \(index) (\(target), seed \(Self.seed)): cnnviz \(arguments.joined(separator: " ")); inputs kept in \(folder.path)"
            XCTAssertNil(r.signal, "\(what) was killed by signal \(r.signal ?? 0): \(r.stderr.suffix(500))")
            XCTAssertTrue((0...127).contains(r.status), "\(what) exited \(r.status)")
            if r.status == 0, arguments.first == "predict" {
                XCTAssertFalse(r.stdout.lowercased().contains("nan"), "\(what) printed NaN: \(r.stdout)")
            } else if r.status != 0 {
                XCTAssertTrue(r.stderr.contains("rror"), "\(what) failed without saying why: \(r.stderr)")
            }
            outcomes["\(target) exit \(r.status)", default: 0] += 1
            if r.signal == nil, (0...127).contains(r.status) { try? fm.removeItem(at: folder) }
        }
        print("fuzz outcomes (\(Self.caseCount) cases, seed \(Self.seed)): " + outcomes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
        if testRun?.failureCount == 0 { try? fm.removeItem(at: base) }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// SplitMix64: the same seed gives the same cases on every machine.
struct FuzzRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
}

/// Ways to damage a file: bits flipped, bytes cut, inserted or overwritten, numbers replaced by
/// the values that break naive code (overflowing, negative, non-finite, huge).
enum Mutator {
    static let interesting = ["-1", "0", "9223372036854775807", "-9223372036854775808", "3037000500", "100000", "4294967296",
                              "1e39", "3e38", "-3e38", "NaN", "Infinity", "1e-45", "999", "2.5", "\"7\"", "null", "[]", "{}",
                              "[1]", "[0, 0, 0]", "true", "[3037000500, 3037000500]", "65536"]

    static func bytes(_ original: Data, _ rng: inout FuzzRNG) -> Data {
        var d = [UInt8](original)
        guard !d.isEmpty else { return Data() }
        switch rng.below(6) {
        case 0:  // flip a few bits
            for _ in 0..<(1 + rng.below(8)) { d[rng.below(d.count)] ^= UInt8(1 << rng.below(8)) }
        case 1:  // cut short
            d = Array(d.prefix(rng.below(d.count)))
        case 2:  // insert random bytes
            let at = rng.below(d.count)
            d.insert(contentsOf: (0..<(1 + rng.below(64))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
        case 3:  // overwrite a run with 0xFF or 0x00
            let at = rng.below(d.count), value: UInt8 = rng.below(2) == 0 ? 0xFF : 0
            for i in at..<min(d.count, at + 1 + rng.below(32)) { d[i] = value }
        case 4:  // damage the header, where sizes live
            for _ in 0..<(1 + rng.below(4)) { d[rng.below(min(d.count, 64))] = UInt8(truncatingIfNeeded: rng.next()) }
        default:  // repeat a segment
            let at = rng.below(d.count), length = min(d.count - at, 1 + rng.below(256))
            d.insert(contentsOf: d[at..<(at + length)], at: rng.below(d.count))
        }
        return Data(d)
    }

    static func text(_ original: Data, _ rng: inout FuzzRNG) -> Data {
        var s = String(decoding: original, as: UTF8.self)
        switch rng.below(4) {
        case 0, 1:  // replace numbers (one or several) with troublesome values
            let numbers = numberRanges(in: s)
            guard !numbers.isEmpty else { return bytes(original, &rng) }
            for _ in 0..<(1 + rng.below(3)) {
                let ranges = numberRanges(in: s)
                guard !ranges.isEmpty else { break }
                s.replaceSubrange(ranges[rng.below(ranges.count)], with: interesting[rng.below(interesting.count)])
            }
            return Data(s.utf8)
        case 2:  // drop or duplicate a line
            var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard !lines.isEmpty else { return bytes(original, &rng) }
            let i = rng.below(lines.count)
            if rng.below(2) == 0 { lines.remove(at: i) } else { lines.insert(lines[i], at: i) }
            return Data(lines.joined(separator: "\n").utf8)
        default:
            return bytes(original, &rng)
        }
    }

    /// A safetensors file: its JSON header mutated as text (length prefix fixed or not), or its bytes.
    static func safetensors(_ original: Data, _ rng: inout FuzzRNG) -> Data {
        guard original.count >= 8, rng.below(3) != 0 else { return bytes(original, &rng) }
        let length = original.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        guard length > 0, 8 + length <= original.count else { return bytes(original, &rng) }
        let header = text(original.subdata(in: 8..<(8 + length)), &rng)
        var prefix = [UInt8](repeating: 0, count: 8)
        let newLength = rng.below(4) == 0 ? length : header.count
        for i in 0..<8 { prefix[i] = UInt8(truncatingIfNeeded: newLength >> (8 * i)) }
        return Data(prefix) + header + original.subdata(in: (8 + length)..<original.count)
    }

    static func numberRanges(in s: String) -> [Range<String.Index>] {
        var result: [Range<String.Index>] = []
        var i = s.startIndex
        while i < s.endIndex {
            if s[i].isNumber || (s[i] == "-" && s.index(after: i) < s.endIndex && s[s.index(after: i)].isNumber) {
                var j = s.index(after: i)
                while j < s.endIndex, s[j].isNumber || s[j] == "." || s[j] == "e" || s[j] == "E" || s[j] == "-" { j = s.index(after: j) }
                result.append(i..<j)
                i = j
            } else {
                i = s.index(after: i)
            }
        }
        return result
    }
}
