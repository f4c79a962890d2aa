import Foundation
import XCTest

/// `cnnviz exercise` and `cnnviz exercise check`, end to end through the built binary.
final class ExerciseCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws { folder = CLI.scratch() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testSheetFolderIsWrittenAndTheSameSeedGivesTheSameBytes() throws {
        var r = try CLI.run(["exercise", "convolution", "--seed", "1", "--lang", "es"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let sheet = folder.appendingPathComponent("output/exercises/convolution-seed-1")
        let names = ["sheet.html", "answers.html", "exercise.json", "answers-template.txt"]
        let first = try names.map { try Data(contentsOf: sheet.appendingPathComponent($0)) }
        XCTAssertTrue(String(decoding: first[0], as: UTF8.self).contains("<html lang=\"es\">"))
        XCTAssertTrue(r.stdout.contains("1. Calcula la salida de una Conv2D"), r.stdout)
        XCTAssertFalse(r.stdout.contains("salida = ["), "no answers without --answers")
        // Again: the folder is cnnviz's, so it is replaced, with the very same bytes.
        r = try CLI.run(["exercise", "convolution", "--seed", "1", "--lang", "es"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try names.map { try Data(contentsOf: sheet.appendingPathComponent($0)) }, first)
        // Another seed, another sheet.
        r = try CLI.run(["exercise", "convolution", "--seed", "2", "--lang", "es"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let other = try Data(contentsOf: folder.appendingPathComponent("output/exercises/convolution-seed-2/sheet.html"))
        XCTAssertNotEqual(other, first[0])
    }

    func testJSONUsesTheTutorialsFieldNamesAndAnswersOnlyWhenAsked() throws {
        var r = try CLI.run(["exercise", "convolution", "--seed", "1", "--json", "--answers"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["topic"] as? String, "convolution")
        let problems = try XCTUnwrap(json["problems"] as? [[String: Any]])
        XCTAssertEqual(problems.count, 4)
        XCTAssertEqual(problems[2]["kernel"] as? [[Double]], [[0, 0], [1, 0]])
        XCTAssertEqual(problems[2]["bias"] as? Double, 1)
        XCTAssertEqual(problems[2]["stride"] as? Int, 2)
        XCTAssertEqual(problems[2]["padding"] as? String, "valid")
        XCTAssertEqual(problems[2]["output"] as? [[Double]], [[2, 1], [3, 1]])
        r = try CLI.run(["exercise", "pooling", "--seed", "1", "--json"], in: folder)
        let pooling = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let first = try XCTUnwrap((pooling["problems"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["mode"] as? String, "average")
        XCTAssertEqual(first["pool_size"] as? Int, 2)
        XCTAssertEqual((first["output"] as? [[Any]])?.first?.first as? NSNull, NSNull(), "no answers without --answers")
    }

    func testCheckAcceptsRightAnswersAndMarksAWrongCell() throws {
        XCTAssertEqual(try CLI.run(["exercise", "pooling", "--seed", "1", "--count", "1"], in: folder).status, 0)
        let template = folder.appendingPathComponent("output/exercises/pooling-seed-1/answers-template.txt")
        let blank = try String(contentsOf: template, encoding: .utf8)
        XCTAssertTrue(blank.contains("1 output: (2×2)\n? ?\n? ?"), blank)
        // The key is [4 4.5; 3 5] (see ExerciseSheetTests).
        let right = folder.appendingPathComponent("right.txt")
        try Data(blank.replacingOccurrences(of: "? ?\n? ?", with: "4 4,5\n3 5").utf8).write(to: right)
        var r = try CLI.run(["exercise", "check", right.path], in: folder)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("4 of 4 cells right"), r.stdout)

        let wrong = folder.appendingPathComponent("wrong.txt")
        try Data(blank.replacingOccurrences(of: "? ?\n? ?", with: "4 4\n3 5").utf8).write(to: wrong)
        r = try CLI.run(["exercise", "check", wrong.path, "--lang", "es"], in: folder)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("✗ problema 1, salida[0][1]: escribiste 4, la solución es 4.5"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(9 + 0 + 1 + 8) / 4 = 18 / 4 = 4.5"), r.stdout)

        // The JSON form, filled in from --json --answers, passes.
        let json = folder.appendingPathComponent("answers.json")
        r = try CLI.run(["exercise", "pooling", "--seed", "1", "--count", "1", "--json", "--answers"], in: folder)
        try Data(r.stdout.utf8).write(to: json)
        r = try CLI.run(["exercise", "check", json.path, "--json"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let grade = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(grade["all_right"] as? Bool, true)

        // A Spanish sheet's template says so in its first line, and the marks come in Spanish.
        XCTAssertEqual(try CLI.run(["exercise", "relu", "--seed", "2", "--count", "1", "--lang", "es"], in: folder).status, 0)
        let spanish = folder.appendingPathComponent("output/exercises/relu-seed-2/answers-template.txt")
        XCTAssertTrue(try String(contentsOf: spanish, encoding: .utf8).hasPrefix("# cnnviz exercise relu seed 2 count 1 lang es\n"))
        r = try CLI.run(["exercise", "check", spanish.path], in: folder)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("relu, seed 2: 0 de ") && r.stdout.contains("en blanco"), r.stdout)
    }

    func testBadInputGivesOneMessageAndNonZeroStatus() throws {
        let fifo = folder.appendingPathComponent("fifo.txt")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let junk = folder.appendingPathComponent("junk.json")
        try Data("{\"topic\": 3}".utf8).write(to: junk)
        let cases: [([String], String)] = [
            (["exercise", "painting"], "'painting' is not an exercise topic"),
            (["exercise"], "give a topic"),
            (["exercise", "relu", "--count", "0"], "--count: '0' is not a whole number from 1 to 20"),
            (["exercise", "relu", "--count", "100000"], "--count: '100000'"),
            (["exercise", "relu", "--seed", "seventy"], "--seed: 'seventy' is not a whole number"),
            (["exercise", "relu", "--seed", "99999999999999999999999"], "--seed:"),
            (["exercise", "check", fifo.path], "named pipe"),
            (["exercise", "check", folder.path], "folder"),
            (["exercise", "check", junk.path], "this JSON is not a cnnviz exercise"),
            (["exercise", "relu", "--output", fifo.path], "will not write"),
        ]
        for (arguments, message) in cases {
            let r = try CLI.run(arguments, in: folder, timeout: 60)
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stderr.lowercased().components(separatedBy: "error:").count - 1, 1, "one message: \(r.stderr)")
            XCTAssertTrue(r.stdout.isEmpty, "\(arguments): \(r.stdout)")
        }
        XCTAssertEqual(try CLI.run(["exercise", "check", junk.path], in: folder).status, 2)
    }

    func testAFolderOfTheUsersIsNeverReplaced() throws {
        let mine = folder.appendingPathComponent("output/exercises/relu-seed-1")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("mis notas\n".utf8).write(to: mine.appendingPathComponent("sheet.html"))
        let r = try CLI.run(["exercise", "relu"], in: folder)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: will not write"), r.stderr)
        XCTAssertEqual(try String(contentsOf: mine.appendingPathComponent("sheet.html"), encoding: .utf8), "mis notas\n")
    }
}
