import CNNCore
import Foundation
@testable import Lessons
import XCTest

/// Sheets a person checked by hand, and the pages and text forms they are printed in.
final class ExerciseSheetTests: XCTestCase {
    /// Seed 1's convolution sheet, written out. Checked by hand:
    ///
    /// Problem 3: input 4×4, kernel [0 0; 1 0], bias 1, stride 2, valid → ⌊(4 − 2)/2⌋ + 1 = 2 per side.
    /// The kernel keeps only the bottom-left cell of each 2×2 window:
    ///   [0][0]: window rows 0–1, cols 0–1 → x[1][0] = 1, + 1 = 2
    ///   [0][1]: window rows 0–1, cols 2–3 → x[1][2] = 0, + 1 = 1
    ///   [1][0]: window rows 2–3, cols 0–1 → x[3][0] = 2, + 1 = 3
    ///   [1][1]: window rows 2–3, cols 2–3 → x[3][2] = 0, + 1 = 1
    /// Problem 2: input 3×3, kernel [0 2; -1 2], same, stride 1 → ⌈3/1⌉ = 3; P = 1, all after (a
    /// row and a column of zeros at the bottom and right).
    ///   [0][0]: 2·0 + 2·2 + 1·(−1) + 3·2 = 9          [0][2]: 2·0 + 0·2 + 3·(−1) + 0·2 = −3
    ///   [1][1]: 3·0 + 3·2 + 1·(−1) + 0·2 = 5          [2][2]: only padding besides x[2][2] = 0 → 0
    /// Problem 1: input 5×5, kernel 3×3, stride 2, same → ⌈5/2⌉ = 3; P = (3 − 1)·2 + 3 − 5 = 2,
    /// one before and one after. [1][1]: window rows 1–3, cols 1–3 of the input (no padding):
    ///   [2 3 0; 1 1 2; 3 1 0] · [0 2 1; 0 2 2; 1 1 0] = 6 + 0 + 2 + 4 + 3 + 1 = 16.
    func testSeedOneConvolutionSheetIsTheOneCheckedByHand() throws {
        let s = try ExerciseSheet(topic: .convolution, seed: 1, count: 4)
        let expected: [(input: [[Float]], kernel: [[Float]], bias: Float, stride: Int, padding: String, output: [[Float]])] = [
            ([[0, 3, 1, 3, 1], [1, 2, 3, 0, 3], [0, 1, 1, 2, 2], [1, 3, 1, 0, 2], [3, 2, 0, 1, 0]],
             [[0, 2, 1], [0, 2, 2], [1, 1, 0]], 0, 2, "same", [[7, 13, 5], [7, 16, 12], [15, 4, 4]]),
            ([[2, 2, 2], [1, 3, 3], [3, 1, 0]], [[0, 2], [-1, 2]], 0, 1, "same", [[9, 7, -3], [5, 5, 0], [2, 0, 0]]),
            ([[3, 2, 0, 3], [1, 0, 0, 1], [0, 2, 1, 1], [2, 0, 0, 3]], [[0, 0], [1, 0]], 1, 2, "valid", [[2, 1], [3, 1]]),
            ([[2, 3, 2, 1], [1, 3, 0, 1], [2, 0, 2, 0], [1, 3, 1, 2]], [[0, 0, 0], [-1, 2, -1], [-1, 2, 2]], 1, 1, "valid", [[8, 1], [4, 8]]),
        ]
        for (p, e) in zip(s.problems, expected) {
            let g = Dictionary(uniqueKeysWithValues: p.given.map { ($0.key, $0.json) })
            XCTAssertEqual(ExerciseKeyTests.matrix(g["input"] ?? .null), Matrix(e.input), "problem \(p.number)")
            XCTAssertEqual(ExerciseKeyTests.matrix(g["kernel"] ?? .null), Matrix(e.kernel), "problem \(p.number)")
            XCTAssertEqual(g["bias"], .number(Double(e.bias)))
            XCTAssertEqual(g["stride"], .int(e.stride))
            XCTAssertEqual(g["padding"], .string(e.padding))
            assertRows(p.answers[0].key, e.output)
        }
        // The worked key of problem 3's first cell, as the tutorials write it.
        XCTAssertEqual(s.problems[2].answers[0].work(row: 0, col: 0), [
            "output[0][0] — window rows 0–1, columns 0–1: [3 2; 1 0]",
            "products: 3·0 + 2·0 + 1·1 + 0·0",
            "sum: 0 + 0 + 1 + 0 = 1; plus the bias: 1 + 1 = 2",
        ])
    }

