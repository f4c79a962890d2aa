import CNNCore
import Foundation
@testable import Lessons
import XCTest

/// Issue 11 in the tutorials: sizes, strides and values beyond `TutorialLimits` are refused as
/// they are read, naming the limit; numbers that are not finite are refused; a FIFO lesson is
/// refused at once; and nothing says "please report this" about the user's own numbers.
final class InputLimitTests: XCTestCase {
    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    func assertMessage(_ words: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        let text = message(body)
        for word in words { XCTAssertTrue(text.contains(word), "'\(word)' in: \(text)", file: file, line: line) }
        XCTAssertFalse(text.lowercased().contains("please report"), text, file: file, line: line)
    }

    func ones(rows: Int, cols: Int) -> String {
        Array(repeating: Array(repeating: "1", count: cols).joined(separator: " "), count: rows).joined(separator: "; ")
    }

    func testMatrixSizesAreBounded() throws {
        let side = TutorialLimits.maxMatrixSide
        XCTAssertEqual(try MatrixParser.matrix(ones(rows: side, cols: side), source: "--input").rows, side)
        XCTAssertEqual(try MatrixParser.matrix(ones(rows: side, cols: side) + ";", source: "--input").rows, side, "a trailing ';' is forgiven")
        assertMessage(["--input", "\(side + 1) rows", "TutorialLimits.maxMatrixSide"]) { _ = try MatrixParser.matrix(ones(rows: side + 1, cols: 2), source: "--input") }
        assertMessage(["--input", "row 1", "\(side + 1) values", "\(side)"]) { _ = try MatrixParser.matrix(ones(rows: 2, cols: side + 1), source: "--input") }
        let tooMany = Array(repeating: "1", count: TutorialLimits.maxChannels + 1).joined(separator: " | ")
        assertMessage(["\(TutorialLimits.maxChannels + 1) channels", "TutorialLimits.maxChannels"]) { _ = try MatrixParser.channels(tooMany, source: "--input") }
        let longest = TutorialLimits.maxVectorLength
        XCTAssertEqual(try MatrixParser.vector(Array(repeating: "1", count: longest).joined(separator: " "), source: "--kernel", example: "1").count, longest)
        assertMessage(["the list has \(longest + 1) values", "TutorialLimits.maxVectorLength"]) {
            _ = try MatrixParser.vector(Array(repeating: "1", count: longest + 1).joined(separator: " "), source: "--kernel", example: "1")
        }
        // flatten-dense: an input that flattens to more values than it draws is refused, naming the limit.
        let wide = Array(repeating: ones(rows: 16, cols: 16), count: 2).joined(separator: " | ")
        assertMessage(["--input", "16×16×2 = 512", "TutorialLimits.maxFlattenedValues"]) {
            _ = try runTutorial("flatten-dense", ["input": wide, "kernel": "1"])
        }
    }

