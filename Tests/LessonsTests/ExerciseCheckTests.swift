import CNNCore
import Foundation
@testable import Lessons
import XCTest

/// `exercise check`: right answers pass, a wrong cell is named with its correct computation, and
/// a file that is not an answer file is refused with one message.
final class ExerciseCheckTests: XCTestCase {
    /// The template with `fill(problem, part, row, col)` written in each cell.
    func filledText(_ s: ExerciseSheet, _ fill: (Int, AnswerPart, Int, Int) -> String) -> String {
        var lines = [s.header]
        for p in s.problems {
            for part in p.answers {
                lines.append("\(p.number) \(part.name):")
                for r in 0..<part.key.rows {
                    lines.append((0..<part.key.cols).map { fill(p.number, part, r, $0) }.joined(separator: " "))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func testRightTextAnswersPassAndAWrongCellIsNamed() throws {
        let s = try ExerciseSheet(topic: .convolution, seed: 1, count: 4)
        let right = filledText(s) { _, part, r, c in NumberFormat.short(part.key[r, c]) }
        let grade = try ExerciseGrade(try StudentAnswers.parse(right, source: "a.txt"), source: "a.txt")
        XCTAssertTrue(grade.allRight, grade.text(.en))
        XCTAssertEqual(grade.totalCells, 26)
        XCTAssertTrue(grade.text(.en).contains("26 of 26 cells right"))

        // Problem 3, cell [1][0] is 3 (x[3][0] = 2, plus the bias 1); the student wrote 2.
        let wrong = filledText(s) { n, part, r, c in n == 3 && r == 1 && c == 0 ? "2" : NumberFormat.short(part.key[r, c]) }
        let marked = try ExerciseGrade(try StudentAnswers.parse(wrong, source: "a.txt"), source: "a.txt")
        XCTAssertFalse(marked.allRight)
        XCTAssertEqual(marked.mistakes.count, 1)
        let m = try XCTUnwrap(marked.mistakes.first)
        XCTAssertEqual([m.problem, m.row, m.col], [3, 1, 0])
        XCTAssertEqual(m.given, 2)
        XCTAssertEqual(m.correct, 3)
        let text = marked.text(.en)
        XCTAssertTrue(text.contains("✗ problem 3, output[1][0]: you wrote 2, the key is 3"), text)
        XCTAssertTrue(text.contains("sum: 0 + 0 + 2 + 0 = 2; plus the bias: 2 + 1 = 3"), text)
        let spanish = try ExerciseGrade(try StudentAnswers.parse(wrong, source: "a.txt"), source: "a.txt", language: .es).text(.es)
        XCTAssertTrue(spanish.contains("✗ problema 3, salida[1][0]: escribiste 2, la solución es 3"), spanish)
        XCTAssertTrue(spanish.contains("suma: 0 + 0 + 2 + 0 = 2; más el sesgo: 2 + 1 = 3"), spanish)
    }

    func testTextFormAcceptsCommasFractionsAndBlanks() throws {
        let s = try ExerciseSheet(topic: .pooling, seed: 1, count: 1)  // key [4 4.5; 3 5]
        let text = "\n# cnnviz exercise pooling seed 1 count 1\n# a comment\n1: (2×2)\n4 4,5\n3 ?\n"
        let grade = try ExerciseGrade(try StudentAnswers.parse(text, source: "a.txt"), source: "a.txt")
        XCTAssertEqual(grade.mistakes.map { [$0.row, $0.col] }, [[1, 1]])
        XCTAssertNil(grade.mistakes.first?.given)
        let fraction = "# cnnviz exercise pooling seed 1\n1 output: 4 9/2\n3 5\n"
        XCTAssertTrue(try ExerciseGrade(try StudentAnswers.parse(fraction, source: "b.txt"), source: "b.txt").allRight)
        XCTAssertEqual(s.problems[0].answers[0].key, Matrix([[4, 4.5], [3, 5]]))
    }

    func testJSONAnswersPassAndAWrongCellIsNamed() throws {
        let s = try ExerciseSheet(topic: .backprop, seed: 5, count: 2)
        let right = s.jsonText(answers: true)
        XCTAssertTrue(try ExerciseGrade(try StudentAnswers.parse(right, source: "e.json"), source: "e.json").allRight)

        // Change dL/dK[0][1] of problem 2 in the JSON.
        guard case .object(var o) = s.json(answers: true), case .array(var problems) = o["problems"],
              case .object(var p2) = problems[1] else { return XCTFail("unexpected JSON") }
        var grid = s.problems[1].answers[1].key.rowArrays.map { $0.map { JSONValue.number(Double($0)) } }
        grid[0][1] = .number(Double(s.problems[1].answers[1].key[0, 1] + 1))
        p2["output"] = .array(grid.map(JSONValue.array))
        problems[1] = .object(p2)
        o["problems"] = .array(problems)
        let grade = try ExerciseGrade(try StudentAnswers.parse(JSONValue.object(o).encodedString(), source: "e.json"), source: "e.json")
        XCTAssertEqual(grade.mistakes.map { "\($0.problem) \($0.part) \($0.row) \($0.col)" }, ["2 output 0 1"])
        XCTAssertTrue(grade.mistakes[0].work[0].hasPrefix("dL/dK[0][1] = Σ dL/dy · x = "))

        // The blank exercise.json, as written: every cell blank, nothing right.
        let blank = try ExerciseGrade(try StudentAnswers.parse(s.jsonText(answers: false), source: "e.json"), source: "e.json")
        XCTAssertEqual(blank.rightCells, 0)
        XCTAssertEqual(blank.mistakes.count, 24)
    }

    func testMalformedFilesAreRefusedWithOneMessage() {
        let s = "# cnnviz exercise convolution seed 1 count 4\n"
        let cases: [(String, String)] = [
            ("", "the file is empty"),
            ("hello\n", "not a cnnviz exercise answer file"),
            ("# cnnviz exercise painting seed 1\n", "'painting' is not an exercise topic"),
            ("# cnnviz exercise relu seed -3\n", "'-3' is not a seed"),
            ("# cnnviz exercise relu seed 1 count 500\n", "not a count from 1 to 20"),
            (s + "1 2 3\n", "numbers before any problem label"),
            (s + "1:\n1 x 3\n", "'x' is not a number"),
            (s + "one output:\n", "neither a row of numbers nor a label"),
            (s + "1:\n1\n1:\n2\n", "answered twice"),
            (s + "9:\n1\n", "problem 9 is answered, but the sheet"),
            ("{ not json", "not valid JSON"),
            ("{\"a\": 1}", "this JSON is not a cnnviz exercise"),
            ("{\"topic\": \"relu\", \"seed\": 1.5, \"problems\": []}", "\"seed\" must be a whole number"),
            ("{\"topic\": \"relu\", \"seed\": 1, \"count\": 2, \"problems\": [{\"number\": 1, \"input\": [[9, 9], [9, 9]]}]}",
             "the file was made with other numbers"),
        ]
        for (text, fragment) in cases {
            do {
                _ = try ExerciseGrade(try StudentAnswers.parse(text, source: "x.txt"), source: "x.txt")
                XCTFail("accepted: \(text)")
            } catch let error as LessonError {
                XCTAssertTrue(error.description.contains(fragment), "\(error.description) should say \(fragment)")
                XCTAssertFalse(error.description.contains("\n"), "one line: \(error.description)")
                XCTAssertTrue(error.description.hasPrefix("x.txt"), error.description)
            } catch {
                XCTFail("\(error)")
            }
        }
    }

    func testFilesThatAreNotRegularAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exercise-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("answers.txt")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        for url in [folder, fifo, folder.appendingPathComponent("missing.txt")] {
            XCTAssertThrowsError(try StudentAnswers.read(url)) { error in
                XCTAssertTrue(error is LessonError, "\(error)")
                XCTAssertTrue("\(error)".contains(url.path), "\(error)")
            }
        }
    }
}