    /// Seed 1 of the other hand-checkable topics.
    func testSeedOneOfOtherTopicsCheckedByHand() throws {
        // Average pooling 2×2, stride 2 on [4 5 9 0; 6 1 1 8; 2 1 6 1; 1 8 9 4]:
        // (4+5+6+1)/4 = 4, (9+0+1+8)/4 = 4.5, (2+1+1+8)/4 = 3, (6+1+9+4)/4 = 5.
        let pooling = try ExerciseSheet(topic: .pooling, seed: 1, count: 1).problems[0]
        XCTAssertEqual(ExerciseKeyTests.matrix(ExerciseKeyTests.value(pooling, "input")), Matrix([[4, 5, 9, 0], [6, 1, 1, 8], [2, 1, 6, 1], [1, 8, 9, 4]]))
        XCTAssertEqual(ExerciseKeyTests.value(pooling, "mode"), .string("average"))
        assertRows(pooling.answers[0].key, [[4, 4.5], [3, 5]])
        // (30, 30, 1) through MaxPooling2D 3×3, stride 2, same: ⌈30/2⌉ = 15 → (15, 15, 1).
        let size = try ExerciseSheet(topic: .outputSize, seed: 1, count: 1).problems[0]
        XCTAssertEqual(ExerciseKeyTests.value(size, "input_shape"), .ints([30, 30, 1]))
        assertRows(size.answers[0].key, [[15, 15, 1]])
        // (H, W, C) = (2, 5, 2), row 0, column 3, channel 1: (0·5 + 3)·2 + 1 = 7.
        let flat = try ExerciseSheet(topic: .flattenIndex, seed: 1, count: 1).problems[0]
        XCTAssertEqual(ExerciseKeyTests.value(flat, "input_shape"), .ints([2, 5, 2]))
        XCTAssertEqual(ExerciseKeyTests.value(flat, "position"), .ints([0, 3, 1]))
        assertRows(flat.answers[0].key, [[7]])
        // x = (2, 3, 3, 1), w = (0, 1.5, −0.5, 0), b = 0: 0 + 4.5 − 1.5 + 0 = 3.
        let dense = try ExerciseSheet(topic: .dense, seed: 1, count: 1).problems[0]
        assertRows(dense.answers[0].key, [[3]])
        // x = [1 2 1; 1 1 2; 2 2 1], K = [1 1; −1 0], target [1 3; 0 −1]:
        // y[0][0] = 1 + 2 − 1 + 0 = 2, y = [2 2; 0 1]; dL/dy = y − t = [1 −1; 0 2];
        // dL/dK[0][1] = 1·2 + (−1)·1 + 0·1 + 2·2 = 5; K[0][1] ← 1 − 0.5·5 = −1.5.
        let backprop = try ExerciseSheet(topic: .backprop, seed: 1, count: 1).problems[0]
        XCTAssertEqual(ExerciseKeyTests.matrix(ExerciseKeyTests.value(backprop, "input")), Matrix([[1, 2, 1], [1, 1, 2], [2, 2, 1]]))
        XCTAssertEqual(ExerciseKeyTests.matrix(ExerciseKeyTests.value(backprop, "target")), Matrix([[1, 3], [0, -1]]))
        assertRows(backprop.answers[0].key, [[2, 2], [0, 1]])
        assertRows(backprop.answers[1].key, [[1, 5], [4, 1]])
        assertRows(backprop.answers[2].key, [[0.5, -1.5], [-3, -0.5]])
    }

    func testPagesAreSpanishPrintableA4AndTheSheetHidesTheKey() throws {
        let s = try ExerciseSheet(topic: .convolution, seed: 1, count: 4, language: .es)
        let sheet = ExerciseSheetPage.sheet(s), key = ExerciseSheetPage.answers(s)
        for page in [sheet, key] {
            XCTAssertTrue(page.contains("<html lang=\"es\">"))
            XCTAssertTrue(page.contains("@page { size: A4;"))
            XCTAssertTrue(page.contains(".problem { break-inside: avoid;"))
            XCTAssertEqual(page.components(separatedBy: "<section class=\"problem\">").count - 1, 4)
        }
        XCTAssertTrue(sheet.contains("Ejercicio 1") && sheet.contains("Calcula la salida") && sheet.contains("núcleo K"))
        XCTAssertTrue(key.contains("Soluciones") && key.contains("más el sesgo"))
        // The sheet's answer grids are blank: 9 + 9 + 4 + 4 empty cells, and no worked steps.
        XCTAssertEqual(sheet.components(separatedBy: "<td></td>").count - 1, 26)
        XCTAssertFalse(sheet.contains("class=\"cell\""))
        XCTAssertTrue(key.contains("<td>16</td>"))
        XCTAssertFalse(key.contains(" of the ") || key.contains("window"), "English left in the Spanish key")
    }

    func testEnglishIsTheDefault() throws {
        let page = ExerciseSheetPage.sheet(try ExerciseSheet(topic: .relu, seed: 2))
        XCTAssertTrue(page.contains("<html lang=\"en\">") && page.contains("Apply the ReLU activation"))
    }

    func testTemplateListsEveryGridBlank() throws {
        let s = try ExerciseSheet(topic: .backprop, seed: 4, count: 2)
        let text = ExerciseText.template(s)
        XCTAssertTrue(text.hasPrefix("# cnnviz exercise backprop seed 4 count 2\n"))
        for label in ["1 y: (2×2)", "1 output: (2×2)", "1 updated_kernel: (2×2)", "2 updated_kernel: (2×2)"] {
            XCTAssertTrue(text.contains(label), label)
        }
        // Read back as it is, every cell is blank.
        let blank = try StudentAnswers.parse(text, source: "t.txt")
        XCTAssertEqual(blank.grids[2]?["output"], [[nil, nil], [nil, nil]])
    }
}
