import Foundation
import XCTest
@testable import CNNCore

/// Sizes beyond `Limits` are refused with a message naming the limit, before any allocation,
/// and sizes that overflow `Int` never trap.
final class LimitsTests: XCTestCase {
    func assertThrows(_ body: @autoclosure () throws -> Any, mentions words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            for w in words { XCTAssertTrue("\(error)".contains(w), "'\(w)' not in: \(error)", file: file, line: line) }
        }
    }

    /// An architecture with input 8×8×3, Conv2D 2 filters (the given config), Flatten, Dense 1 sigmoid.
    func architecture(conv: String, input: String = "[8, 8, 3]", extra: String = "") -> String {
        #"{"input_shape": \#(input), \#(extra) "layers": [{"class_name": "Conv2D", "config": \#(conv)}, {"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}"#
    }

    func testProductAndSumReportOverflowAsNil() {
        XCTAssertEqual(Limits.product([2, 3, 4]), 24)
        XCTAssertEqual(Limits.product([]), 1)
        XCTAssertNil(Limits.product([3_037_000_500, 3_037_000_500]))
        XCTAssertNil(Limits.product(Int.max, 2))
        XCTAssertNil(Limits.product([4, -1]))
        XCTAssertEqual(Limits.sum([1, 2, 3]), 6)
        XCTAssertNil(Limits.sum([Int.max, 1]))
    }

    func testCheckNamesTheValueAndTheLimit() {
        assertThrows(try Limits.check(Int.max, "--batch-size", atMost: Limits.maxBatchSize, unit: "images a batch", hint: "use 32"),
                     mentions: ["--batch-size 9223372036854775807 is too large", "at most 4096 images a batch", "Use 32"])
        assertThrows(try Limits.check(0, "--epochs", atMost: 10, unit: "epochs", hint: "use 32"), mentions: ["--epochs must be at least 1"])
        XCTAssertNoThrow(try Limits.check(4096, "--batch-size", atMost: Limits.maxBatchSize, unit: "images a batch", hint: "use 32"))
    }

    func testMemoryCheckRefusesWhatTheMachineCannotHold() {
        assertThrows(try Limits.checkMemory(8_000_000_000, for: "training", available: 4_000_000_000),
                     mentions: ["training would need 8.0 GB of memory", "this machine has 4.0 GB"])
        assertThrows(try Limits.checkMemory(nil, for: "training"), mentions: ["more than"])
        XCTAssertNoThrow(try Limits.checkMemory(1 << 20, for: "training"))
    }

    /// 3037000500² overflows Int: the kernel size is refused by name, with 'valid' and 'same' padding.
    func testKernelSizeThatOverflowsIsRefused() {
        for padding in ["valid", "same"] {
            let json = architecture(conv: #"{"filters": 2, "kernel_size": 3037000500, "padding": "\#(padding)"}"#)
            assertThrows(try ModelSpec.parse(Data(json.utf8), path: "arch.json").build(path: "arch.json"),
                         mentions: ["arch.json", "\"kernel_size\" 3037000500 is too large", "at most 4096 a side"])
        }
        // Built in code, past the file checks: the plan refuses it before any arithmetic with it.
        let conv = Conv2D(filters: 2, kernelSize: (3_037_000_500, 3_037_000_500), padding: .same)
        assertThrows(try Sequential(inputShape: [8, 8, 3], layers: [conv, Flatten(), Dense(units: 1)]),
                     mentions: ["conv2d", "3037000500×3037000500 is too large", "at most 4096 a side"])
        let pool = Pooling2D(.max, poolSize: (2, 2), strides: (Int.max, Int.max), padding: .same)
        assertThrows(try Sequential(inputShape: [8, 8, 3], layers: [pool]), mentions: ["strides", "at most 4096 a side"])
    }

    /// 'same' padding's arithmetic cannot overflow, and gives the same sizes as before for real ones.
    func testPaddingArithmeticIsOverflowSafe() {
        XCTAssertTrue(Padding.same.outputLength(input: 5, window: 3, stride: 2) == (3, 1, 1))
        XCTAssertTrue(Padding.same.outputLength(input: 4, window: 3, stride: 2) == (2, 0, 1))
        XCTAssertTrue(Padding.valid.outputLength(input: 7, window: 3, stride: 2) == (3, 0, 0))
        XCTAssertEqual(Padding.same.outputLength(input: Int.max, window: Int.max, stride: 1).out, 0)
        XCTAssertEqual(Padding.same.outputLength(input: 8, window: 3, stride: 0).out, 0)
    }

    func testHugeUnitsFiltersAndLayerCountsAreRefused() {
        assertThrows(try ModelSpec.parse(Data(architecture(conv: #"{"filters": 9223372036854, "kernel_size": 3}"#).utf8), path: "arch.json").build(),
                     mentions: ["filters"])
        assertThrows(try ModelSpec.parse(Data(architecture(conv: #"{"filters": 100000, "kernel_size": 3}"#).utf8), path: "arch.json").build(),
                     mentions: ["\"filters\" 100000 is too large: at most 65536 filters"])
        let many = Array(repeating: #"{"class_name": "Activation", "config": {"activation": "relu"}}"#, count: 300).joined(separator: ",")
        assertThrows(try ModelSpec.parse(Data(#"{"input_shape": [4], "layers": [\#(many)]}"#.utf8), path: "arch.json"),
                     mentions: ["300 layers", "at most 256 layers"])
        let layers = (0..<300).map { _ in ActivationLayer(.relu) as Layer }
        assertThrows(try Sequential(inputShape: [4], layers: layers), mentions: ["at most 256 layers"])
    }

    /// An input shape or preprocessing.target_size that cannot be allocated is refused by the parser, naming the limit.
    func testHugeInputShapeAndTargetSizeAreRefused() {
        assertThrows(try ModelSpec.parse(Data(architecture(conv: #"{"filters": 2, "kernel_size": 3}"#, input: "[100000, 100000, 3]").utf8), path: "m.json"),
                     mentions: ["m.json", "\"input_shape\" [100000, 100000, 3] is too large", "at most 4096 pixels a side"])
        assertThrows(try ModelSpec.parse(Data(#"{"input_shape": [4000000000], "layers": [{"class_name": "Flatten"}]}"#.utf8), path: "m.json"),
                     mentions: ["at most 268435456 values"])
        let target = architecture(conv: #"{"filters": 2, "kernel_size": 3}"#, extra: #""preprocessing": {"target_size": [100000, 100000]},"#)
        assertThrows(try ModelSpec.parse(Data(target.utf8), path: "m.json"),
                     mentions: ["preprocessing.target_size [100000, 100000] is too large", "at most 4096 pixels a side"])
        let negative = architecture(conv: #"{"filters": 2, "kernel_size": 3}"#, extra: #""preprocessing": {"target_size": [-3, 8]},"#)
        assertThrows(try ModelSpec.parse(Data(negative.utf8), path: "m.json"), mentions: ["target_size must be [height, width]"])
    }

    /// The plan of a training run: batch tensors and memory, before anything is allocated.
    func testTrainingPlanChecksTheBatch() throws {
        let plan = try Coursework.spec(imageSize: 64).plan()
        XCTAssertEqual(plan.parameters, 3_937_409)
        XCTAssertEqual(plan.outputShapes.first, [62, 62, 32])
        XCTAssertNoThrow(try plan.checkTraining(batch: 32))
        assertThrows(try plan.checkTraining(batch: 4096), mentions: ["a batch of 4096", "(4096, 62, 62, 32)", "at most 268435456 values"])
        // The coursework at 1024 pixels: its dense kernel alone would pass the limit.
        assertThrows(try Coursework.spec(imageSize: 1024).plan(), mentions: ["dense", "would need", "at most 268435456 values"])
    }
}
