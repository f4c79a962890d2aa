import CNNCore
@testable import Lessons
import XCTest

/// Convolution, padding/stride and channels, checked against values worked by hand and against Conv2D.
final class ConvolutionTutorialTests: XCTestCase {
    let input = "1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1"

    /// out[i][j] = x[i][j] − x[i+1][j+1]; this input is constant along its diagonals, so every cell is 0.
    func testKernelOneZeroZeroMinusOneGivesZerosOnThisInput() throws {
        let w = try runTutorial("convolution", ["input": input, "kernel": "1 0; 0 -1"])
        assertRows(w.output, [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
        assertAgrees(w)
    }

    /// out[i][j] = 2·x[i][j] + x[i+1][j] − x[i+1][j+1], e.g. out[0][0] = 2·1 + 0·2 + 1·0 + (−1)·1 = 1.
    func testLessonKernelWorkedByHand() throws {
        let w = try runTutorial("convolution", ["input": input, "kernel": "2 0; 1 -1"])
        assertRows(w.output, [[1, 3, 5], [3, 1, 3], [5, 3, 1]])
        assertAgrees(w)
        // 1 intro step, one step per output cell, 1 closing step.
        XCTAssertEqual(w.steps.count, 11)
        let first = w.steps[1]
        XCTAssertTrue(first.lines.contains { $0.contains("1·2 + 2·0 + 0·1 + 1·(-1)") }, "\(first.lines)")
        XCTAssertTrue(first.lines.contains { $0.contains("2 + 0 + 0 + (-1) = 1") }, "\(first.lines)")
        XCTAssertEqual(first.data["result"], .number(1))
    }

    func testBiasIsAddedToEveryCell() throws {
        let w = try runTutorial("convolution", ["input": input, "kernel": "2 0; 1 -1", "bias": "1.5"])
        assertRows(w.output, [[2.5, 4.5, 6.5], [4.5, 2.5, 4.5], [6.5, 4.5, 2.5]])
        assertAgrees(w)
    }

    /// Stride 2 keeps the windows starting at rows/columns 0 and 2: ⌊(4 − 2)/2⌋ + 1 = 2.
    func testStrideTwo() throws {
        let w = try runTutorial("convolution", ["input": input, "kernel": "2 0; 1 -1", "stride": "2"])
        assertRows(w.output, [[1, 5], [5, 1]])
        assertAgrees(w)
    }

    /// same, stride 1: ⌈4/1⌉ = 4, P = max(3·1 + 2 − 4, 0) = 1 → 0 rows before, 1 after.
    func testSamePaddingPadsAfter() throws {
        let w = try runTutorial("convolution", ["input": input, "kernel": "2 0; 1 -1", "padding": "same"])
        // Last column: window cols 3–4, col 4 is zero: 2·x[i][3] + x[i+1][3]; last row: 2·x[3][j].
        assertRows(w.output, [[1, 3, 5, 3], [3, 1, 3, 8], [5, 3, 1, 5], [4, 6, 0, 2]])
        assertAgrees(w)
    }

    /// A big input still computes and checks every cell, but only the first 49 get a step each.
    func testLargeInputKeepsTheStepsReadable() throws {
        let rows = (0..<10).map { r in (0..<10).map { c in String((r * 3 + c) % 7) }.joined(separator: " ") }.joined(separator: "; ")
        let w = try runTutorial("convolution", ["input": rows, "kernel": "1 0; 0 -1"])
        XCTAssertEqual(w.output.rows, 9)
        XCTAssertEqual(w.steps.count, 1 + Support.maxCellSteps + 1 + 1)
        XCTAssertTrue(w.steps[w.steps.count - 2].title.contains("32 more cells"))
        assertAgrees(w)
    }

    func testKernelLargerThanInputWithValidPadding() {
        assertLessonError(["--kernel", "3×3 kernel is larger than the 2×2 input", "'valid'", "--padding same"]) {
            _ = try runTutorial("convolution", ["input": "1 2; 3 4", "kernel": "1 1 1; 1 1 1; 1 1 1"])
        }
    }

    func testStrideZero() {
        assertLessonError(["--stride", "must be 1 or more, got 0", "Expected form: --stride 2"]) {
            _ = try runTutorial("convolution", ["stride": "0", "input": input, "kernel": "1 0; 0 1"])
        }
    }

    func testPaddingWord() {
        assertLessonError(["--padding", "'full' is not one of valid, same", "Expected form: --padding valid"]) {
            _ = try runTutorial("convolution", ["padding": "full", "input": input, "kernel": "1 0; 0 1"])
        }
    }

    /// The 5×5 input 1…25 and the all-ones 3×3 kernel: each output is the sum of its window.
    func testPaddingStrideAllFourConfigurations() throws {
        let w = try runTutorial("padding-stride", ["input": "1 2 3 4 5; 6 7 8 9 10; 11 12 13 14 15; 16 17 18 19 20; 21 22 23 24 25",
                                           "kernel": "1 1 1; 1 1 1; 1 1 1"])
        let r = Dictionary(uniqueKeysWithValues: w.results.map { ($0.name, $0.matrix) })
        // valid: a full window around centre c sums to 9c.
        assertRows(try XCTUnwrap(r["valid_stride1"]), [[63, 72, 81], [108, 117, 126], [153, 162, 171]])
        assertRows(try XCTUnwrap(r["valid_stride2"]), [[63, 81], [153, 171]])
        // same, stride 2: out ⌈5/2⌉ = 3, P = max(2·2 + 3 − 5, 0) = 2 → one zero row/column on each side.
        assertRows(try XCTUnwrap(r["same_stride2"]), [[16, 33, 28], [69, 117, 87], [76, 123, 88]])
        let same1 = try XCTUnwrap(r["same_stride1"])
        XCTAssertEqual(same1.rows, 5)
        XCTAssertEqual(same1[0, 0], 16)     // 1 + 2 + 6 + 7
        XCTAssertEqual(same1[2, 2], 117)
        XCTAssertEqual(w.output, r["same_stride2"])
        assertAgrees(w)
        XCTAssertTrue(w.steps.contains { $0.lines.contains { $0.contains("P = max((3 − 1)·2 + 3 − 5, 0) = 2 → 1 before, 1 after") } })
    }

    func testPaddingStrideOneConfigurationWhenAsked() throws {
        let w = try runTutorial("padding-stride", ["input": "1 2 3; 4 5 6; 7 8 9", "kernel": "1 1; 1 1", "padding": "valid", "stride": "1"])
        XCTAssertEqual(w.results.map(\.name), ["valid_stride1"])
        assertRows(w.output, [[12, 16], [24, 28]])
    }

    /// Constant channels: R = 1 with a kernel of ones gives 9, G = 2 with 0.5 gives 9, B = 3 with −1 gives −27; plus bias 1.
    func testChannelsSumOverChannels() throws {
        let ones = "1 1 1; 1 1 1; 1 1 1"
        let w = try runTutorial("channels", ["input": "\(ones) | 2 2 2; 2 2 2; 2 2 2 | 3 3 3; 3 3 3; 3 3 3",
                                     "kernel": "\(ones) | 0.5 0.5 0.5; 0.5 0.5 0.5; 0.5 0.5 0.5 | -1 -1 -1; -1 -1 -1; -1 -1 -1",
                                     "bias": "1"])
        assertRows(w.output, [[-8]])
        assertAgrees(w)
        XCTAssertEqual(w.steps[1].data["channel_sums"], .array([.number(9), .number(9), .number(-27)]))
    }

    func testChannelsLessonDefaultAgreesWithConv2D() throws {
        let lesson = try LessonLibrary(folder: nil, foundHow: "test").lesson(named: "channels", language: .en)
        let w = try TutorialRunner.walkthrough(lesson)
        assertRows(w.output, [[2, 0], [2, 3]])   // worked out in Tutorials/en/04-channels.md
        assertAgrees(w)
    }

    func testChannelsKernelMustHaveOneSlicePerChannel() {
        assertLessonError(["--kernel", "1 channel but the input has 3"]) {
            _ = try runTutorial("channels", ["input": "1 2; 3 4 | 1 2; 3 4 | 1 2; 3 4", "kernel": "1 0; 0 1"])
        }
    }
}