    /// A 1000×1000 matrix is refused after reading its row count, not after 7 GB of steps.
    func testThousandByThousandLessonIsRefusedQuickly() throws {
        let lesson = try LessonFile.parse("---\ntutorial: convolution\ninput: \(ones(rows: 1000, cols: 1000))\n---\n# Big\n", source: "big.md")
        let start = Date()
        assertMessage(["big.md, header key 'input'", "1000 rows", "TutorialLimits.maxMatrixSide"]) {
            _ = try TutorialRunner.walkthrough(lesson)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testValuesMustBeFiniteAndNotHuge() {
        assertMessage(["'nan'", "not a finite number"]) { _ = try MatrixParser.number("nan", source: "--bias", example: "0") }
        assertMessage(["'-inf'", "not a finite number"]) { _ = try MatrixParser.matrix("1 -inf", source: "--input") }
        assertMessage(["'3e38'", "too large", "TutorialLimits.maxMagnitude", "32-bit floats"]) {
            _ = try MatrixParser.matrix("3e38 3e38; 3e38 3e38", source: "--input")
        }
        assertMessage(["'1e39'", "too large"]) { _ = try MatrixParser.number("1e39", source: "--learning-rate", example: "0.01") }
        assertMessage(["'1e400'", "too large"]) { _ = try MatrixParser.number("1e400", source: "--bias", example: "0") }
        XCTAssertEqual(try MatrixParser.number("-1e6", source: "--bias", example: "0"), -1e6)
        XCTAssertEqual(try MatrixParser.number("1e-50", source: "--bias", example: "0"), 0, "underflow to 0 is harmless")
    }

    func testWholeNumbersAreBounded() {
        let stride = { (text: String) in
            try MatrixParser.integer(text, source: "--stride", minimum: 1, maximum: TutorialLimits.maxStride,
                                     limitName: "TutorialLimits.maxStride", example: "2")
        }
        XCTAssertEqual(try stride("64"), 64)
        assertMessage(["--stride", "at most 64", "TutorialLimits.maxStride", "9223372036854775807"]) { _ = try stride("9223372036854775807") }
        assertMessage(["--stride", "far above the limit of 64"]) { _ = try stride("99999999999999999999999") }
        assertMessage(["'two' is not a whole number"]) { _ = try stride("two") }
    }

    /// Runs the built-in lesson `name` with `options` overriding its numbers, as the command does.
    func runLesson(_ name: String, _ options: [String: String]) throws {
        var s = Settings()
        for (k, v) in options { s.set(k, v, source: "--\(k)") }
        let lesson = try LessonLibrary(folder: nil, foundHow: "built-in").lesson(named: name, language: .en)
        _ = try TutorialRunner.walkthrough(lesson, options: s)
    }

    func testTutorialsRefuseHugeStridePoolSizeAndPictureSize() {
        for name in ["convolution", "padding-stride", "pooling", "backprop", "channels"] {
            assertMessage(["--stride", "at most 64"]) { try runLesson(name, ["stride": "9223372036854775807", "padding": "same"]) }
        }
        assertMessage(["--pool-size", "at most 64"]) { try runLesson("pooling", ["pool-size": "9223372036854775807"]) }
        assertMessage(["--size", "at most 256", "TutorialLimits.maxPictureSide"]) { try runLesson("edges", ["size": "100000"]) }
    }

    /// Keras' output-size rule with any stride, Int.max included, computed without overflow.
    func testOutputSizeArithmeticCannotOverflow() {
        let same = ConvArithmetic.axis(input: 4, window: 2, stride: Int.max, padding: "same")
        XCTAssertEqual(same.out, 1)
        XCTAssertEqual(same.before + same.after, 0)
        XCTAssertEqual(ConvArithmetic.axis(input: 4, window: 2, stride: Int.max, padding: "valid").out, 1)
        XCTAssertEqual(ConvArithmetic.axis(input: 5, window: 3, stride: 2, padding: "same").out, 3)
    }

    /// The largest values allowed keep every tutorial finite and agreeing with the engine.
    func testLargestAllowedValuesStayFinite() throws {
        let big = "1e6 -1e6 1e6; -1e6 1e6 -1e6; 1e6 1e6 1e6"
        let walk = try runTutorial("backprop", ["input": big, "kernel": "1e6 1e6; 1e6 1e6", "bias": "1e6", "learning-rate": "1e6"])
        XCTAssertTrue(walk.checks.allSatisfy(\.isFinite))
        let conv = try runTutorial("convolution", ["input": big, "kernel": "-1e6 1e6; 1e6 1e6"])
        XCTAssertTrue(conv.agrees)
    }

    /// The largest matrices allowed run in seconds: backprop with a 32×32 kernel shows at most
    /// `Support.maxCellSteps` weight steps, not 1,024.
    func testLargestMatricesGiveABoundedNumberOfSteps() throws {
        let side = TutorialLimits.maxMatrixSide
        let walk = try runTutorial("backprop", ["input": ones(rows: side, cols: side), "kernel": ones(rows: side / 2, cols: side / 2), "loss": "sum"])
        XCTAssertLessThanOrEqual(walk.steps.count, Support.maxCellSteps + 6)
        XCTAssertTrue(walk.agrees)
        XCTAssertTrue(walk.steps.contains { $0.title.contains("more weights") })
    }

    func testOverflowIsNeverReportedAsABug() {
        let inf = Matrix(rows: 1, cols: 1, values: [.infinity])
        let check = Check(what: "output", layer: "CNNCore Conv2D.forward", stepByStep: inf, engine: inf)
        XCTAssertFalse(check.isFinite)
        let line = Support.checkLine(check, .en)
        XCTAssertFalse(line.contains("please report"), line)
        XCTAssertTrue(line.contains("overflowed 32-bit floats"), line)
    }

    func testFIFOLessonIsRefusedAtOnce() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnnviz-fifo-lesson-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("lesson.md")
        XCTAssertEqual(mkfifo(url.path, 0o644), 0)
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var text = "" }
        let box = Box()
        Thread.detachNewThread {
            do { _ = try LessonFile.read(url); box.text = "read" } catch { box.text = "\(error)" }
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success, "LessonFile.read blocked on a FIFO")
        XCTAssertTrue(box.text.contains("lesson.md") && box.text.contains("named pipe (FIFO)"), box.text)
        // In a Tutorials folder it becomes a reported problem; the other lessons still load.
        let en = folder.appendingPathComponent("en")
        try FileManager.default.createDirectory(at: en, withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(en.appendingPathComponent("99-pipe.md").path, 0o644), 0)
        let library = LessonLibrary(folder: folder, foundHow: "test")
        XCTAssertEqual(library.problems.count, 1)
        XCTAssertFalse(library.lessons(.en).isEmpty)
    }
}
