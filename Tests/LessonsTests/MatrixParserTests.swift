@testable import Lessons
import XCTest

final class MatrixParserTests: XCTestCase {
    func testRowsBySemicolonValuesBySpacesOrCommas() throws {
        let m = try MatrixParser.matrix("1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1", source: "--input")
        XCTAssertEqual(m.rows, 4); XCTAssertEqual(m.cols, 4)
        XCTAssertEqual(m.rowArrays[2], [3, 0, 1, 2])
        let k = try MatrixParser.matrix(" 1, 0 ;0,-1; ", source: "--kernel")
        XCTAssertEqual(k, Matrix([[1, 0], [0, -1]]))
        XCTAssertEqual(try MatrixParser.matrix("−1.5 .5 +2 1e-1", source: "x"), Matrix([[-1.5, 0.5, 2, 0.1]]))
    }

    func testChannelsSplitByBar() throws {
        let c = try MatrixParser.channels("1 2; 3 4 | 5 6; 7 8 | 0 0; 0 1", source: "--input")
        XCTAssertEqual(c.count, 3)
        XCTAssertEqual(c[1], Matrix([[5, 6], [7, 8]]))
        let t = Matrix.tensor(channels: c)
        XCTAssertEqual(t.shape, [1, 2, 2, 3])
        XCTAssertEqual(Array(t.data.prefix(6)), [1, 5, 0, 2, 6, 0], "NHWC: the channels of one pixel are adjacent")
        XCTAssertEqual(Matrix.channels(of: t), c)
    }

    func testRaggedMatrixNamesTheRowAndShowsTheForm() {
        assertLessonError(["--input", "row 2", "3 values", "row 1 has 2", "Expected form: --input \"1 2; 3 4\""]) {
            _ = try MatrixParser.matrix("1 2; 3 4 5", source: "--input")
        }
    }

    func testNonNumber() {
        assertLessonError(["--kernel", "'x'", "not a number", "Expected form: --kernel"]) {
            _ = try MatrixParser.matrix("1 x; 0 1", source: "--kernel", example: "1 0; 0 -1")
        }
        assertLessonError(["not a finite number"]) { _ = try MatrixParser.matrix("nan 1", source: "--input") }
    }

    func testEmptyMatrixAndEmptyRow() {
        assertLessonError(["--input", "empty", "Expected form: --input \"1 2; 3 4\""]) { _ = try MatrixParser.matrix("  ", source: "--input") }
        assertLessonError(["row 2", "empty"]) { _ = try MatrixParser.matrix("1 2;; 3 4", source: "--input") }
    }

    func testChannelsOfDifferentSizes() {
        assertLessonError(["channel 2 is 1×2", "channel 1 is 2×2"]) { _ = try MatrixParser.channels("1 2; 3 4 | 5 6", source: "--input") }
    }

    func testIntegersAndNumbers() throws {
        XCTAssertEqual(try MatrixParser.integer("2", source: "--stride", minimum: 1, maximum: 64, limitName: "TutorialLimits.maxStride", example: "2"), 2)
        assertLessonError(["--stride", "must be 1 or more, got 0", "Expected form: --stride 2"]) {
            _ = try MatrixParser.integer("0", source: "--stride", minimum: 1, maximum: 64, limitName: "TutorialLimits.maxStride", example: "2")
        }
        assertLessonError(["'1.5' is not a whole number"]) { _ = try MatrixParser.integer("1.5", source: "--stride", minimum: 1, maximum: 64, limitName: "TutorialLimits.maxStride", example: "2") }
        assertLessonError(["--bias", "'one' is not a number"]) { _ = try MatrixParser.number("one", source: "--bias", example: "0.5") }
    }

    func testLessonKeysShowTheHeaderForm() {
        assertLessonError(["lesson.md, header key 'input'", "Expected form: input: 1 2; 3 4"]) {
            _ = try MatrixParser.matrix("1 2; 3", source: "lesson.md, header key 'input'")
        }
    }

    func testNumberFormat() {
        XCTAssertEqual(NumberFormat.short(3), "3")
        XCTAssertEqual(NumberFormat.short(-0.0), "0")
        XCTAssertEqual(NumberFormat.short(1.55), "1.55")
        XCTAssertEqual(NumberFormat.short(0.8175745), "0.8176")
        XCTAssertEqual(NumberFormat.factor(-1), "(-1)")
    }
}
