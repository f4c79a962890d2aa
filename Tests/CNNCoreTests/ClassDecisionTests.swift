import CNNCore
import XCTest

/// The one rule that turns outputs into classes (`ClassDecision`), checked by hand.
final class ClassDecisionTests: XCTestCase {
    func testOneSigmoidUnitUsesKerasThreshold() {
        XCTAssertEqual(ClassDecision(output: [0.9]), ClassDecision(output: [0.9]))
        XCTAssertEqual(ClassDecision(output: [0.9]).index, 1)
        XCTAssertEqual(ClassDecision(output: [0.9]).probability, 0.9)
        XCTAssertEqual(ClassDecision(output: [0.25]).index, 0)
        XCTAssertEqual(ClassDecision(output: [0.25]).probability, 0.75)
        // Exactly 0.5 is class 0: Keras' binary_accuracy asks p > 0.5.
        XCTAssertEqual(ClassDecision.binaryClass(0.5), 0)
        XCTAssertEqual(ClassDecision.binaryClass(Float(0.5).nextUp), 1)
    }

    func testSoftmaxTakesTheFirstLargest() {
        XCTAssertEqual(ClassDecision(output: [0.1, 0.7, 0.2]).index, 1)
        XCTAssertEqual(ClassDecision(output: [0.1, 0.7, 0.2]).probability, 0.7)
        XCTAssertEqual(ClassDecision(output: [0.4, 0.2, 0.4]).index, 0, "a tie goes to the first, as numpy's argmax")
    }

    func testAccuracyAgreesWithTheDecision() {
        let p = Tensor(shape: [4, 1], data: [0.9, 0.5, 0.2, 0.51])
        let y = Tensor(shape: [4, 1], data: [1, 0, 1, 1])
        XCTAssertEqual(Accuracy.of(p, targets: y), 0.75)
    }
}
